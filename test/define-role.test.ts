import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeRoleModule } from './support/role-definitions.js';
import { compileMemory, freshShipped } from './support/runtime-roles.js';
import { ROOT } from './support/sets.js';

/**
 * Roles defined at run time (issue 18): `defineRole` in the generated module reads a plain JSON
 * definition with the grant rules of the YAML language and installs a row that `can`,
 * `subject`, `canUse` and `widestScope` read like a compiled role's; errors name the JSON path.
 */
let crm: RuntimeRoleModule;
let platform: RuntimeRoleModule;
beforeEach(async () => {
  crm = await freshShipped('crm');
  platform = await freshShipped('platform');
});

const ok = (r: ReturnType<RuntimeRoleModule['defineRole']>) => {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

describe('defineRole: a valid definition', () => {
  it('gives what it grants at the written level and narrower, inherits compiled roles, and is canonical', () => {
    const r = ok(
      crm.defineRole({
        id: 'night-shift',
        title: 'Night Shift',
        description: 'Covers the night.',
        inherits: ['user'],
        grants: [{ 'records:update': 'group' }, 'emails:view'],
      }),
    );
    const { Permission: P, Scope: S } = crm;
    expect(r.role).toBeGreaterThanOrEqual(2 ** 30);
    expect(crm.can(r.role, P['records:update']!, S.own)).toBe(true);
    expect(crm.can(r.role, P['records:update']!, S.group)).toBe(true);
    expect(crm.can(r.role, P['records:update']!, S.all)).toBe(false);
    expect(crm.can(r.role, P['records:update']!)).toBe(false); // default: the widest level
    expect(crm.widestScope(r.role, P['records:update']!)).toBe(S.group);
    expect(crm.can(r.role, P['emails:view']!)).toBe(true);
    // Everything the compiled role `user` gives, it gives.
    for (const [id, no] of Object.entries(P)) {
      for (const s of Object.values(S))
        if (crm.can(crm.Role.user!, no, s)) expect(crm.can(r.role, no, s), id).toBe(true);
    }
    expect(crm.subject([r.role]).can(P['records:update']!, S.group)).toBe(true);
    expect(crm.subject([r.role, crm.Role.auditor!]).can(P['audit-logs:view']!, S.all)).toBe(true);
    expect(crm.check('night-shift', 'records:update', 'group')).toBe(true);
    expect(crm.roleNo('night-shift')).toBe(r.role);
    expect(r.definition).toEqual({
      id: 'night-shift',
      title: 'Night Shift',
      description: 'Covers the night.',
      inherits: ['user'],
      grants: [{ 'records:update': 'group' }, 'emails:view'],
    });
    expect(JSON.parse(JSON.stringify(crm.roleDefinition(r.role)))).toEqual(r.definition);
    expect(r.warnings).toEqual([]);
  });

  it('applies implications at the written level, expands resource:* and *', () => {
    const { Permission: P } = platform;
    const r = ok(platform.defineRole({ id: 'builder', title: 'Builder', grants: ['agents:create'] }));
    // Create implies View, Edit and Use on the same resource.
    for (const a of ['view', 'edit', 'use', 'create']) expect(platform.can(r.role, P[`agents:${a}`]!), a).toBe(true);
    expect(platform.can(r.role, P['agents:delete']!)).toBe(false);
    const all = ok(platform.defineRole({ id: 'agents-all', title: 'Agents', grants: ['agents:*'] }));
    for (const [id, no] of Object.entries(P)) expect(platform.can(all.role, no), id).toBe(id.startsWith('agents:'));
    const star = ok(platform.defineRole({ id: 'owner-copy', title: 'Everything', grants: ['*'] }));
    for (const no of Object.values(P)) expect(platform.can(star.role, no)).toBe(true);
  });

  it('collections: allow, except and all read as compiled rows do, unknown entries follow their nearest known ancestor', () => {
    const r = ok(
      platform.defineRole({
        id: 'slack-only',
        title: 'Slack only',
        grants: [],
        collections: { connectors: { mode: 'allow', entries: ['slack'] }, objects: { mode: 'all' } },
      }),
    );
    expect(platform.canUse(r.role, 'connectors', 'slack')).toBe(true);
    expect(platform.canUse(r.role, 'connectors', 'gmail')).toBe(false);
    expect(platform.canUse(r.role, 'objects', 'customer')).toBe(true);
    expect(platform.canUse(r.role, 'objects', 'brand-new-object')).toBe(true);
    const e = ok(
      platform.defineRole({
        id: 'no-gmail',
        title: 'No Gmail',
        grants: [],
        collections: { connectors: { mode: 'except', entries: ['gmail'] } },
      }),
    );
    expect(platform.canUse(e.role, 'connectors', 'slack')).toBe(true);
    expect(platform.canUse(e.role, 'connectors', 'gmail')).toBe(false);
    expect(platform.canUse(e.role, 'connectors', 'gmail/actions/new-one')).toBe(false);
    expect(platform.canUse(e.role, 'connectors', 'a-new-app')).toBe(true);
    expect(platform.subject([e.role, r.role]).canUse('connectors', 'gmail')).toBe(false);
  });

  it('editing keeps the number; removing makes the number deny for good; compiled ids are refused', () => {
    const { Permission: P } = crm;
    const a = ok(crm.defineRole({ id: 'temp', title: 'Temp', grants: ['emails:view'] }));
    const b = ok(crm.defineRole({ id: 'temp', title: 'Temp', grants: ['sms:view'] }));
    expect(b.role).toBe(a.role);
    expect(crm.can(a.role, P['emails:view']!)).toBe(false);
    expect(crm.can(a.role, P['sms:view']!)).toBe(true);
    expect(crm.removeRole('temp')).toBe(true);
    expect(crm.can(a.role, P['sms:view']!)).toBe(false);
    expect(crm.subject([a.role]).roles).toEqual([]);
    const c = ok(crm.defineRole({ id: 'temp', title: 'Temp', grants: ['sms:view'] }));
    expect(c.role).not.toBe(a.role);
    const clash = crm.defineRole({ id: 'user', title: 'User', grants: [] });
    expect(clash.ok).toBe(false);
  });

  it('a number nobody defined denies, like any number outside the compiled domain', () => {
    const { Permission: P } = crm;
    for (const n of [2 ** 30, 2 ** 30 + 1, 2 ** 31, 2 ** 32 - 1, '1073741824' as unknown as number]) {
      expect(crm.can(n, P['emails:view']!)).toBe(false);
      expect(crm.subject([n]).roles).toEqual([]);
    }
    ok(crm.defineRole({ id: 'r', title: 'R', grants: ['emails:view'] }));
    expect(crm.can('1073741824' as unknown as number, P['emails:view']!)).toBe(false);
    expect(crm.can(2 ** 30 + 0.5, P['emails:view']!)).toBe(false);
  });
});

describe('many tenants: options.namespace', () => {
  it('two tenants define the same id: two roles, each known as namespace/id, the stored definition keeps the tenant id', () => {
    const { Permission: P } = crm;
    const acme = ok(
      crm.defineRole({ id: 'night-shift', title: 'Night Shift', grants: ['emails:view'] }, { namespace: 'acme' }),
    );
    const globex = ok(
      crm.defineRole({ id: 'night-shift', title: 'Night Shift', grants: ['sms:view'] }, { namespace: 'globex' }),
    );
    expect([acme.id, globex.id]).toEqual(['acme/night-shift', 'globex/night-shift']);
    expect(acme.role).not.toBe(globex.role);
    expect(acme.definition.id).toBe('night-shift');
    expect(crm.can(acme.role, P['emails:view']!)).toBe(true);
    expect(crm.can(acme.role, P['sms:view']!)).toBe(false);
    expect(crm.can(globex.role, P['sms:view']!)).toBe(true);
    expect(crm.roleNo('acme/night-shift')).toBe(acme.role);
    expect(crm.roleNo('night-shift')).toBeUndefined();
    expect(crm.check(['globex/night-shift'], 'sms:view')).toBe(true);
    expect(crm.customRoles('acme')).toEqual([acme.definition]);
    expect(crm.customRoles()).toHaveLength(2);
    // Editing within a tenant keeps the number; the other tenant's role is untouched.
    const edited = ok(
      crm.defineRole({ id: 'night-shift', title: 'Night Shift', grants: ['call-logs:view'] }, { namespace: 'acme' }),
    );
    expect(edited.role).toBe(acme.role);
    expect(crm.can(globex.role, P['sms:view']!)).toBe(true);
    expect(crm.removeRole('acme/night-shift')).toBe(true);
    expect(crm.can(acme.role, P['call-logs:view']!)).toBe(false);
    expect(crm.can(globex.role, P['sms:view']!)).toBe(true);
  });

  it('in a namespace a tenant may use an id the compiled set has (or adds later): it never replaces the compiled role', () => {
    const { Permission: P, Role: R } = crm;
    const mine = ok(crm.defineRole({ id: 'user', title: 'Our users', grants: ['emails:view'] }, { namespace: 'acme' }));
    expect(mine.id).toBe('acme/user');
    expect(crm.roleNo('user')).toBe(R.user);
    expect(crm.can(R.user!, P['records:view']!, crm.Scope.own)).toBe(true);
    expect(crm.can(mine.role, P['records:view']!, crm.Scope.own)).toBe(false);
  });

  it('a namespace is written as an id; anything else is an error, not an exception', () => {
    for (const namespace of ['', 'a/b', '__proto__/x', 'x'.repeat(129), 7, null, {}, ' acme']) {
      const r = crm.defineRole({ id: 'r', title: 'R', grants: [] }, { namespace });
      expect(r.ok, JSON.stringify(namespace)).toBe(false);
      if (!r.ok)
        expect(r.errors).toContainEqual(
          expect.objectContaining({ path: '', reason: 'options.namespace is not a namespace' }),
        );
    }
    expect(ok(crm.defineRole({ id: 'r', title: 'R', grants: [] }, { namespace: '__proto__' })).id).toBe('__proto__/r');
  });
});

describe('storedRoles reads run-time role ids', () => {
  it('a user row mixing compiled, renamed, retired and run-time ids (namespaced too) reads as one subject', () => {
    const { Permission: P, Scope: S } = crm;
    ok(
      crm.defineRole(
        { id: 'night-shift', title: 'Night Shift', grants: [{ 'records:update': 'group' }] },
        { namespace: 'acme' },
      ),
    );
    ok(crm.defineRole({ id: 'listener', title: 'Listener', grants: ['call-recordings:listen'] }));
    const read = crm.storedRoles(['user', 'acme/night-shift', 'listener', 'globex/night-shift', 'acme/night-shift']);
    expect(read.roles).toEqual(['user', 'acme/night-shift', 'listener']);
    expect(read.unknown).toEqual(['globex/night-shift']);
    expect(read.subject.can(P['records:update']!, S.group)).toBe(true);
    expect(read.subject.can(P['call-recordings:listen']!)).toBe(true);
    // Only unknown ids: nothing held (no default role); a removed run-time role is unknown from then on.
    crm.removeRole('listener');
    const gone = crm.storedRoles(['listener']);
    expect(gone.unknown).toEqual(['listener']);
    expect(gone.subject.roles).toEqual([]);
  });
});

describe('defineRole: errors name the JSON path and the reason', () => {
  const cases: [string, unknown, { path: string; reason: RegExp; hint?: RegExp }][] = [
    [
      'unknown permission with did-you-mean',
      { id: 'x', title: 'X', grants: ['records:updat'] },
      { path: '/grants/0', reason: /unknown permission `records:updat`/, hint: /did you mean `records:update`/ },
    ],
    [
      'missing level',
      { id: 'x', title: 'X', grants: ['records:update'] },
      { path: '/grants/0', reason: /must name a level/, hint: /own, group, all/ },
    ],
    [
      'level not in the set',
      { id: 'x', title: 'X', grants: [{ 'records:update': 'team' }] },
      { path: '/grants/0/records:update', reason: /"team" is not a level/ },
    ],
    [
      'level on an unscoped permission',
      { id: 'x', title: 'X', grants: [{ 'emails:view': 'all' }] },
      { path: '/grants/0/emails:view', reason: /not scoped/ },
    ],
    [
      'inherits an unknown role',
      { id: 'x', title: 'X', grants: [], inherits: ['auditr'] },
      { path: '/inherits/0', reason: /unknown role `auditr`/, hint: /did you mean `auditor`/ },
    ],
    [
      'unknown field',
      { id: 'x', title: 'X', grants: [], grant: [] },
      { path: '/grant', reason: /unknown field/, hint: /did you mean `grants`/ },
    ],
    [
      'granted twice',
      { id: 'x', title: 'X', grants: ['emails:view', 'emails:view'] },
      { path: '/grants/1', reason: /granted twice/ },
    ],
    [
      'bad wildcard',
      { id: 'x', title: 'X', grants: ['*:view'] },
      { path: '/grants/0', reason: /not a valid wildcard/ },
    ],
    ['blank title', { id: 'x', title: '  ', grants: [] }, { path: '/title', reason: /title/ }],
    ['bad id', { id: 'a b', title: 'X', grants: [] }, { path: '/id', reason: /not a role id/ }],
  ];
  for (const [name, definition, want] of cases) {
    it(name, () => {
      const r = crm.defineRole(definition);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const e = r.errors.find((x) => x.path === want.path);
      expect(e, JSON.stringify(r.errors)).toBeDefined();
      expect(e!.reason).toMatch(want.reason);
      if (want.hint) expect(e!.hint).toMatch(want.hint);
    });
  }

  it('collection mode not allowed, unknown entry, entries on `all`', () => {
    const r = platform.defineRole({
      id: 'x',
      title: 'X',
      grants: [],
      collections: {
        objects: { mode: 'except', entries: ['customer'] },
        connectors: { mode: 'allow', entries: ['slak'] },
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual({
      path: '/collections/objects/mode',
      reason: '"except" is not a mode `objects` offers',
      hint: '`objects` offers: all, allow',
    });
    expect(r.errors).toContainEqual(
      expect.objectContaining({ path: '/collections/connectors/entries/0', hint: 'did you mean `slack`?' }),
    );
    const all = platform.defineRole({
      id: 'x',
      title: 'X',
      grants: [],
      collections: { objects: { mode: 'all', entries: ['customer'] } },
    });
    expect(all.ok).toBe(false);
  });
});

describe('no escalation: options.grantedBy', () => {
  it('rejects a grant wider than the creator holds, and accepts one within', () => {
    const { Role: R } = crm;
    const creator = crm.subject([R['crm-admin']!]);
    const wider = crm.defineRole({ id: 'x', title: 'X', grants: ['global-settings:edit'] }, { grantedBy: creator });
    expect(wider.ok).toBe(false);
    if (!wider.ok)
      expect(wider.errors[0]).toMatchObject({
        path: '/grants/0',
        reason: expect.stringMatching(/which the creator does not hold/),
      });
    const within = crm.defineRole(
      { id: 'x', title: 'X', grants: [{ 'records:view': 'group' }] },
      { grantedBy: creator },
    );
    expect(within.ok).toBe(true);
  });

  it('a level: holding group does not allow granting all', () => {
    const { Role: R, Permission: P, Scope: S } = crm;
    const role = Object.values(R).find((r) => crm.widestScope(r, P['records:update']!) === S.group);
    expect(role, 'a compiled role holding records:update at group').toBeDefined();
    const creator = crm.subject([role!]);
    expect(
      crm.defineRole({ id: 'x', title: 'X', grants: [{ 'records:update': 'all' }] }, { grantedBy: creator }).ok,
    ).toBe(false);
    expect(
      crm.defineRole({ id: 'x', title: 'X', grants: [{ 'records:update': 'own' }] }, { grantedBy: creator }).ok,
    ).toBe(true);
  });

  it('inheriting a role the creator does not fully hold is rejected; grantedBy must be a subject or role', () => {
    const { Role: R } = crm;
    const r = crm.defineRole(
      { id: 'x', title: 'X', grants: [], inherits: ['system-owner'] },
      { grantedBy: crm.subject([R['crm-admin']!]) },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.path).toBe('/inherits/0');
    expect(
      crm.defineRole(
        { id: 'x', title: 'X', grants: [], inherits: ['user'] },
        { grantedBy: crm.subject([R['crm-admin']!]) },
      ).ok,
    ).toBe(true);
    expect(crm.defineRole({ id: 'x', title: 'X', grants: [] }, { grantedBy: { can: () => true } }).ok).toBe(false);
    expect(crm.defineRole({ id: 'x', title: 'X', grants: [] }, { grantedBy: undefined }).ok).toBe(false);
  });

  it('self-restricted permissions stay self-restricted on a run-time role', () => {
    const { Permission: P } = crm;
    const restricted = Object.entries(P).find(
      ([id]) =>
        (crm as unknown as { permissions: { id: string; selfRestricted: boolean }[] }).permissions.find(
          (p) => p.id === id,
        )?.selfRestricted,
    );
    expect(restricted).toBeDefined();
    const [id, no] = restricted!;
    const meta = (crm as unknown as { permissions: { id: string; scoped: boolean }[] }).permissions.find(
      (p) => p.id === id,
    )!;
    const r = ok(crm.defineRole({ id: 'x', title: 'X', grants: [meta.scoped ? { [id]: 'all' } : id] }));
    expect(crm.can(r.role, no)).toBe(true);
    expect(crm.can(r.role, no, undefined, true)).toBe(false);
    expect(crm.subject([r.role]).can(no, undefined, true)).toBe(false);
  });
});

describe('storage across versions', () => {
  const apps = (entries: string, extra = '') => `
apiVersion: policyc/v1
kind: PolicySet
metadata: { name: apps }
spec: { version: 1.0.0, defaultRole: member }
---
apiVersion: policyc/v1
kind: Catalog
metadata: { name: apps }
spec:
  actions: [{ name: view }]
  resources: [{ name: docs, title: Docs }]
  permissions: [{ id: docs:view, title: View docs }]
  collections:
    - name: integrations
      title: Integrations
      entries: [${entries}]
${extra}---
apiVersion: policyc/v1
kind: Role
metadata: { name: member }
spec: { title: Member, description: Reads docs., grants: [docs:view] }
`;
  const boards = `    - name: boards
      title: Boards
      entries: [kanban]
`;
  it('collection entries removed from the catalog: left out of allow with a warning, an error in except (leaving them out would widen)', async () => {
    const one = await compileMemory('apps', { 'set.yaml': apps('stripe, slack, jira', boards) });
    const stored = [
      {
        id: 'a',
        title: 'A',
        grants: [],
        collections: { integrations: { mode: 'allow', entries: ['stripe', 'jira'] } },
      },
      { id: 'b', title: 'B', grants: [], collections: { integrations: { mode: 'allow', entries: ['jira'] } } },
      { id: 'c', title: 'C', grants: [], collections: { integrations: { mode: 'except', entries: ['jira'] } } },
      { id: 'd', title: 'D', grants: [], collections: { boards: { mode: 'all' } } },
    ].map((d) => JSON.stringify(ok(one.g.defineRole(d)).definition));
    const two = await compileMemory('apps', { 'set.yaml': apps('stripe, slack') }, one.lockfile);
    const [a, b, c, d] = stored.map((json) => two.g.defineRole(JSON.parse(json)));
    expect(ok(a!).definition.collections).toEqual({ integrations: { mode: 'allow', entries: ['stripe'] } });
    expect(a!.warnings).toEqual([
      {
        path: '/collections/integrations/entries/1',
        reason: 'entry `jira` of `integrations` no longer exists in this version of the catalog; it is left out',
      },
    ]);
    expect(two.g.canUse(ok(a!).role, 'integrations', 'jira')).toBe(false);
    expect(ok(b!).definition.collections).toBeUndefined();
    expect(b!.warnings.map((w) => w.reason)).toContain(
      'every entry the rule allowed no longer exists; the rule gives nothing and is left out',
    );
    expect(c!.ok).toBe(false);
    if (!c!.ok)
      expect(c!.errors).toEqual([
        {
          path: '/collections/integrations/entries/0',
          reason: 'entry `jira` of `integrations` no longer exists in this version of the catalog',
          hint: 'remove it from the exceptions and save the role again (leaving it out here would allow what it excluded)',
        },
      ]);
    expect(ok(d!).warnings).toEqual([
      {
        path: '/collections/boards',
        reason:
          'collection `boards` no longer exists in this version of the catalog; the rule gives nothing and is left out',
      },
    ]);
    // A typo is still an error, not a warning.
    expect(
      two.g.defineRole({
        id: 'e',
        title: 'E',
        grants: [],
        collections: { integrations: { mode: 'allow', entries: ['jirra'] } },
      }).ok,
    ).toBe(false);
  });

  const v1 = `
apiVersion: policyc/v1
kind: PolicySet
metadata: { name: lifecycle }
spec: { version: 1.0.0, defaultRole: member }
---
apiVersion: policyc/v1
kind: Catalog
metadata: { name: tickets }
spec:
  actions: [{ name: view }, { name: edit, implies: [view] }, { name: archive }]
  resources: [{ name: tickets, title: Tickets }]
  permissions:
    - { id: tickets:view, title: View tickets }
    - { id: tickets:edit, title: Edit tickets }
    - { id: tickets:archive, title: Archive tickets }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: member }
spec: { title: Member, description: Reads tickets., grants: [tickets:view] }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: supervisor }
spec: { title: Supervisor, description: Edits tickets., grants: [tickets:edit] }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: agent }
spec: { title: Agent, description: Archives tickets., grants: [tickets:archive] }
`;
  it('a definition stored by ids under v1 loads under v2: renamed ids mapped, vanished permissions warned, retired inherits transferred', async () => {
    const lock = readFileSync(
      path.join(ROOT, 'test/fixtures/golden/lifecycle/policies/lifecycle/policyc.lock.json'),
      'utf8',
    );
    const one = await compileMemory('lifecycle', { 'set.yaml': v1 }, lock);
    const stored = ok(
      one.g.defineRole({
        id: 'triage',
        title: 'Triage',
        inherits: ['agent', 'supervisor'],
        grants: ['tickets:edit', 'tickets:archive'],
      }),
    );
    const json = JSON.stringify(stored.definition);
    expect(json).toBe(
      '{"id":"triage","title":"Triage","inherits":["agent","supervisor"],"grants":["tickets:edit","tickets:archive"]}',
    );

    const v2 = readFileSync(path.join(ROOT, 'test/fixtures/golden/lifecycle/policies/lifecycle/set.yaml'), 'utf8');
    const two = await compileMemory('lifecycle', { 'set.yaml': v2 }, one.lockfile);
    const loaded = ok(two.g.defineRole(JSON.parse(json)));
    expect(loaded.definition).toEqual({
      id: 'triage',
      title: 'Triage',
      inherits: ['member', 'lead'],
      grants: ['tickets:update'],
    });
    expect(loaded.warnings).toEqual([
      { path: '/inherits/0', reason: 'role `agent` was retired; its users and heirs transfer to `member`' },
      { path: '/inherits/1', reason: 'role `supervisor` was renamed to `lead`' },
      { path: '/grants/0', reason: 'permission `tickets:edit` was renamed to `tickets:update`' },
      {
        path: '/grants/1',
        reason:
          'permission `tickets:archive` no longer exists in this version of the catalog; the grant gives nothing and is left out',
      },
    ]);
    const P = two.g.Permission;
    expect(two.g.can(loaded.role, P['tickets:update']!)).toBe(true);
    expect(two.g.can(loaded.role, P['tickets:close']!)).toBe(true); // through lead
    // The canonical form loads again with no warnings and the same answers.
    const again = ok(two.g.defineRole(JSON.parse(JSON.stringify(loaded.definition))));
    expect(again.warnings).toEqual([]);
    expect(again.role).toBe(loaded.role);
    // A user row stored under v1 (a retired compiled role and the run-time role) reads under v2.
    const user = two.g.storedRoles(['agent', 'triage']);
    expect(user.roles).toEqual(['member', 'triage']);
    expect(user.moved).toEqual([{ from: 'agent', to: 'member', reason: 'retired' }]);
    expect(user.unknown).toEqual([]);
    expect(user.subject.can(P['tickets:close']!)).toBe(true);
  });
});
