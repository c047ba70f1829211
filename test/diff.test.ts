import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport, SetReport } from '../src/review/diff-report.js';
import { CHANGES } from './support/diff-history.js';
import { normalizeCommits, ScratchRepo } from './support/git-repo.js';
import { ROOT } from './support/sets.js';

/*
 * `policyc diff` over a temporary git repository holding the shipped policy sets, with a
 * scripted history: each change of test/support/diff-history.ts is one commit on its own branch
 * from `base` (tagged with the change's name), diffed against `base`.
 */

const GOLDEN = path.join(ROOT, 'test/fixtures/diff');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

let repo: ScratchRepo;

beforeAll(() => {
  repo = new ScratchRepo();
  for (const [name, change] of Object.entries(CHANGES)) {
    repo.checkout('base');
    repo.checkout(`change/${name}`, true);
    change(repo);
    repo.commit(name, name);
  }
  // A realistic pull request touching both sets, for the golden files.
  repo.checkout('base');
  repo.checkout('pr', true);
  CHANGES.widenScope(repo);
  repo.edit(
    'policies/crm/roles/team-lead.yaml',
    '    - users:deactivate: group     # self-restricted: "all users except own account"\n',
    '    - users:deactivate: all       # self-restricted: "all users except own account"\n',
  );
  CHANGES.renameRole(repo);
  CHANGES.deleteRole(repo);
  CHANGES.addCatalogPermission(repo);
  repo.edit('policies/crm/policyset.yaml', '  version: 1.0.0\n', '  version: 1.1.0\n');
  CHANGES.connectorAllowToExcept(repo);
  CHANGES.changeImplication(repo);
  repo.edit('policies/platform/policyset.yaml', '  version: 1.0.0\n', '  version: 1.1.0\n');
  repo.commit('pr: a quarter of role changes', 'pr');
  repo.checkout('main');
});

afterAll(() => repo?.dispose());

async function diffJson(base: string, head: string): Promise<{ report: DiffReport; code: number; stderr: string }> {
  const r = await repo.run(['diff', base, head, '--format', 'json']);
  return { report: JSON.parse(r.stdout) as DiffReport, code: r.code, stderr: r.stderr };
}

function set(report: DiffReport, name: string): SetReport {
  const s = report.sets.find((x) => x.name === name);
  if (!s) throw new Error(`no set ${name}`);
  return s;
}

/** The exit code of `diff base <change>` with one gate. */
async function gate(change: string, failOn: string): Promise<number> {
  return (await repo.run(['diff', 'base', change, '--fail-on', failOn])).code;
}

const levels = (s: SetReport, role: string) =>
  s.roles.find((r) => r.role === role)!.access.permissions.map((p) => [p.change, p.permission, p.from, p.to]);

describe('policyc diff: a scripted history of real changes', () => {
  it('adds a permission to a role: the role and its users gain it, no escalation', async () => {
    const { report, code } = await diffJson('base', 'addPermission');
    expect(code).toBe(0);
    const crm = set(report, 'crm');
    expect(crm.status).toBe('changed');
    expect(set(report, 'platform').status).toBe('unchanged');
    expect(crm.roles.map((r) => [r.role, r.status])).toEqual([['support-agent', 'changed']]);
    expect(levels(crm, 'support-agent')).toEqual([['gained', 'campaigns:view', null, null]]);
    expect(crm.roles[0]!.declared.grantsAdded).toEqual(['campaigns:view']);
    expect(crm.roles[0]!.access.permissions[0]!.via).toMatchObject({
      roles: ['support-agent'],
      grant: 'campaigns:view',
      file: 'policies/crm/roles/support-agent.yaml',
    });
    expect(crm.users.map((u) => [u.user, u.access.permissions.map((p) => `${p.change} ${p.permission}`)])).toEqual([
      ['ivan', ['gained campaigns:view']],
    ]);
    expect(crm.escalations).toEqual([]);
    expect(crm.removals).toBe(0);
    expect(crm.version).toMatchObject({ declared: 'none', required: 'minor', ok: false, suggested: '1.1.0' });
    expect(await gate('addPermission', 'escalation')).toBe(0);
    expect(await gate('addPermission', 'removal')).toBe(0);
    expect(await gate('addPermission', 'any')).toBe(1);
    expect(await gate('addPermission', 'version')).toBe(1);
  });

  it('widens a scope to the widest level: an escalation, for the role and (not twice) its users', async () => {
    const { report } = await diffJson('base', 'widenScope');
    const crm = set(report, 'crm');
    expect(levels(crm, 'team-lead')).toEqual([['widened', 'records:update', 'group', 'all']]);
    expect(crm.users.map((u) => u.user)).toEqual(['bob', 'mallory']);
    expect(report.escalations).toHaveLength(1);
    expect(report.escalations[0]).toMatchObject({
      set: 'crm',
      subject: { kind: 'role', name: 'team-lead' },
      reasons: ['widest-scope'],
      permission: 'records:update',
      from: 'group',
      to: 'all',
      users: ['bob', 'mallory'],
    });
    expect(await gate('widenScope', 'escalation')).toBe(1);
    expect(await gate('widenScope', 'removal')).toBe(0);
  });

  it('grants a sensitive permission: an escalation', async () => {
    const { report } = await diffJson('base', 'grantSensitive');
    expect(report.escalations.map((e) => [e.subject.name, e.reasons, e.permission, e.users])).toEqual([
      ['workflow-admin', ['sensitive'], 'roles:configure', ['judy']],
    ]);
    // crm-admin inherits workflow-admin but already held roles:configure: nothing changes for it.
    expect(set(report, 'crm').roles.map((r) => r.role)).toEqual(['workflow-admin']);
    expect(await gate('grantSensitive', 'escalation')).toBe(1);
  });

  it('renames a role: a rename, not a removal and an addition; assignments follow', async () => {
    const { report, code } = await diffJson('base', 'renameRole');
    expect(code).toBe(0);
    const crm = set(report, 'crm');
    expect(crm.roles).toHaveLength(1);
    expect(crm.roles[0]).toMatchObject({
      role: 'campaign-manager',
      status: 'changed',
      renamedFrom: 'marketing-manager',
      titleFrom: 'Marketing Manager',
      title: 'Campaign Manager',
      users: ['dave', 'grace'],
    });
    expect(crm.roles[0]!.access.permissions).toEqual([]);
    expect(crm.users).toEqual([]);
    expect(crm.removals).toBe(0);
    expect(crm.version).toMatchObject({
      required: 'minor',
      reason: 'role `marketing-manager` was renamed to `campaign-manager`',
    });
    expect(await gate('renameRole', 'removal')).toBe(0);
    expect(await gate('renameRole', 'escalation')).toBe(0);
  });

  it('deletes a role with a transfer: what its users gain and lose by moving', async () => {
    const { report } = await diffJson('base', 'deleteRole');
    const crm = set(report, 'crm');
    const removed = crm.roles.find((r) => r.role === 'support-agent')!;
    expect(removed).toMatchObject({ status: 'removed', transferTo: 'sales-agent', users: ['ivan'] });
    expect(removed.transfer!.users).toEqual(['ivan']);
    expect(removed.transfer!.access.permissions.map((p) => [p.change, p.permission, p.from, p.to])).toEqual([
      ['lost', 'ai-conversations:manage', null, null],
      ['gained', 'campaigns:view', null, null],
      ['gained', 'leads:manage', null, null],
      ['gained', 'leads:view', null, null],
      ['narrowed', 'records:view', 'group', 'own'],
      ['narrowed', 'records:update', 'group', 'own'],
      ['gained', 'records:delete', null, 'own'],
    ]);
    expect(crm.users.map((u) => [u.user, u.rolesFrom, u.rolesTo])).toEqual([
      ['ivan', ['support-agent'], ['sales-agent']],
    ]);
    expect(crm.removals).toBeGreaterThan(0);
    expect(crm.version).toMatchObject({
      required: 'major',
      suggested: '2.0.0',
      reason: 'role `support-agent` was removed',
    });
    expect(await gate('deleteRole', 'removal')).toBe(1);
    expect(await gate('deleteRole', 'escalation')).toBe(0);
  });

  it('deletes a role without a transfer: the set does not compile; its errors are reported and the exit code is 1', async () => {
    const r = await repo.run(['diff', 'base', 'deleteRoleWithoutTransfer', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC601]');
    expect(r.stderr).toContain('role `auditor` was removed');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const report = JSON.parse(r.stdout) as DiffReport;
    const crm = set(report, 'crm');
    expect(crm.status).toBe('error');
    expect(crm.base!.ok).toBe(true);
    expect(crm.head!.ok).toBe(false);
    expect(crm.head!.errors.map((e) => e.code)).toEqual(['PC601']);
    expect(set(report, 'platform').status).toBe('unchanged');
    expect(report.summary.failed).toBe(1);
    const md = await repo.run(['diff', 'base', 'deleteRoleWithoutTransfer', '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('> [!CAUTION]');
    expect(md.stdout).toContain('`PC601`');
  });

  it('changes an implication rule: the catalog change names the roles it affects', async () => {
    const { report } = await diffJson('base', 'changeImplication');
    const platform = set(report, 'platform');
    expect(platform.catalog.actions).toHaveLength(1);
    expect(platform.catalog.actions[0]).toMatchObject({
      action: 'create',
      change: 'changed',
      impliesFrom: ['view', 'edit', 'use'],
      impliesTo: ['view', 'edit', 'use', 'share'],
      closureAdded: ['share'],
      roles: ['automation-builder', 'integration-engineer', 'workspace-lead'],
    });
    expect(levels(platform, 'automation-builder')).toEqual([
      ['gained', 'decision-table:share', null, null],
      ['gained', 'code-snippets:share', null, null],
    ]);
    const via = platform.roles[0]!.access.permissions[0]!.via!;
    expect(via).toMatchObject({
      grant: 'decision-table:create',
      impliedBy: 'decision-table:create',
      implication: ['create', 'share'],
    });
    expect(platform.roles.every((r) => r.inheritedOnly)).toBe(true);
    expect(await gate('changeImplication', 'escalation')).toBe(0);
    expect(await gate('changeImplication', 'any')).toBe(1);
  });

  it('switches a connector mode from allow to except: entries gained, and apps added later now allowed', async () => {
    const { report } = await diffJson('base', 'connectorAllowToExcept');
    const platform = set(report, 'platform');
    const builder = platform.roles.find((r) => r.role === 'automation-builder')!;
    expect(builder.declared.collections).toEqual(['connectors']);
    const c = builder.access.collections[0]!;
    expect(c.collection).toBe('connectors');
    expect(c.from.mode).toBe('allow');
    expect(c.to).toEqual({ mode: 'except', entries: ['salesforce/actions/delete-record', 'stripe'] });
    expect(c.unknownTop).toEqual({ from: false, to: true });
    expect(c.lost).toEqual([]);
    expect(c.gained).toEqual(
      expect.arrayContaining(['github', 'zendesk', 'jira', 'salesforce/triggers/updated-record']),
    );
    expect(c.gained).not.toContain('stripe');
    expect(c.gained).not.toContain('salesforce/actions/delete-record');
    // Workspace Lead inherits it: the union with integration-engineer's except list shrinks.
    const lead = platform.roles.find((r) => r.role === 'workspace-lead')!;
    expect(lead.inheritedOnly).toBe(true);
    expect(lead.access.collections[0]!.gained).toEqual(['github/actions/merge-pull-request', 'snowflake']);
    expect(report.escalations).toEqual([]);
    expect(await gate('connectorAllowToExcept', 'escalation')).toBe(0);
    expect(await gate('connectorAllowToExcept', 'removal')).toBe(0);
  });

  it('opens a collection to all: an escalation', async () => {
    const { report } = await diffJson('base', 'objectsToAll');
    expect(report.escalations.map((e) => [e.subject.name, e.reasons, e.collection, e.from, e.to])).toEqual([
      ['automation-builder', ['collection-all'], 'objects', 'allow', 'all'],
      ['workspace-lead', ['collection-all'], 'objects', 'allow', 'all'],
    ]);
    expect(await gate('objectsToAll', 'escalation')).toBe(1);
  });

  it('adds a catalog permission: the roles that gain it through a wildcard', async () => {
    const { report } = await diffJson('base', 'addCatalogPermission');
    const crm = set(report, 'crm');
    expect(crm.catalog.permissions).toEqual([
      {
        permission: 'calls:transfer',
        title: 'Transfer Calls',
        change: 'added',
        renamedFrom: null,
        sensitive: false,
        fields: [],
        roles: ['system-owner'],
      },
    ]);
    expect(levels(crm, 'system-owner')).toEqual([['gained', 'calls:transfer', null, null]]);
    expect(crm.roles[0]!.access.permissions[0]!.via).toMatchObject({ grant: '"*"', wildcard: 'all' });
    expect(crm.users.map((u) => u.user)).toEqual(['erin']);
    expect(crm.version).toMatchObject({ required: 'minor', reason: 'permission `calls:transfer` was added' });
    expect(await gate('addCatalogPermission', 'escalation')).toBe(0);
    expect(await gate('addCatalogPermission', 'removal')).toBe(0);
    expect(await gate('addCatalogPermission', 'any')).toBe(1);
  });

  it('adds a role that grants everything: an escalation', async () => {
    const { report } = await diffJson('base', 'addAllPowerfulRole');
    const platform = set(report, 'platform');
    expect(platform.roles.map((r) => [r.role, r.status])).toEqual([['break-glass', 'added']]);
    expect(report.escalations.map((e) => [e.subject.name, e.reasons])).toEqual([
      ['break-glass', ['grants-everything']],
    ]);
    expect(await gate('addAllPowerfulRole', 'escalation')).toBe(1);
  });
});

describe('policyc diff: a gate with no side doors', () => {
  it('swaps two lockfile numbers: a breaking change, its own gate, included in any', async () => {
    const { report, code } = await diffJson('base', 'swapLockNumbers');
    expect(code).toBe(0);
    const crm = set(report, 'crm');
    expect(crm.status).toBe('changed');
    expect(crm.numbering.map((n) => [n.kind, n.key, n.change, n.from, n.to])).toEqual([
      ['permission', 'records:view', 'renumbered', 45, 47],
      ['permission', 'records:update', 'renumbered', 47, 45],
    ]);
    expect(report.summary.renumbered).toBe(2);
    expect(crm.version).toMatchObject({ required: 'major', ok: false });
    expect(await gate('swapLockNumbers', 'renumbering')).toBe(1);
    expect(await gate('swapLockNumbers', 'any')).toBe(1);
    expect(await gate('swapLockNumbers', 'escalation')).toBe(0);
    const md = await repo.run(['diff', 'base', 'swapLockNumbers', '--format', 'markdown']);
    expect(md.stdout).toContain('> [!CAUTION]');
    expect(md.stdout).toContain('permission `records:view` changes number from 45 to 47');
    const text = await repo.run(['diff', 'base', 'swapLockNumbers', '--no-color', '--fail-on', 'renumbering']);
    expect(text.stdout).toContain('✖ breaking: 2 lockfile numbers changed meaning');
    expect(text.stderr).toContain('--fail-on renumbering: 2 lockfile numbers changed meaning');
  });

  it('deletes a lockfile entry: the permission gets a fresh number, which is a breaking change', async () => {
    const { report } = await diffJson('base', 'deleteLockEntry');
    expect(set(report, 'crm').numbering.map((n) => [n.key, n.change, n.from, n.to])).toEqual([
      ['campaigns:view', 'renumbered', 5, 49],
    ]);
    expect(await gate('deleteLockEntry', 'renumbering')).toBe(1);
    expect(await gate('deleteLockEntry', 'any')).toBe(1);
  });

  it('a rename of a role or permission keeps its number: not a renumbering', async () => {
    const { report } = await diffJson('base', 'renameRole');
    expect(set(report, 'crm').numbering).toEqual([]);
    expect(await gate('renameRole', 'renumbering')).toBe(0);
  });

  it('renames a set and adds an owner, undeclared: the new set is judged whole, and its owner is an escalation', async () => {
    const { report } = await diffJson('base', 'renameSetAddOwner');
    expect(report.sets.map((s) => [s.name, s.status])).toEqual([
      ['crm', 'removed'],
      ['crm-next', 'added'],
      ['platform', 'unchanged'],
    ]);
    const next = set(report, 'crm-next');
    expect(next.escalations.find((e) => e.subject.name === 'system-owner')).toMatchObject({
      reasons: ['grants-everything'],
      users: ['oscar', 'erin'],
    });
    expect(next.escalations.some((e) => e.subject.name === 'crm-admin' && e.reasons.includes('sensitive'))).toBe(true);
    expect(await gate('renameSetAddOwner', 'escalation')).toBe(1);
  });

  it('renames a set with previousNames: matched across the rename, so the one new owner is the escalation', async () => {
    const { report } = await diffJson('base', 'renameSetDeclared');
    expect(report.sets.map((s) => [s.name, s.renamedFrom, s.status])).toEqual([
      ['crm-next', 'crm', 'changed'],
      ['platform', null, 'unchanged'],
    ]);
    const next = set(report, 'crm-next');
    expect(next.escalations.map((e) => [e.subject.kind, e.subject.name, e.reasons])).toEqual([
      ['user', 'oscar', ['grants-everything']],
    ]);
    expect(next.numbering).toEqual([]);
    expect(next.roles).toEqual([]);
    expect(await gate('renameSetDeclared', 'escalation')).toBe(1);
    expect(await gate('renameSetDeclared', 'renumbering')).toBe(0);
    const md = await repo.run(['diff', 'base', 'renameSetDeclared', '--format', 'markdown']);
    expect(md.stdout).toContain('**crm-next** (renamed from **crm**)');
  });

  it('renames a set without previousNames, its lockfile still naming the old set: refused (PC603), and the gate fails', async () => {
    // A lockfile is a set's own only under the set's name or one of its previous names: a rename
    // must be declared, so that no set can take over another's numbers unnoticed.
    const { report, code } = await diffJson('base', 'renameSetLockfileIdentity');
    expect(code).toBe(1);
    const next = report.sets.find((s) => s.name === 'crm-next');
    expect(next?.status).toBe('error');
    const text = JSON.stringify(next);
    expect(text).toContain('PC603');
    expect(text).toContain('metadata.previousNames');
    expect(await gate('renameSetLockfileIdentity', 'escalation')).not.toBe(0);
  });

  it('an empty BASE: every set is new, and its sensitive and widest grants are escalations', async () => {
    mkdirSync(repo.file('empty'), { recursive: true });
    const e = await repo.run(['diff', './empty', './policies', '--format', 'json', '--fail-on', 'escalation']);
    expect(e.code).toBe(1);
    const report = JSON.parse(e.stdout) as DiffReport;
    expect(report.sets.map((s) => [s.name, s.status])).toEqual([
      ['crm', 'added'],
      ['platform', 'added'],
    ]);
    expect(set(report, 'crm').escalations.find((x) => x.subject.name === 'system-owner')!.reasons).toEqual([
      'grants-everything',
    ]);
    expect(set(report, 'platform').escalations.length).toBeGreaterThan(0);
  });
});

describe('policyc diff: a gate without noise', () => {
  it('a new scoped catalog permission reached by the owner\'s "*": reported as a gain, not an escalation', async () => {
    const { report, code } = await diffJson('base', 'addScopedCatalogPermission');
    expect(code).toBe(0);
    const crm = set(report, 'crm');
    expect(levels(crm, 'system-owner')).toEqual([['gained', 'records:export', null, 'all']]);
    expect(levels(crm, 'sales-agent')).toEqual([['gained', 'records:export', null, 'own']]);
    expect(crm.users.find((u) => u.user === 'erin')!.access.permissions.map((p) => p.permission)).toEqual([
      'records:export',
    ]);
    expect(report.escalations).toEqual([]);
    expect(await gate('addScopedCatalogPermission', 'escalation')).toBe(0);
    expect(await gate('addScopedCatalogPermission', 'removal')).toBe(0);
    expect(await gate('addScopedCatalogPermission', 'renumbering')).toBe(0);
    const text = await repo.run(['diff', 'base', 'addScopedCatalogPermission', '--no-color']);
    expect(text.stdout).toContain('+ action export implies view');
    expect(text.stdout).not.toContain('implies nothing → view');
  });

  it('a new permission reached by a non-owner wildcard at the widest level is an escalation', async () => {
    const { report } = await diffJson('base', 'addGroupsPermission');
    expect(report.escalations.map((e) => [e.subject.kind, e.subject.name, e.reasons, e.permission, e.to])).toEqual([
      ['role', 'crm-admin', ['widest-scope'], 'groups:archive', 'all'],
    ]);
    expect(await gate('addGroupsPermission', 'escalation')).toBe(1);
  });

  it('a new resource is listed in the catalog changes', async () => {
    const text = await repo.run(['diff', 'base', 'addResource', '--no-color']);
    expect(text.stdout).toContain('+ resource notes: Notes');
    const { report } = await diffJson('base', 'addResource');
    expect(set(report, 'crm').catalog.other).toEqual([{ field: 'resource notes', from: null, to: 'Notes' }]);
    const md = await repo.run(['diff', 'base', 'addResource', '--format', 'markdown']);
    expect(md.stdout).toContain('resource notes');
  });

  it('retires a role into the owner role: each escalation once, for the transfer', async () => {
    const { report } = await diffJson('base', 'retireRoleToOwner');
    expect(report.escalations.map((e) => [e.subject.kind, e.subject.name, e.reasons, e.users])).toEqual([
      ['transfer', 'auditor', ['grants-everything'], ['carol', 'mallory']],
    ]);
    expect(await gate('retireRoleToOwner', 'escalation')).toBe(1);
  });
});

describe('policyc diff: the roles the set protects', () => {
  /** The codes of a change's HEAD errors, and the exit code of the escalation gate. */
  async function headErrors(change: string): Promise<{ codes: string[]; messages: string[]; gate: number }> {
    const r = await repo.run(['diff', 'base', change, '--format', 'json', '--fail-on', 'escalation']);
    const crm = set(JSON.parse(r.stdout) as DiffReport, 'crm');
    expect(crm.status).toBe('error');
    return {
      codes: crm.head!.errors.map((e) => String(e.code)),
      messages: crm.head!.errors.map((e) => String(e.message)),
      gate: r.code,
    };
  }

  it('an owner role that no longer holds everything is an error (PC610)', async () => {
    const { codes, messages, gate } = await headErrors('shrinkOwner');
    expect(codes).toEqual(['PC610']);
    expect(messages[0]).toContain(
      'the owner role `system-owner` does not hold every permission at the widest level: it lacks `ai-conversations:manage`',
    );
    expect(gate).toBe(1);
  });

  it('retiring the owner role has its own diagnostic (PC611)', async () => {
    const { codes, messages, gate } = await headErrors('retireOwner');
    expect(codes).toEqual(['PC611']);
    expect(messages[0]).toBe(
      'role `system-owner` is the owner role (the one role that holds everything), so it cannot be retired',
    );
    expect(gate).toBe(1);
  });

  it('a deleted role still assigned: the fix first (PC601, listing the assignments), whether or not users were moved', async () => {
    const still = await headErrors('deleteRoleStillAssigned');
    expect(still.codes).toEqual(['PC601']);
    expect(still.messages[0]).toBe(
      'role `auditor` was removed, but the lockfile shows it existed: its users need a role to transfer to; it is still referenced 2 times',
    );
    const r = await repo.run(['diff', 'base', 'deleteRoleStillAssigned']);
    expect(r.stderr).toContain('still names `auditor` (assigned to `carol`)');
    expect(r.stderr).toContain('still names `auditor` (assigned to `mallory`)');
    const moved = await headErrors('deleteRoleWithoutTransfer');
    expect(moved.codes).toEqual(['PC601']);
    expect(moved.messages[0]).toBe(
      'role `auditor` was removed, but the lockfile shows it existed: its users need a role to transfer to',
    );
  });
});

describe('policyc check and diff: access that reaches the widest level through an implication', () => {
  it('warns (PC510) with the fix in the hint, and diff reports the widened access as an escalation', async () => {
    repo.checkout('change/createImpliesView');
    try {
      const check = await repo.run(['check', '--no-color']);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain(
        'warning[PC510] `records:create` implies `records:view` (create ⇒ view) at the widest level, `all`',
      );
      expect(check.stdout).toContain('add `- records:view: all`');
      expect(check.stdout).toContain('policies/crm/roles/support-agent.yaml:21:7');
      expect(check.stdout).toContain('warning[PC510] `groups:create` implies `groups:view`');
    } finally {
      repo.checkout('main');
    }
    const { report } = await diffJson('base', 'createImpliesView');
    expect(report.escalations.map((e) => [e.subject.name, e.permission, e.from, e.to, e.reasons])).toEqual([
      ['support-agent', 'records:view', 'group', 'all', ['widest-scope']],
      ['team-lead', 'groups:view', 'group', 'all', ['widest-scope']],
    ]);
    expect(await gate('createImpliesView', 'escalation')).toBe(1);
  });
});

describe("explain and who-can answer the reviewer's follow-up questions, with an exit status", () => {
  it('after connectorAllowToExcept: who may use Salesforce delete-record, and may the builder use Stripe or GitHub', async () => {
    repo.checkout('change/connectorAllowToExcept');
    try {
      const stripe = await repo.run(['explain', 'automation-builder', 'connectors:stripe', '--no-color']);
      expect(stripe.code).toBe(1);
      expect(stripe.stdout).toContain(
        'automation-builder: connectors: except [stripe, salesforce/actions/delete-record] (excepted)',
      );
      const github = await repo.run([
        'explain',
        'automation-builder',
        'connectors:github/actions/merge-pull-request',
        '--no-color',
      ]);
      expect(github.code).toBe(0);
      expect(github.stdout).toContain('(not excepted)');
      const who = await repo.run(['who-can', 'connectors:salesforce/actions/delete-record', '--format', 'json']);
      expect(who.code).toBe(0);
      expect((JSON.parse(who.stdout) as { roles: { role: string }[] }).roles.map((r) => r.role)).toEqual([
        'platform-admin',
      ]);
      expect((await repo.run(['explain', 'automation-builder', 'connectors:strip'])).code).toBe(2);
    } finally {
      repo.checkout('main');
    }
  });
});

describe('policyc diff: output', () => {
  it('a set against itself reports no change (exit 0 even with --fail-on any)', async () => {
    const r = await repo.run(['diff', 'base', 'base', '--format', 'json', '--fail-on', 'any']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(
      report.sets.map((s) => [s.name, s.status, s.roles.length, s.users.length, s.escalations.length, s.removals]),
    ).toEqual([
      ['crm', 'unchanged', 0, 0, 0, 0],
      ['platform', 'unchanged', 0, 0, 0, 0],
    ]);
    expect(report.summary).toMatchObject({ changed: 0, escalations: 0, removals: 0 });
    const md = await repo.run(['diff', 'base', 'base', '--format', 'markdown']);
    expect(md.stdout).toContain('No changes to effective access in 2 policy sets.');
    const text = await repo.run(['diff', 'base', 'base', '--no-color']);
    expect(text.stdout).toContain('✔ crm: no change');
  });

  it('identical inputs give identical output, in every format', async () => {
    for (const format of ['markdown', 'json', 'text']) {
      const a = await repo.run(['diff', 'base', 'pr', '--format', format, '--no-color']);
      const b = await repo.run(['diff', 'base', 'pr', '--format', format, '--no-color']);
      expect(a.stdout.length).toBeGreaterThan(100);
      expect(b.stdout).toBe(a.stdout);
    }
  });

  it.each([
    ['markdown', 'pr.md'],
    ['json', 'pr.json'],
    ['text', 'pr.txt'],
  ])('matches the golden file for --format %s (UPDATE_GOLDEN=1 rewrites it)', async (format, file) => {
    const r = await repo.run(['diff', 'base', 'pr', '--format', format, '--no-color']);
    expect(r.code).toBe(0);
    const actual = normalizeCommits(r.stdout);
    const golden = path.join(GOLDEN, file);
    if (UPDATE || !existsSync(golden)) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it('the markdown puts escalations first, in a warning block', async () => {
    const r = await repo.run(['diff', 'base', 'pr', '--format', 'markdown']);
    const md = r.stdout;
    expect(md.startsWith('<!-- policyc-diff -->\n')).toBe(true);
    const warning = md.indexOf('> [!WARNING]');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf('#### crm'));
    expect(md).toContain('widens `records:update` (Update) from group to all');
    expect(md).toContain('<details>');
  });

  it('the gates of the pull request: escalation and removal fail; version fails for crm (a role was removed: major, declared minor)', async () => {
    expect((await repo.run(['diff', 'base', 'pr', '--fail-on', 'escalation'])).code).toBe(1);
    const r = await repo.run(['diff', 'base', 'pr', '--fail-on', 'removal,escalation']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--fail-on removal: \d+ removals/);
    expect(r.stderr).toMatch(/--fail-on escalation: 2 escalations/);
    const v = await repo.run(['diff', 'base', 'pr', '--fail-on', 'version', '--format', 'json']);
    const report = JSON.parse(v.stdout) as DiffReport;
    expect(set(report, 'crm').version).toMatchObject({
      declared: 'minor',
      required: 'major',
      ok: false,
      suggested: '2.0.0',
    });
    expect(set(report, 'platform').version).toMatchObject({ declared: 'minor', required: 'minor', ok: true });
    expect(v.code).toBe(1);
  });
});

describe('policyc diff: sides and usage', () => {
  it('defaults to the merge base with the default branch and the working tree, and never touches the working tree', async () => {
    repo.checkout('change/widenScope');
    try {
      repo.edit('policies/crm/roles/auditor.yaml', '    - sms:view\n', '    - sms:view\n    - campaigns:view\n');
      const status = repo.git('status', '--porcelain');
      const head = repo.git('rev-parse', 'HEAD');
      const r = await repo.run(['diff', '--format', 'json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as DiffReport;
      expect(report.base).toMatchObject({ kind: 'git', label: 'merge-base of main' });
      expect(report.head).toMatchObject({ kind: 'worktree', label: 'working tree', path: 'policies' });
      // The committed change and the uncommitted one, both against main.
      expect(set(report, 'crm').roles.map((x) => x.role)).toEqual(['auditor', 'team-lead']);
      expect(repo.git('status', '--porcelain')).toBe(status);
      expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    } finally {
      repo.git('checkout', '-q', '--', '.');
      repo.checkout('main');
    }
  });

  it('compares two folders, or a folder with a revision', async () => {
    const r = await repo.run(['diff', './policies', 'widenScope', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.base).toMatchObject({ kind: 'folder', label: './policies' });
    expect(set(report, 'crm').roles.map((x) => x.role)).toEqual(['team-lead']);
    const same = await repo.run([
      'diff',
      path.join(ROOT, 'policies'),
      './policies',
      '--format',
      'json',
      '--fail-on',
      'any',
    ]);
    expect(same.code).toBe(0);
  });

  it('a set that exists on one side only is added (reviewed whole; its sensitive and widest grants are escalations)', async () => {
    const r = await repo.run(['diff', './policies/crm', './policies', '--format', 'json', '--fail-on', 'escalation']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.sets.map((s) => [s.name, s.status])).toEqual([
      ['crm', 'unchanged'],
      ['platform', 'added'],
    ]);
    const platform = set(report, 'platform');
    expect(platform.roles.every((x) => x.status === 'added')).toBe(true);
    expect(platform.escalations.map((e) => e.subject.name)).toContain('identity-admin');
    expect(platform.version).toBeNull();
    const md = await repo.run(['diff', './policies/crm', './policies', '--format', 'markdown']);
    expect(md.stdout).toContain('**platform**: ➕ new set (version 1.0.0), 9 roles, 11 users');
  });

  it('a bad revision is a usage error (exit 2) with a clear message', async () => {
    const r = await repo.run(['diff', 'no-such-branch', 'base']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[PC903] `no-such-branch` is neither a git revision nor a folder');
    expect(r.stdout).toBe('');
    const dash = await repo.run(['diff', '--', '--upload-pack=evil', 'base']);
    expect(dash.code).toBe(2);
    const gateTypo = await repo.run(['diff', 'base', 'base', '--fail-on', 'escalations']);
    expect(gateTypo.code).toBe(2);
    expect(gateTypo.stderr).toContain('expected escalation, removal, renumbering, any, version');
  });

  it('a policies folder missing at both sides is a usage error', async () => {
    const r = await repo.run(['diff', 'base', 'pr', '--path', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[PC902]');
  });
});
