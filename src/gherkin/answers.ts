import { ANY_LEVEL, type AskedLevel, levelNeeded } from '../language/asked-level.js';
import { coveringEntry } from '../language/nearest-ancestor.js';
import type { CollectionInfo, Model, PermissionInfo } from '../model/model.js';
import { coverage } from './coverage.js';
import { ancestry, describeAncestry, describeSources, grantSources, levelName } from './grant-sources.js';
import { fail } from './failure.js';
import { describeEntry, describePermission, type StepSubject } from './scenario-names.js';
import type { LoadedSet } from './sets.js';

/**
 * Every question a step asks goes to the generated module (the artifact that ships) and to the
 * reference evaluator; when they disagree the step fails loudly, whatever the scenario expected.
 */

/** The level a check is asked at (language/asked-level.ts): the one named, the narrowest "at any level", else the widest. */
export function askedLevelNumber(model: Model, p: PermissionInfo, level: AskedLevel): number {
  return levelNeeded(p, level, model.levels);
}

function roleNumber(set: LoadedSet, role: string): number {
  // A role defined at run time (src/gherkin/custom-role-steps.ts) has a number only roleNo knows.
  const n = set.module.Role[role] ?? set.module.roleNo(role);
  if (n === undefined) fail(`policyc bug: the generated module of ${set.name} has no number for the role ${role}`);
  return n;
}

/** Whether `subject` may perform `p` at `level` (see askedLevelNumber), acting on itself when `self`. */
export function answerPermission(
  set: LoadedSet,
  subject: StepSubject,
  p: PermissionInfo,
  level: AskedLevel,
  self: boolean,
): boolean {
  const m = set.model;
  const lvl = askedLevelNumber(m, p, level);
  const scope = m.scopes[lvl]?.name;
  const scopeNo = scope === undefined ? undefined : set.module.Scope[scope];
  const pNo = set.module.Permission[p.id];
  if (pNo === undefined)
    fail(`policyc bug: the generated module of ${set.name} has no number for the permission ${p.id}`);
  const roles = subject.roles;
  const answers: [string, boolean][] = [];
  if (subject.kind === 'roles' && roles.length === 1)
    answers.push(['can()', set.module.can(roleNumber(set, roles[0]!), pNo, scopeNo, self)]);
  else
    answers.push(['subject().can()', set.module.subject(roles.map((r) => roleNumber(set, r))).can(pNo, scopeNo, self)]);
  answers.push(['check()', set.module.check(roles, p.id, scope, self)]);
  const reference = set.evaluator.allowed(roles, p.id, scope, { self });
  if (answers.some(([, a]) => a !== reference)) {
    fail(
      `policyc bug: the generated module and the reference evaluator disagree on whether ${subject.label} (roles ${roles.join(', ')}) ` +
        `may ${p.id}${scope ? ` at ${scope}` : ''}${self ? ' on itself' : ''}: ` +
        `${answers.map(([how, a]) => `generated ${how} says ${a ? 'yes' : 'no'}`).join(', ')}, the reference evaluator says ${reference ? 'yes' : 'no'}. ` +
        'Rebuild with `policyc build`; if it persists, report it.',
    );
  }
  return reference;
}

/** Whether `subject` may use `path` (known or not) of collection `c`. */
export function answerEntry(set: LoadedSet, subject: StepSubject, c: CollectionInfo, path: string): boolean {
  const roles = subject.roles;
  const generated =
    subject.kind === 'roles' && roles.length === 1
      ? (['canUse()', set.module.canUse(roleNumber(set, roles[0]!), c.name, path)] as const)
      : ([
          'subject().canUse()',
          set.module.subject(roles.map((r) => roleNumber(set, r))).canUse(c.name, path),
        ] as const);
  const reference = set.evaluator.collectionAllowed(roles, c.name, path);
  if (generated[1] !== reference) {
    fail(
      `policyc bug: the generated module and the reference evaluator disagree on whether ${subject.label} (roles ${roles.join(', ')}) ` +
        `may use ${path} of ${c.name}: generated ${generated[0]} says ${generated[1] ? 'yes' : 'no'}, the reference evaluator says ${reference ? 'yes' : 'no'}. ` +
        'Rebuild with `policyc build`; if it persists, report it.',
    );
  }
  return reference;
}

/** `"alice" (roles: sales-agent)` or `the role "Team Lead" (team-lead)`. */
export function describeSubject(set: LoadedSet, subject: StepSubject): string {
  if (subject.kind === 'user') {
    const info = set.model.userIndex.get(subject.user ?? '');
    const title = info?.title && info.title !== subject.user ? `${info.title}, ` : '';
    return `${subject.label} (${title}roles: ${subject.roles.join(', ')}${info?.defaulted ? ', the default role' : ''})`;
  }
  const names = subject.roles.join(', ');
  return subject.label.includes(names) ? subject.label : `${subject.label} (${names})`;
}

function scopeText(model: Model, p: PermissionInfo, level: AskedLevel): string {
  if (!p.scoped) return '';
  if (level === ANY_LEVEL) return ' at any level';
  return ` at scope ${levelName(model, askedLevelNumber(model, p, level))}${level === undefined ? ' (no scope named: the widest)' : ''}`;
}

/** Records the grants a positive check exercised (never for a changed set). */
function recordGrant(set: LoadedSet, subject: StepSubject, p: PermissionInfo, lvl: number, self: boolean): void {
  if (set.edits.length > 0) return;
  if (self && p.selfRestricted) return;
  for (const r of subject.roles) {
    const held = set.model.roleIndex.get(r)?.effective.get(p.id);
    if (held !== undefined && held >= lvl) coverage.recordGrant(set.key, r, p.id, lvl);
  }
}

function recordEntry(set: LoadedSet, subject: StepSubject, c: CollectionInfo, path: string): void {
  if (set.edits.length > 0 || !c.entryIndex.has(path)) return;
  for (const r of subject.roles) {
    if (set.model.roleIndex.get(r)?.collections.get(c.name)?.allowed.has(path))
      coverage.recordEntry(set.key, r, c.name, path);
  }
}

/**
 * Checks that `subject` can (or cannot) perform `p` at `level`. Returns undefined when the
 * policy agrees, else a message that names the subject, the permission, the scope and why:
 * the grants and inheritance paths that give it, or that none does.
 */
export function checkPermission(
  set: LoadedSet,
  subject: StepSubject,
  p: PermissionInfo,
  level: AskedLevel,
  self: boolean,
  expected: boolean,
): string | undefined {
  const m = set.model;
  const lvl = askedLevelNumber(m, p, level);
  const actual = answerPermission(set, subject, p, level, self);
  if (actual && expected) recordGrant(set, subject, p, lvl, self);
  if (actual === expected) return undefined;
  const who = describeSubject(set, subject);
  const what = `${describePermission(set, p)}${scopeText(m, p, level)}${self ? ' on their own account' : ''}`;
  const sources = grantSources(m, subject.roles, p);
  const lines: string[] = [];
  if (expected) {
    lines.push(`Expected ${who} to be able to ${what}, but ${subject.label} cannot.`);
    const withoutSelf = self && p.selfRestricted && answerPermission(set, subject, p, level, false);
    if (withoutSelf) {
      lines.push(
        `Why: ${p.id} is self-restricted: it never applies to the subject itself (the grant is there, for others:`,
      );
      for (const l of describeSources(m, p, sources)) lines.push(`  - ${l}`);
      lines[lines.length - 1] += ')';
    } else if (sources.length === 0) {
      lines.push(
        `Why: no grant gives ${p.id}: none of ${describeAncestry(m, subject.roles)} grants it, directly, by a wildcard or by an implication.`,
      );
    } else {
      const widest = Math.max(...sources.map((s) => s.level));
      lines.push(
        `Why: the widest level granted for ${p.id} is ${levelName(m, widest)}, narrower than ${levelName(m, lvl)}:`,
      );
      for (const l of describeSources(m, p, sources)) lines.push(`  - ${l}`);
      if (level === undefined)
        lines.push(
          `No scope named asks for the widest level, as can() of the generated code; to ask whether it is held at any level, write "at any level".`,
        );
    }
  } else {
    lines.push(`Expected ${who} not to be able to ${what}, but ${subject.label} can:`);
    const reaching = sources.filter((s) => s.level >= lvl);
    for (const l of describeSources(m, p, reaching.length > 0 ? reaching : sources)) lines.push(`  - ${l}`);
    if (self && !p.selfRestricted)
      lines.push(`  (${p.id} is not self-restricted, so it applies to the subject itself too)`);
  }
  return lines.join('\n');
}

/** Checks that `subject` can (or cannot) use `path` of `c`; a message with why when not. */
export function checkEntry(
  set: LoadedSet,
  subject: StepSubject,
  c: CollectionInfo,
  path: string,
  expected: boolean,
): string | undefined {
  const actual = answerEntry(set, subject, c, path);
  if (actual && expected) recordEntry(set, subject, c, path);
  if (actual === expected) return undefined;
  const who = describeSubject(set, subject);
  const entry = c.entryIndex.has(path) ? describeEntry(c, path) : `${path} (not in the catalog: added after the build)`;
  const lines = [
    `Expected ${who} ${expected ? 'to be able' : 'not to be able'} to use ${entry} of ${c.name}, but ${subject.label} ${expected ? 'cannot' : 'can'}.`,
  ];
  const rules: string[] = [];
  for (const [name, chain] of ancestry(set.model, subject.roles)) {
    const rule = set.model.roleIndex.get(name)?.collectionRules.get(c.name);
    if (!rule) continue;
    const inherited = chain.length > 1 ? ` (inherited: ${chain.join(' → ')})` : '';
    rules.push(`  - ${name}${inherited}: ${ruleText(c, rule.mode, rule.entries, path)}`);
  }
  if (rules.length === 0)
    lines.push(
      `Why: none of ${describeAncestry(set.model, subject.roles)} mentions ${c.name}, so no entry is allowed.`,
    );
  else lines.push(`Why (${c.name} access of each role; a listed entry covers what is below it):`, ...rules);
  return lines.join('\n');
}

/** What one role's rule says about `path`: the listed entry that covers it, or that none does. */
function ruleText(c: CollectionInfo, mode: string, entries: readonly string[], path: string): string {
  const covering = coveringEntry(path, (e) => entries.includes(e));
  const listed = covering === undefined ? undefined : describeEntry(c, covering);
  switch (mode) {
    case 'all':
      return 'mode all: every entry';
    case 'allow':
      return listed
        ? `mode allow: lists ${listed}, which covers it`
        : `mode allow: no listed entry covers it (${entries.length} listed)`;
    default:
      return listed
        ? `mode except: excepts ${listed}, which covers it`
        : `mode except: no excepted entry covers it, so it is allowed`;
  }
}

/** Fails with every message, numbered, when there is any. */
export function failAll(heading: string, messages: readonly (string | undefined)[], limit = 25): void {
  const found = messages.filter((m): m is string => m !== undefined);
  if (found.length === 0) return;
  const shown = found.slice(0, limit).map((m, i) => `${i + 1}) ${m.replace(/\n/g, '\n   ')}`);
  if (found.length > limit) shown.push(`… and ${found.length - limit} more`);
  fail(`${heading.replace('{n}', String(found.length))}\n${shown.join('\n')}`);
}
