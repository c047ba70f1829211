import { ANY_LEVEL } from '../src/language/asked-level.js';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEntry, checkPermission } from '../src/gherkin/answers.js';
import { CoverageRecorder, coverage, coverageItems, formatPercent, setCoverage } from '../src/gherkin/coverage.js';
import { STEPS } from '../src/gherkin/definitions.js';
import { groupCount } from '../src/gherkin/library.js';
import {
  parseTail,
  permissionCell,
  resolveEntry,
  resolvePermission,
  resolveRole,
  resolveSubject,
  resolveUser,
  type StepSubject,
} from '../src/gherkin/scenario-names.js';
import { compileEdited, type LoadedSet, loadSet } from '../src/gherkin/sets.js';
import { suggestStep } from '../src/gherkin/step-suggestion.js';
import type { EntryKind } from '../src/model/model.js';
import { ROOT } from './support/sets.js';
import { failure } from './support/step-failure.js';

const POLICIES = path.join(ROOT, 'policies');
let crm: LoadedSet;
let platform: LoadedSet;

beforeAll(async () => {
  [crm, platform] = await Promise.all([loadSet(POLICIES, 'crm'), loadSet(POLICIES, 'platform')]);
});

/** A kind of entry the set declares on one of its collections. */
const kindOf = (set: LoadedSet, name: string): EntryKind => {
  const kind = set.model.collections.flatMap((c) => c.kinds).find((k) => k.name === name);
  if (!kind) throw new Error(`no kind ${name} in ${set.name}`);
  return kind;
};

const role = (key: string): StepSubject => ({ kind: 'roles', label: `the role "${key}"`, roles: [key] });

describe('the step table', () => {
  const examples = STEPS.flatMap((s) =>
    s.examples.map((e) => ({ spec: s, line: e.split('\n')[0]!, table: e.includes('\n') })),
  );

  it.each(examples.map((e) => [e.line, e] as const))(
    '%s matches exactly its own phrase',
    (_line, { spec, line, table }) => {
      const text = line.replace(/^(Given|When|Then|And|But) /, '');
      const matching = STEPS.filter((s) => s.pattern.test(text));
      expect(matching.map((s) => s.phrase)).toEqual([spec.phrase]);
      expect(table).toBe(spec.table === true);
    },
  );

  it('gives every step a description, an example and patterns cucumber can read', () => {
    for (const s of STEPS) {
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.examples.length).toBeGreaterThan(0);
      expect(s.pattern.source.startsWith('^') && s.pattern.source.endsWith('$')).toBe(true);
      // Named groups and int-looking groups would change what cucumber passes.
      expect(s.pattern.source).not.toMatch(/\(\?<|\\d/);
      expect(groupCount(s.pattern)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('reading phrases', () => {
  it.each([
    ['', undefined, false, 'records:update'],
    ['records', undefined, false, 'records:update'],
    ['of her own', 0, false, 'records:update'],
    ['her own records', 0, false, 'records:update'],
    ['records of her own', 0, false, 'records:update'],
    ['created by him', 0, false, 'records:update'],
    ['of her group', 1, false, 'records:update'],
    ['records of group members', 1, false, 'records:update'],
    ["group members' records", 1, false, 'records:update'],
    ['group members’ records', 1, false, 'records:update'],
    ['groups they belong to', 1, false, 'groups:view'],
    ['of all groups', 2, false, 'groups:view'],
    ['of all users', 2, false, 'users:view'],
    ['of everyone', 2, false, 'records:update'],
    ['all records', 2, false, 'records:update'],
    ['at group', 1, false, 'records:update'],
    ['at the all level', 2, false, 'records:update'],
    ['at Own', 0, false, 'records:update'],
    ['at any level', ANY_LEVEL, false, 'records:update'],
    ['for herself', undefined, true, 'users:deactivate'],
    ['on his own account', undefined, true, 'users:deactivate'],
    ['of all users for herself', 2, true, 'users:deactivate'],
  ] as const)('"%s" → level %s, self %s (%s)', (text, level, self, id) => {
    const tail = parseTail(crm, text, crm.model.permissionIndex.get(id));
    expect(tail.level).toBe(level);
    expect(tail.self).toBe(self);
  });

  it('reads only the nouns of the permission around a scope: no word list of its own', () => {
    expect(
      failure(() => parseTail(crm, 'sessions of her group', crm.model.permissionIndex.get('records:update'))),
    ).toContain('cannot read "sessions of her group" as a scope');
  });

  it('fails on a misspelt scope instead of reading it as none', () => {
    expect(failure(() => parseTail(crm, 'of her gruop'))).toMatch(
      /cannot read "of her gruop" as a scope of crm; did you mean "of her group"\?; the set's scopes, narrowest first, read: "at own"/,
    );
    expect(failure(() => parseTail(crm, 'at grup'))).toContain('did you mean "at group"?');
    expect(failure(() => parseTail(platform, 'of her group'))).toContain('has no scopes');
  });

  it('reads permissions by id, title, qualified title and action with resource', () => {
    expect(resolvePermission(crm, 'records:update').id).toBe('records:update');
    expect(resolvePermission(crm, 'update group').id).toBe('groups:update');
    expect(resolvePermission(crm, 'Delete', 'CRM Modules').id).toBe('records:delete');
    expect(resolvePermission(platform, 'View', 'Agents').id).toBe('agents:view');
    expect(resolvePermission(platform, 'view', 'agents').id).toBe('agents:view');
    expect(permissionCell('Delete (CRM Modules)')).toEqual({ name: 'Delete', qualifier: 'CRM Modules' });
    expect(permissionCell('"View" "Agents"')).toEqual({ name: 'View', qualifier: 'Agents' });
    expect(permissionCell('records:view')).toEqual({ name: 'records:view', qualifier: undefined });
  });

  it('answers an unknown name with a did-you-mean', () => {
    expect(failure(() => resolvePermission(crm, 'Updte Group'))).toMatch(
      /unknown permission "Updte Group".*did you mean "Update Group" \(groups:update, Groups\)\?/,
    );
    expect(failure(() => resolvePermission(crm, 'records:updat'))).toContain(
      'did you mean "Update" (records:update, CRM Modules)?',
    );
    expect(failure(() => resolvePermission(crm, 'Records:update'))).toContain('did you mean');
    expect(failure(() => resolveRole(crm, 'Team Laed'))).toContain(
      'unknown role "Team Laed" in the set crm; did you mean "Team Lead"?',
    );
    expect(failure(() => resolveUser(crm, new Map(), 'alcie'))).toContain(
      'unknown user "alcie" in the set crm; did you mean "alice"?',
    );
    expect(failure(() => resolveUser(crm, new Map(), 'Auditor'))).toContain('is a role: write the role "Auditor"');
    expect(
      failure(() =>
        resolveEntry(platform.model.collectionIndex.get('connectors')!, 'slak', kindOf(platform, 'app'), undefined),
      ),
    ).toContain('did you mean "slack"?');
  });

  it('reads subjects: users by name or title, roles by key or title', () => {
    expect(resolveSubject(crm, new Map(), '"Alice Martin"').roles).toEqual(['sales-agent']);
    expect(resolveSubject(crm, new Map(), 'the role "team lead"').roles).toEqual(['team-lead']);
    expect(resolveSubject(crm, new Map(), 'the roles "Auditor" and "user"').roles).toEqual(['auditor', 'user']);
    expect(resolveSubject(crm, new Map([['zoe', ['auditor']]]), '"zoe"').roles).toEqual(['auditor']);
  });

  it('reads connectors by path, by title, and triggers and actions of an app', () => {
    const c = platform.model.collectionIndex.get('connectors')!;
    expect(resolveEntry(c, 'Slack', kindOf(platform, 'app'), undefined)).toBe('slack');
    expect(resolveEntry(c, 'New lead', kindOf(platform, 'trigger'), 'Salesforce')).toBe('salesforce/triggers/new-lead');
    expect(resolveEntry(c, 'delete-record', kindOf(platform, 'action'), 'salesforce')).toBe(
      'salesforce/actions/delete-record',
    );
    expect(failure(() => resolveEntry(c, 'slack/actions', kindOf(platform, 'app'), undefined))).toContain(
      'is not an app',
    );
    // Never suggests what the step would then reject: "Triggers" is an entry of HubSpot, but not a trigger.
    expect(failure(() => resolveEntry(c, 'Triggers', kindOf(platform, 'trigger'), 'HubSpot'))).not.toContain(
      'did you mean "Triggers"',
    );
  });

  it('suggests the closest phrase for a step that matches none', () => {
    expect(suggestStep('"alice" kan "View" "CRM Modules"')?.example).toBe('Then "alice" can "View" "CRM Modules"');
    expect(suggestStep('"alice" kan "View" "CRM Modules" of her group')?.example).toBe(
      'Then "alice" can "View" "CRM Modules" of her group',
    );
    expect(suggestStep('the role "Builder" can uses the connector "slack"')?.phrase).toContain('use|access the <noun>');
    expect(suggestStep('completely unrelated words that mean nothing here at all')).toBeUndefined();
  });
});

describe('checks', () => {
  it('explain a missing grant with the inheritance path', () => {
    const message = checkPermission(
      crm,
      role('team-lead'),
      crm.model.permissionIndex.get('records:delete')!,
      1,
      false,
      true,
    );
    expect(message).toContain(
      'Expected the role "team-lead" to be able to "Delete" (records:delete, CRM Modules) at scope group, but the role "team-lead" cannot.',
    );
    expect(message).toContain(
      'sales-agent (inherited: team-lead → sales-agent) grants `records:*: own` → records:delete at own',
    );
  });

  it('explain an implied grant', () => {
    const message = checkPermission(
      platform,
      role('automation-builder'),
      platform.model.permissionIndex.get('agents:view')!,
      undefined,
      false,
      false,
    );
    expect(message).toContain('automation-builder grants `agents:create` (implied: create ⇒ view) → agents:view');
  });

  it('explain a collection entry', () => {
    const c = platform.model.collectionIndex.get('connectors')!;
    const message = checkEntry(platform, role('workspace-lead'), c, 'stripe', true);
    expect(message).toContain(
      'integration-engineer (inherited: workspace-lead → integration-engineer): mode except: excepts stripe ("Stripe"), which covers it',
    );
    expect(message).not.toContain('[stripe');
  });
});

describe('cross-checking', () => {
  it('fails loudly when the generated module and the reference evaluator disagree', () => {
    const liar: LoadedSet = { ...crm, module: { ...crm.module, can: () => true } };
    const message = failure(() =>
      checkPermission(liar, role('user'), crm.model.permissionIndex.get('roles:configure')!, undefined, false, false),
    );
    expect(message).toContain(
      'policyc bug: the generated module and the reference evaluator disagree on whether the role "user" (roles user) may roles:configure',
    );
    expect(message).toContain('generated can() says yes');
    expect(message).toContain('the reference evaluator says no');
  });
});

describe('changes', () => {
  it('rename a key in place, keeping comments, previous names and the lockfile numbers', async () => {
    const changed = await compileEdited(crm, [{ kind: 'rekey-role', role: 'team-lead', key: 'group-lead' }]);
    if (!changed.ok) throw new Error('the change should compile');
    const file = changed.set.source.files.find((f) => f.path.endsWith('roles/team-lead.yaml'))!;
    const text = new TextDecoder().decode(file.bytes);
    expect(text).toContain('name: group-lead');
    expect(text).toMatch(/previousNames:\s*\n?\s*- team-lead|previousNames: \[ team-lead \]/);
    expect(text).toContain('# self-restricted: "all users except own account"');
    expect(changed.set.module.Role['group-lead']).toBe(crm.module.Role['team-lead']);
    expect(changed.set.model.userIndex.get('bob')!.roles).toEqual(['group-lead']);
  });

  it('delete a role with a transfer: the users move, the transfer is exported', async () => {
    const changed = await compileEdited(crm, [
      { kind: 'delete-role', role: 'support-agent', transferTo: 'user', aliases: [] },
    ]);
    if (!changed.ok) throw new Error(changed.errors.map((d) => d.message).join('; '));
    expect(changed.set.model.userIndex.get('ivan')!.roles).toEqual(['user']);
    expect(changed.set.module.transferTarget('support-agent')).toBe('user');
  });

  it("report a rejected change with the compiler's errors", async () => {
    const changed = await compileEdited(crm, [
      { kind: 'delete-role', role: 'support-agent', transferTo: undefined, aliases: [] },
    ]);
    expect(changed.ok).toBe(false);
    // A deleted role without a transfer: PC601 says the fix (name a role its users transfer to).
    if (!changed.ok) expect(changed.errors.map((d) => d.code)).toContain('PC601');
  });
});

describe('coverage accounting', () => {
  it('counts a grant only when a passing check showed it at the widest level the role holds', () => {
    coverage.reset();
    const p = crm.model.permissionIndex.get('records:view')!;
    const key = crm.key;
    checkPermission(crm, role('team-lead'), p, 0, false, true); // narrower than the grant
    expect(coverage.hasGrant(key, 'team-lead', 'records:view', 1)).toBe(false);
    checkPermission(crm, role('team-lead'), p, 2, false, false); // a denial
    expect(coverage.hasGrant(key, 'team-lead', 'records:view', 1)).toBe(false);
    checkPermission(crm, role('team-lead'), p, 1, false, true);
    expect(coverage.hasGrant(key, 'team-lead', 'records:view', 1)).toBe(true);
  });

  it('credits each role of a user that answers on its own', () => {
    coverage.reset();
    const mallory = resolveUser(crm, new Map(), 'mallory'); // team-lead + auditor
    checkPermission(crm, mallory, crm.model.permissionIndex.get('audit-logs:view')!, 2, false, true);
    expect(coverage.hasGrant(crm.key, 'auditor', 'audit-logs:view', 2)).toBe(true);
    expect(coverage.hasGrant(crm.key, 'team-lead', 'audit-logs:view', 2)).toBe(false);
    checkPermission(crm, mallory, crm.model.permissionIndex.get('audit-logs:view')!, 1, false, true);
    expect(coverage.hasGrant(crm.key, 'team-lead', 'audit-logs:view', 1)).toBe(true);
  });

  it('does not count checks against a changed set, nor a self-restricted permission on itself', async () => {
    coverage.reset();
    const changed = await compileEdited(crm, [{ kind: 'retitle-role', role: 'user', title: 'Member' }]);
    if (!changed.ok) throw new Error('the change should compile');
    checkPermission(changed.set, role('user'), crm.model.permissionIndex.get('emails:send')!, undefined, false, true);
    expect(coverage.touched(crm.key)).toBe(false);
    checkPermission(crm, role('crm-admin'), crm.model.permissionIndex.get('users:deactivate')!, 2, true, false);
    expect(coverage.touched(crm.key)).toBe(false);
  });

  it('counts collection entries per role', () => {
    coverage.reset();
    const c = platform.model.collectionIndex.get('objects')!;
    checkEntry(platform, role('member'), c, 'customer', true);
    checkEntry(platform, role('member'), c, 'invoice', false);
    expect(coverage.hasEntry(platform.key, 'member', 'objects', 'customer')).toBe(true);
    expect(coverage.hasEntry(platform.key, 'member', 'objects', 'invoice')).toBe(false);
  });

  it('computes the percentage and the list of what was missed', () => {
    const recorder = new CoverageRecorder();
    const items = coverageItems(crm.model);
    expect(items.grants).toHaveLength([...crm.model.roles].reduce((n, r) => n + r.effective.size, 0));
    for (const g of items.grants.slice(1)) recorder.recordGrant('k', g.role, g.permission, g.level);
    const report = setCoverage('k', crm.model, recorder);
    expect(report.missedGrants).toEqual([items.grants[0]]);
    expect(report.percent).toBeCloseTo(((items.grants.length - 1) / items.grants.length) * 100);
    expect(formatPercent(report.percent)).toBe('99.5 %');
    expect(formatPercent(99.99)).toBe('99.9 %');
    expect(formatPercent(100)).toBe('100.0 %');
  });
});
