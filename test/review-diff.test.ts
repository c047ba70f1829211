import { describe, expect, it } from 'vitest';
import { analyzeSet } from '../src/analyze.js';
import type { Model } from '../src/model/model.js';
import type { Lockfile, NumberTable } from '../src/allocate/lockfile.js';
import { diffModels } from '../src/review/diff.js';
import { gainReasons } from '../src/review/escalation.js';
import { compareNumbering, type NumberChange } from '../src/review/numbering.js';
import { checkVersion } from '../src/review/version-bump.js';
import { memorySet } from './support/sets.js';

/* The semantic diff on small in-memory sets: the cases the scripted history of test/diff.test.ts does not reach. */

const BASE = `
apiVersion: policyc/v1
kind: PolicySet
metadata: { name: desk }
spec:
  version: 1.2.0
  scopes: [{ name: own }, { name: all }]
  defaultRole: member
  ownerRole: owner
---
apiVersion: policyc/v1
kind: Catalog
metadata: { name: desk }
spec:
  actions: [{ name: view }, { name: edit, implies: [view] }, { name: close }, { name: manage }]
  resources: [{ name: tickets, title: Tickets }, { name: users, title: Users }]
  permissions:
    - { id: tickets:view, title: View tickets, scoped: true }
    - { id: tickets:edit, title: Edit tickets, scoped: true }
    - { id: tickets:close, title: Close tickets }
    - { id: users:manage, title: Manage users, scoped: true, sensitive: true, selfRestricted: true }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: member }
spec: { title: Member, description: Reads own tickets., grants: [{ "tickets:view": own }] }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: agent }
spec: { title: Agent, description: Works tickets., inherits: [member], grants: [{ "tickets:edit": own }, tickets:close, { "users:manage": own }] }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: owner }
spec: { title: Owner, description: Everything., grants: ["*"] }
---
apiVersion: policyc/v1
kind: Assignments
metadata: { name: people }
spec:
  users:
    - { name: ann, roles: [agent] }
    - { name: ben }
`;

function model(text: string): Model {
  const a = analyzeSet(memorySet('desk', { 'set.yaml': text }));
  if (!a.model) throw new Error(a.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return a.model;
}

function variant(...edits: [string, string][]): Model {
  let text = BASE;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${from} not in the base set`);
    text = text.replace(from, to);
  }
  return model(text);
}

const base = model(BASE);

describe('diffModels', () => {
  it('reports nothing for a set against itself', () => {
    const d = diffModels(base, model(BASE));
    expect(d.changed).toBe(false);
    expect(d.roles).toEqual([]);
    expect(d.users).toEqual([]);
    expect(d.escalations).toEqual([]);
    expect(d.version).toMatchObject({ required: 'none', ok: true });
  });

  it('matches a renamed permission through previousNames: a rename, no access change', () => {
    const head = variant(
      ['{ name: close }', '{ name: resolve }'],
      [
        '{ id: tickets:close, title: Close tickets }',
        '{ id: tickets:resolve, title: Resolve tickets, previousNames: [tickets:close] }',
      ],
      ['tickets:close, { "users:manage"', 'tickets:resolve, { "users:manage"'],
    );
    const d = diffModels(base, head);
    expect(d.catalog.permissions).toEqual([
      {
        permission: 'tickets:resolve',
        title: 'Resolve tickets',
        change: 'renamed',
        renamedFrom: 'tickets:close',
        sensitive: false,
        fields: [{ field: 'title', from: 'Close tickets', to: 'Resolve tickets' }],
        roles: [],
      },
    ]);
    expect(d.roles).toEqual([]);
    expect(d.users).toEqual([]);
    expect(d.removals).toBe(0);
    expect(d.version).toMatchObject({
      required: 'minor',
      reason: 'permission `tickets:close` was renamed to `tickets:resolve`',
    });
  });

  it('a permission removed from the catalog: lost by the roles that held it, a major change', () => {
    const head = variant(
      ['    - { id: tickets:close, title: Close tickets }\n', ''],
      ['tickets:close, { "users:manage"', '{ "users:manage"'],
    );
    const d = diffModels(base, head);
    expect(d.catalog.permissions.map((p) => [p.change, p.permission, p.roles])).toEqual([
      ['removed', 'tickets:close', ['agent', 'owner']],
    ]);
    expect(d.roles.map((r) => [r.role, r.access.permissions.map((p) => `${p.change} ${p.permission}`)])).toEqual([
      ['agent', ['lost tickets:close']],
      ['owner', ['lost tickets:close']],
    ]);
    expect(d.removals).toBeGreaterThan(0);
    expect(d.version).toMatchObject({ required: 'major', suggested: '2.0.0' });
  });

  it('lifting a self-restriction is an escalation for everyone who holds the permission', () => {
    const head = variant(['sensitive: true, selfRestricted: true', 'sensitive: true']);
    const d = diffModels(base, head);
    expect(d.catalog.permissions[0]).toMatchObject({
      permission: 'users:manage',
      change: 'changed',
      fields: [{ field: 'selfRestricted', from: true, to: false }],
      roles: ['agent', 'owner'],
    });
    expect(d.escalations.map((e) => [e.subject.kind, e.reasons, e.users])).toEqual([
      ['permission', ['self-restriction-lifted', 'sensitive'], ['ann']],
    ]);
  });

  it('widening a sensitive permission short of the widest level is an escalation for its sensitivity only', () => {
    const head = variant(
      ['{ "users:manage": own }', '{ "users:manage": all }'],
      ['{ name: own }, { name: all }', '{ name: own }, { name: team }, { name: all }'],
    );
    const narrower = variant(
      ['{ "users:manage": own }', '{ "users:manage": team }'],
      ['{ name: own }, { name: all }', '{ name: own }, { name: team }, { name: all }'],
    );
    expect(diffModels(base, head).escalations.map((e) => e.reasons)).toEqual([['sensitive', 'widest-scope']]);
    const d = diffModels(base, narrower);
    expect(d.escalations.map((e) => [e.subject.name, e.reasons, e.from, e.to])).toEqual([
      ['agent', ['sensitive'], 'own', 'team'],
    ]);
    // A new scope level is a catalog change; existing grants keep their level by name.
    expect(d.catalog.scopes).toEqual({ from: ['own', 'all'], to: ['own', 'team', 'all'] });
    expect(d.roles.map((r) => r.role)).toEqual(['agent']);
  });

  it('a new user holding the owner role: an escalation for the user (no role changed)', () => {
    const head = variant(['    - { name: ben }\n', '    - { name: ben }\n    - { name: cid, roles: [owner] }\n']);
    const d = diffModels(base, head);
    expect(d.roles).toEqual([]);
    expect(d.users.map((u) => [u.user, u.status, u.rolesTo])).toEqual([['cid', 'added', ['owner']]]);
    expect(d.escalations.map((e) => [e.subject.kind, e.subject.name, e.reasons])).toEqual([
      ['user', 'cid', ['grants-everything']],
    ]);
  });

  it('changing the default role changes what users without a role get', () => {
    const head = variant(['defaultRole: member', 'defaultRole: agent']);
    const d = diffModels(base, head);
    expect(d.settings).toEqual([{ field: 'defaultRole', from: 'member', to: 'agent' }]);
    expect(
      d.users.map((u) => [
        u.user,
        u.rolesFrom,
        u.rolesTo,
        u.access.permissions.map((p) => `${p.change} ${p.permission}`),
      ]),
    ).toEqual([['ben', ['member'], ['agent'], ['gained tickets:edit', 'gained tickets:close', 'gained users:manage']]]);
    expect(d.escalations.map((e) => [e.subject.name, e.permission])).toEqual([['ben', 'users:manage']]);
  });

  it('a role that stops inheriting: listed for the declared change even when its access stays (edit ⇒ view)', () => {
    const d = diffModels(base, variant(['inherits: [member], ', '']));
    expect(
      d.roles.map((r) => [r.role, r.declared.inheritsRemoved, r.access.permissions.length, r.inheritedOnly]),
    ).toEqual([['agent', ['member'], 0, false]]);
    // Without its edit grant as well, it loses both; the loss is explained from BASE.
    const both = diffModels(base, variant(['inherits: [member], grants: [{ "tickets:edit": own }, ', 'grants: [']));
    expect(
      both.roles[0]!.access.permissions.map((p) => [p.change, p.permission, p.from, p.via?.roles, p.via?.impliedBy]),
    ).toEqual([
      ['lost', 'tickets:view', 'own', ['agent'], 'tickets:edit'],
      ['lost', 'tickets:edit', 'own', ['agent'], null],
    ]);
  });

  it('an implication gained through a changed action is attributed to the roles it changes', () => {
    const head = variant(
      ['{ name: close }', '{ name: close, implies: [edit] }'],
      ['{ "tickets:view": own }] }', '{ "tickets:view": own }, tickets:close] }'],
    );
    const d = diffModels(base, head);
    const action = d.catalog.actions.find((a) => a.action === 'close')!;
    expect(action).toMatchObject({ impliesFrom: [], impliesTo: ['edit'], closureAdded: ['edit', 'view'] });
    expect(action.roles).toEqual(['member', 'agent']);
    // member: tickets:close directly, tickets:edit and :view widened to all through the implication
    expect(
      d.roles.find((r) => r.role === 'member')!.access.permissions.map((p) => [p.change, p.permission, p.from, p.to]),
    ).toEqual([
      ['widened', 'tickets:view', 'own', 'all'],
      ['gained', 'tickets:edit', null, 'all'],
      ['gained', 'tickets:close', null, null],
    ]);
  });
});

describe('routes follow the level written on the grant', () => {
  it('"resource:*": own gives an implied scoped permission at own, even through an unscoped one', async () => {
    const { findRoutes } = await import('../src/review/grant-routes.js');
    const { ReferenceEvaluator } = await import('../src/evaluate/reference.js');
    // tickets:close (unscoped) implies tickets:view (scoped): granted by "tickets:*": own.
    const m = variant(
      ['{ name: close }', '{ name: close, implies: [view] }'],
      ['{ "tickets:edit": own }, tickets:close,', '{ "tickets:*": own },'],
    );
    const view = m.permissionIndex.get('tickets:view')!;
    const routes = findRoutes(m, ['agent'], view);
    expect(Math.max(...routes.map((r) => r.level))).toBe(m.roleIndex.get('agent')!.effective.get('tickets:view'));
    expect(new ReferenceEvaluator(m).allowed(['agent'], 'tickets:view', 'all')).toBe(routes.some((r) => r.level >= 1));
  });
});

describe('checkVersion', () => {
  it('compares the declared bump with the required one', () => {
    expect(checkVersion('1.2.0', '1.2.0', 'none', null)).toMatchObject({ declared: 'none', ok: true });
    expect(checkVersion('1.2.0', '1.2.1', 'minor', 'x')).toMatchObject({
      declared: 'patch',
      ok: false,
      suggested: '1.3.0',
    });
    expect(checkVersion('1.2.0', '2.0.0', 'minor', 'x')).toMatchObject({ declared: 'major', ok: true });
    expect(checkVersion('1.2.0', '1.1.0', 'patch', 'x')).toMatchObject({
      declared: 'downgrade',
      ok: false,
      suggested: '1.2.1',
    });
    // Before 1.0.0 a minor bump may break.
    expect(checkVersion('0.3.0', '0.4.0', 'major', 'x')).toMatchObject({ ok: true });
    expect(checkVersion('0.3.0', '0.3.1', 'major', 'x')).toMatchObject({ ok: false, suggested: '0.4.0' });
  });
});

describe('renderMarkdown', () => {
  it('makes titles inert: no HTML, no table breaks, no mentions, no links, no invisible reordering', async () => {
    const { prepareSet } = await import('../src/review/sides.js');
    const { buildReport } = await import('../src/review/diff-report.js');
    const { renderMarkdown } = await import('../src/review/render/diff-markdown.js');
    const hostile = 'Agent | <img src=x onerror=alert(1)> @everyone `x` [link](http://e.example) \u202eevil';
    const side = (text: string) => ({
      kind: 'folder' as const,
      label: 'x',
      revision: null,
      path: 'x',
      sets: [prepareSet(memorySet('desk', { 'set.yaml': text }))],
    });
    const head = BASE.replace(
      '{ title: Agent, description: Works tickets., inherits: [member], grants: [{ "tickets:edit": own }',
      `{ title: ${JSON.stringify(hostile)}, description: Works tickets., inherits: [member], grants: [{ "tickets:edit": all }`,
    );
    const md = renderMarkdown(buildReport(side(BASE), side(head)));
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^\\])@everyone/);
    expect(md).not.toMatch(/(^|[^\\])\[link\]/);
    expect(md).not.toContain('\u202e');
    const row = md.split('\n').find((l) => l.startsWith('| ⬆️ widened'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('compareNumbering: every way a stored number could change meaning', () => {
  const table = (next: number, active: Record<string, number>, reserved: Record<string, number> = {}): NumberTable => ({
    next,
    active: new Map(Object.entries(active)),
    reserved: new Map(Object.entries(reserved)),
  });
  const lock = (
    permissions: NumberTable,
    roles: NumberTable = table(3, { member: 0, agent: 1, owner: 2 }),
    entries?: NumberTable,
  ): Lockfile => ({
    set: 'desk',
    permissions,
    roles,
    scopes: table(2, { own: 0, all: 1 }),
    collections: entries ? new Map([['apps', entries]]) : new Map(),
  });
  const perms = (over: Record<string, number> = {}, reserved: Record<string, number> = {}, next = 5) =>
    table(
      next,
      { 'tickets:view': 0, 'tickets:edit': 1, 'tickets:close': 2, 'users:manage': 3, ...over },
      { 'tickets:archive': 4, ...reserved },
    );
  const renamed = variant(
    ['tickets:close, {', 'tickets:resolve, {'],
    [
      '- { id: tickets:close, title: Close tickets }',
      '- { id: tickets:resolve, title: Close tickets, previousNames: [tickets:close] }',
    ],
    ['{ name: close }', '{ name: close }, { name: resolve }'],
  );
  const rows = (changes: readonly NumberChange[]) =>
    changes.map((c) => [c.kind, c.collection, c.key, c.change, c.from, c.to, c.other]);

  it.each<[string, Lockfile, Model, unknown[]]>([
    ['nothing changes', lock(perms()), base, []],
    [
      'two numbers swapped',
      lock(perms({ 'tickets:view': 1, 'tickets:edit': 0 })),
      base,
      [
        ['permission', null, 'tickets:view', 'renumbered', 0, 1, null],
        ['permission', null, 'tickets:edit', 'renumbered', 1, 0, null],
      ],
    ],
    [
      'a reserved key dropped, its number given to a new key',
      (() => {
        const p = perms();
        return lock({ next: 5, active: new Map([...p.active, ['tickets:reopen', 4]]), reserved: new Map() });
      })(),
      base,
      [
        ['permission', null, 'tickets:archive', 'dropped', 4, null, null],
        ['permission', null, 'tickets:reopen', 'reused', 4, 4, 'tickets:archive'],
      ],
    ],
    ['next lowered', lock(perms({}, {}, 4)), base, [['permission', null, 'next', 'next-lowered', 5, 4, null]]],
    [
      'a rename keeps its number',
      lock(
        table(
          5,
          { 'tickets:view': 0, 'tickets:edit': 1, 'tickets:resolve': 2, 'users:manage': 3 },
          { 'tickets:archive': 4 },
        ),
      ),
      renamed,
      [],
    ],
    [
      'a rename with another number',
      lock(
        table(
          6,
          { 'tickets:view': 0, 'tickets:edit': 1, 'tickets:resolve': 5, 'users:manage': 3 },
          { 'tickets:archive': 4 },
        ),
      ),
      renamed,
      [['permission', null, 'tickets:close', 'renumbered', 2, 5, 'tickets:resolve']],
    ],
    [
      'a role renumbered',
      lock(perms(), table(3, { member: 0, agent: 2, owner: 1 })),
      base,
      [
        ['role', null, 'agent', 'renumbered', 1, 2, null],
        ['role', null, 'owner', 'renumbered', 2, 1, null],
      ],
    ],
  ])('%s', (_name, head, headModel, want) => {
    expect(rows(compareNumbering(lock(perms()), head, headModel))).toEqual(want);
  });

  it('collection entries: renumbered, and a collection whose table is gone drops them all', () => {
    const before = lock(perms(), undefined, table(2, { slack: 0, 'slack/send': 1 }));
    expect(
      rows(compareNumbering(before, lock(perms(), undefined, table(3, { slack: 2, 'slack/send': 1 })), base)),
    ).toEqual([['entry', 'apps', 'slack', 'renumbered', 0, 2, null]]);
    expect(rows(compareNumbering(before, lock(perms()), base)).map((r) => r[3])).toEqual([
      'dropped',
      'dropped',
      'next-lowered',
    ]);
  });
});

describe('escalations: the owner role and new sets', () => {
  const withExport = (...more: [string, string][]) =>
    variant(
      ['{ name: manage }]', '{ name: manage }, { name: export, implies: [view] }]'],
      [
        '    - { id: tickets:close, title: Close tickets }\n',
        '    - { id: tickets:close, title: Close tickets }\n    - { id: tickets:export, title: Export tickets, scoped: true }\n',
      ],
      ...more,
    );

  it('a new scoped permission the owner reaches through "*" at the widest level: a gain, not an escalation', () => {
    const d = diffModels(base, withExport());
    expect(
      d.roles.map((r) => [r.role, r.access.permissions.map((p) => `${p.change} ${p.permission} ${p.to}`)]),
    ).toEqual([['owner', ['gained tickets:export all']]]);
    expect(d.escalations).toEqual([]);
    expect(
      gainReasons(withExport(), { permission: 'tickets:export', change: 'gained', to: 'all' }, { ownerBefore: true }),
    ).toEqual([]);
    expect(
      gainReasons(withExport(), { permission: 'tickets:export', change: 'gained', to: 'all' }, { ownerBefore: false }),
    ).toEqual(['widest-scope']);
  });

  it('the same permission reached by a non-owner wildcard at the widest level is an escalation', () => {
    const d = diffModels(
      base,
      withExport(['grants: [{ "tickets:edit": own }, tickets:close', 'grants: [{ "tickets:*": all }, tickets:close']),
    );
    expect(d.escalations.map((e) => [e.subject.name, e.permission, e.reasons])).toContainEqual([
      'agent',
      'tickets:export',
      ['widest-scope'],
    ]);
  });

  it('a user newly given the owner role, and a new owner role, escalate', () => {
    const d = diffModels(base, variant(['    - { name: ben }\n', '    - { name: ben, roles: [owner] }\n']));
    expect(d.escalations.map((e) => [e.subject.kind, e.subject.name, e.reasons])).toEqual([
      ['user', 'ben', ['grants-everything']],
    ]);
  });

  it('a new set: its sensitive and widest grants are escalations', () => {
    const d = diffModels(undefined, base);
    expect(d.escalations.map((e) => [e.subject.name, e.reasons, e.permission])).toEqual([
      ['agent', ['sensitive'], 'users:manage'],
      ['owner', ['grants-everything'], null],
    ]);
  });
});
