import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReferenceEvaluator } from '../src/evaluate/reference.js';
import { ANY_LEVEL, type AskedLevel } from '../src/language/asked-level.js';
import type { Model } from '../src/model/model.js';
import { explainEntry } from '../src/review/explain-entry.js';
import { accessOf, explain, findRoutes, type ReviewSubject, whoCan } from '../src/review/grant-routes.js';
import { runCli } from './support/cli.js';
import { ROOT, shippedModel } from './support/sets.js';

/** The 1-based line of the first line of a shipped file that contains `text`. */
function lineOf(relative: string, text: string): number {
  const lines = readFileSync(path.join(ROOT, relative), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${relative}`);
  return i + 1;
}

const policyc = (...argv: string[]) => runCli([...argv, '--path', path.join(ROOT, 'policies'), '--no-color']);

describe('policyc explain', () => {
  it('says yes with the grant, its file and line, and the other grants that reach it', async () => {
    const r = await policyc('explain', 'team-lead', 'records:update', '--scope', 'any');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '✔ yes: role team-lead (Team Lead) can records:update (Update · CRM Modules) at any level  [crm]',
    );
    expect(r.stdout).toContain('held at group (covers own, group); not at all');
    expect(r.stdout).toContain(
      `team-lead grants records:update: group  policies/crm/roles/team-lead.yaml:${lineOf('policies/crm/roles/team-lead.yaml', 'records:update: group')}`,
    );
    expect(r.stdout).toContain(
      `team-lead → sales-agent grants "records:*": own (every records action)  policies/crm/roles/sales-agent.yaml:${lineOf('policies/crm/roles/sales-agent.yaml', '"records:*": own')}`,
    );
    expect(r.stdout).toContain('team-lead → sales-agent → user grants records:update: own');
  });

  it('without --scope asks for the widest level, as can() of the generated code does', async () => {
    const r = await policyc('explain', 'team-lead', 'records:update');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✖ no: role team-lead (Team Lead) cannot records:update (Update · CRM Modules) at all  [crm]',
    );
    expect(r.stdout).toContain('has records:update at group, asked all:');
    expect(r.stdout).toContain('roles that have it at all: system-owner (all)');
    const json = JSON.parse((await policyc('explain', 'team-lead', 'records:update', '--format', 'json')).stdout);
    expect([json.scope, json.allowed, json.held]).toEqual(['all', false, 'group']);
    const any = JSON.parse(
      (await policyc('explain', 'team-lead', 'records:update', '--scope', 'any', '--format', 'json')).stdout,
    );
    expect([any.scope, any.allowed, any.held]).toEqual([null, true, 'group']);
  });

  it('says no with the nearest grant that does not reach: "has records:update at own, asked group"', async () => {
    const r = await policyc('explain', 'sales-agent', 'records:update', '--scope', 'group');
    expect(r.code).toBe(1); // the answer is no: exit 1, like kubectl auth can-i
    expect(r.stdout).toContain(
      '✖ no: role sales-agent (Sales Agent) cannot records:update (Update · CRM Modules) at group  [crm]',
    );
    expect(r.stdout).toContain('has records:update at own, asked group:');
    expect(r.stdout).toContain('sales-agent grants "records:*": own (every records action)');
    expect(r.stdout).toContain(
      'roles that have it at group: support-agent (group), system-owner (all), team-lead (group)',
    );
  });

  it('explains a user: default role, implication chain, self-restriction', async () => {
    const r = await policyc('explain', 'frank', 'users:change-role', '--scope', 'own');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ yes: user frank (Frank Costa) can users:change-role');
    expect(r.stdout).toContain('frank has no role assigned and gets the default role user');
    expect(r.stdout).toContain('user grants users:update: own ⇒ users:update implies it (update ⇒ change-role)');
    expect(r.stdout).toContain(
      "note: users:change-role is self-restricted: it never applies to the subject's own account",
    );
  });

  it('a permission not held at all: what the subject holds on that resource, and who has it', async () => {
    const r = await policyc('explain', 'Alice Martin', 'Deactivate User', '--scope', 'any');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✖ no: user alice (Alice Martin) cannot users:deactivate (Deactivate User · Users) at any level',
    );
    expect(r.stdout).toContain('no grant of sales-agent, nor of a role it inherits, reaches users:deactivate');
    expect(r.stdout).toContain('holds on users: users:view at own, users:update at own, users:change-role at own');
    expect(r.stdout).toContain(
      'roles that have it at any level: crm-admin (all), system-owner (all), team-lead (group)',
    );
  });

  it('follows implications on platform (create ⇒ view) and wildcards', async () => {
    const r = await policyc('explain', 'automation-builder', 'agents:view');
    expect(r.stdout).toContain('automation-builder grants agents:create ⇒ agents:create implies it (create ⇒ view)');
    const w = await policyc('explain', 'platform-admin', 'roles:delete');
    expect(w.stdout).toContain('platform-admin grants "*" (everything)');
  });

  it('a name in several sets needs --set; names and scopes get did-you-mean hints', async () => {
    const ambiguous = await policyc('explain', 'auditor', 'records:view');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      'error[PC905] `auditor` is ambiguous: role `auditor` in crm, role `auditor` in platform',
    );
    expect(ambiguous.stderr).toContain('--set crm or --set platform');
    const picked = await policyc('explain', 'auditor', 'records:view', '--set', 'crm');
    expect(picked.code).toBe(0);
    expect(picked.stdout).toContain('held at all');

    const folded = await policyc('explain', 'Team_Lead', 'Records:Update', '--scope', 'any');
    expect(folded.code).toBe(0);
    expect(folded.stdout).toContain('✔ yes: role team-lead (Team Lead) can records:update');
    const role = await policyc('explain', 'teamleed', 'records:update');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('hint: did you mean `team-lead`?');
    const permission = await policyc('explain', 'bob', 'records:updte');
    expect(permission.stderr).toContain('error[PC904] no permission `records:updte` in crm');
    expect(permission.stderr).toContain('did you mean `records:update`?');
    const scope = await policyc('explain', 'bob', 'records:update', '--scope', 'grop');
    expect(scope.stderr).toContain('did you mean `group`?');
    const set = await policyc('explain', 'bob', 'records:update', '--set', 'crn');
    expect(set.stderr).toContain('error[PC904] no policy set `crn`');
    const noScopes = await policyc('explain', 'member', 'agents:use', '--scope', 'own');
    expect(noScopes.stderr).toContain('has no scopes');
  });

  it('--format json', async () => {
    const r = await policyc('explain', 'bob', 'records:update', '--scope', 'all', '--format', 'json');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      formatVersion: 1,
      set: 'crm',
      subject: { kind: 'user', name: 'bob', roles: ['team-lead'], defaulted: false },
      permission: { id: 'records:update', scoped: true },
      scope: 'all',
      allowed: false,
      held: 'group',
      routes: [],
      grantedBy: [{ role: 'system-owner', level: 'all' }],
    });
    expect(j.nearest[0]).toMatchObject({
      roles: ['team-lead'],
      grant: 'records:update: group',
      file: 'policies/crm/roles/team-lead.yaml',
      level: 'group',
    });
  });
});

describe('policyc explain and who-can: collection entries', () => {
  it('explains a collection entry: the rule that allows it, its file and line; exit 0', async () => {
    const r = await policyc('explain', 'automation-builder', 'connectors:slack');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '✔ yes: role automation-builder (Automation Builder) can use connectors:slack (Slack · Connectors)  [platform]',
    );
    expect(r.stdout).toMatch(
      /automation-builder: connectors: allow \[slack, .*\] \(listed\) {2}policies\/platform\/roles\/automation-builder\.yaml:\d+/,
    );
  });

  it('an entry covered by a listed ancestor says through which; a user follows their roles', async () => {
    const r = await policyc(
      'explain',
      'automation-builder',
      'connectors:hubspot/triggers/new-contact',
      '--format',
      'json',
    );
    const json = JSON.parse(r.stdout) as { allowed: boolean; routes: { covering: string; mode: string }[] };
    expect(r.code).toBe(0);
    expect(json.allowed).toBe(true);
    expect(json.routes[0]).toMatchObject({ mode: 'allow', covering: 'hubspot/triggers' });
  });

  it('says no with the rules that do not allow it and the roles that can; exit 1', async () => {
    const r = await policyc('explain', 'automation-builder', 'connectors:salesforce/actions/delete-record');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✖ no: role automation-builder (Automation Builder) cannot use connectors:salesforce/actions/delete-record',
    );
    expect(r.stdout).toContain('(not listed)');
    expect(r.stdout).toContain('roles that can use it: platform-admin');
  });

  it('who can use the Salesforce delete-record action', async () => {
    const r = await policyc('who-can', 'connectors:salesforce/actions/delete-record');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('connectors:salesforce/actions/delete-record (Delete record · Connectors)  [platform]');
    expect(r.stdout).toMatch(/roles \(1\)\n {2}platform-admin +platform-admin: connectors: all \(every entry\)/);
    expect(r.stdout).toContain('through platform-admin');
    const json = JSON.parse(
      (await policyc('who-can', 'connectors:salesforce/actions/delete-record', '--format', 'json')).stdout,
    ) as { roles: { role: string }[] };
    expect(json.roles.map((x) => x.role)).toEqual(['platform-admin']);
  });

  it('a misspelt entry or --scope on an entry is a usage error (exit 2) with a hint', async () => {
    const typo = await policyc('explain', 'automation-builder', 'connectors:slak');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no entry `slak` in the collection `connectors` of platform');
    expect(typo.stderr).toContain('did you mean `connectors:slack`?');
    const scoped = await policyc('who-can', 'connectors:slack', '--scope', 'all');
    expect(scoped.code).toBe(2);
    expect(scoped.stderr).toContain('--scope does not apply to collection entries');
  });

  it('agrees with the model on every role × entry of the shipped platform set', async () => {
    const model = await shippedModel('platform');
    const connectors = model.collectionIndex.get('connectors')!;
    for (const role of model.roles) {
      for (const e of connectors.entries) {
        const x = explainEntry(model, { kind: 'role', role }, { collection: connectors, path: e.path });
        expect(x.allowed, `${role.name} ${e.path}`).toBe(role.collections.get('connectors')!.allowed.has(e.path));
        if (x.allowed) expect(x.routes.length, `${role.name} ${e.path}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('policyc who-can', () => {
  it('lists roles and users with their levels, by id or title', async () => {
    const r = await policyc('who-can', 'Deactivate User', '--scope', 'any');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('users:deactivate (Deactivate User · Users) at any level  [crm]');
    const widest = await policyc('who-can', 'Deactivate User');
    expect(widest.stdout).toContain('users:deactivate (Deactivate User · Users) at all or wider  [crm]');
    expect(widest.stdout).toMatch(/roles \(2\)\n {2}crm-admin +all .*\n {2}system-owner +all /);
    expect(r.stdout).toMatch(
      /roles \(3\)\n {2}crm-admin +all +users:deactivate: all\n {2}system-owner +all +"\*"\n {2}team-lead +group +users:deactivate: group/,
    );
    expect(r.stdout).toMatch(
      /users \(4\)\n {2}bob +group +through team-lead\n {2}erin +all +through system-owner\n {2}heidi +all +through crm-admin\n {2}mallory +group +through team-lead/,
    );
  });

  it('--scope keeps only holders at that level or wider; --format json', async () => {
    const r = await policyc('who-can', 'records:update', '--scope', 'all', '--format', 'json');
    const j = JSON.parse(r.stdout);
    expect(j.roles.map((x: { role: string; level: string }) => [x.role, x.level])).toEqual([['system-owner', 'all']]);
    expect(j.users.map((x: { user: string }) => x.user)).toEqual(['erin']);
    const group = await policyc('who-can', 'records:update', '--scope', 'group', '--format', 'json');
    expect(JSON.parse(group.stdout).roles.map((x: { role: string }) => x.role)).toEqual([
      'support-agent',
      'system-owner',
      'team-lead',
    ]);
  });

  it('names the inheritance and the implication', async () => {
    const r = await policyc('who-can', 'agents:view');
    expect(r.stdout).toMatch(
      /integration-engineer +inherited from member: agents:use, which implies it \(use ⇒ view\)/,
    );
  });
});

describe('policyc access', () => {
  it('lists everything a role can do, by category, with levels, sources and flags', async () => {
    const r = await policyc('access', 'team-lead');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('role team-lead (Team Lead)  [crm]');
    expect(r.stdout).toContain('users: bob, mallory');
    expect(r.stdout).toContain('inherits: sales-agent, user (through sales-agent)');
    expect(r.stdout).toMatch(
      /\nCRM Modules\n {2}records:view +group +View\n {2}records:create +Create {2}from sales-agent\n {2}records:update +group +Update\n {2}records:delete +own +Delete {2}from sales-agent\n/,
    );
    expect(r.stdout).toMatch(/users:deactivate +group +Deactivate User \[sensitive, not on self\]/);
  });

  it('lists a user by title, and collections with their modes', async () => {
    const r = await policyc('access', 'Marcus Chen');
    expect(r.stdout).toContain('user marcus.chen@acme.example (Marcus Chen)  [platform]');
    expect(r.stdout).toContain('roles: automation-builder');
    expect(r.stdout).toMatch(/Connectors: only slack, salesforce\/triggers\/new-lead, .*\(27 of 82 entries\)/);
    expect(r.stdout).toContain('Objects: only customer, lead, order, product, ticket (5 of 10 entries)');
    const j = JSON.parse((await policyc('access', 'integration-engineer', '--format', 'json')).stdout);
    const connectors = j.collections.find((c: { collection: string }) => c.collection === 'connectors');
    expect(connectors).toMatchObject({
      mode: 'except',
      entries: ['salesforce/actions/delete-record', 'github/actions/merge-pull-request', 'stripe', 'snowflake'],
      unknownTop: true,
    });
  });
});

describe('explain agrees with the reference evaluator and the effective tables', () => {
  const models: Model[] = [];
  beforeAll(async () => {
    models.push(await shippedModel('crm'), await shippedModel('platform'));
  });

  it('on every role and user × permission × scope of both shipped sets', () => {
    let checked = 0;
    for (const model of models) {
      const evaluator = new ReferenceEvaluator(model);
      const subjects: ReviewSubject[] = [
        ...model.roles.map((role) => ({ kind: 'role', role }) as const),
        ...model.users.map((user) => ({ kind: 'user', user }) as const),
      ];
      const scopes: AskedLevel[] = [undefined, ANY_LEVEL, ...model.scopes.map((s) => s.level)];
      for (const subject of subjects) {
        const roles = subject.kind === 'role' ? [subject.role.name] : subject.user.roles;
        for (const p of model.permissions) {
          const effective = Math.max(-1, ...roles.map((r) => model.roleIndex.get(r)!.effective.get(p.id) ?? -1));
          const routes = findRoutes(model, roles, p);
          expect(routes.length > 0).toBe(effective >= 0);
          if (routes.length > 0) expect(routes[0]!.level).toBe(effective);
          for (const asked of scopes) {
            const e = explain(model, subject, p, asked);
            // No scope given asks for the widest level, as the oracle does; "any" is the narrowest.
            const scopeName =
              asked === undefined ? undefined : asked === ANY_LEVEL ? model.scopes[0]?.name : model.scopes[asked]!.name;
            expect(e.allowed, `${subject.kind} ${roles} ${p.id} ${scopeName}`).toBe(
              evaluator.allowed(roles, p.id, p.scoped ? scopeName : undefined),
            );
            if (e.allowed) expect(e.routes.length).toBeGreaterThan(0);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('who-can and access list exactly the holders the tables give', () => {
    for (const model of models) {
      for (const p of model.permissions) {
        const { roles, users } = whoCan(model, p, ANY_LEVEL);
        expect(roles.map((r) => r.name)).toEqual(model.roles.filter((r) => r.effective.has(p.id)).map((r) => r.name));
        expect(users.map((u) => u.name)).toEqual(
          model.users
            .filter((u) => u.roles.some((r) => model.roleIndex.get(r)!.effective.has(p.id)))
            .map((u) => u.name),
        );
      }
      for (const role of model.roles) {
        const a = accessOf(model, { kind: 'role', role });
        expect(a.count).toBe(role.effective.size);
        expect(a.categories.flatMap((c) => c.permissions.map((x) => [x.permission.id, x.level]))).toEqual(
          model.permissions
            .filter((p) => role.effective.has(p.id))
            .sort((x, y) => {
              const order = [...model.categories.map((c) => c.name), undefined];
              return order.indexOf(x.category) - order.indexOf(y.category);
            })
            .map((p) => [p.id, role.effective.get(p.id)]),
        );
      }
    }
  });
});
