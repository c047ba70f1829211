import { ANY_LEVEL, type AskedLevel } from '../language/asked-level.js';
import { grantNames, levelGiven } from '../language/grant-gives.js';
import { coveredBy } from '../language/nearest-ancestor.js';
import type { CollectionInfo, EntryKind, PermissionInfo } from '../model/model.js';
import {
  answerEntry,
  answerPermission,
  checkEntry,
  askedLevelNumber,
  checkPermission,
  describeSubject,
  failAll,
} from './answers.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { coverage } from './coverage.js';
import { CUSTOM_ROLE_STEPS } from './custom-role-steps.js';
import { ancestry, grantSources } from './grant-sources.js';
import { fail } from './failure.js';
import {
  describeEntry,
  describePermission,
  entriesOf,
  fold,
  parseTail,
  permissionCell,
  quotedList,
  resolveCollection,
  resolveEntry,
  resolveNoun,
  resolvePermission,
  resolveRole,
  resolveRowSubject,
  resolveSubject,
  resolveUser,
  type StepSubject,
} from './scenario-names.js';
import { compileEdited, formatErrors, type LoadedSet, loadSet } from './sets.js';
import { change, currentSet, type ScenarioState, shippedSet } from './state.js';

/**
 * The step library: every phrase policyc understands, with its pattern, what it checks and an
 * example. The cucumber registration (library.ts), the README section (docs.ts) and the
 * did-you-mean for unknown phrases (step-suggestion.ts) are all generated from this table.
 */
export interface StepSpec {
  readonly keyword: 'Given' | 'When' | 'Then';
  /** README section. */
  readonly group: 'Context' | 'Checks' | 'Collections' | 'Tables' | 'Changes' | 'Custom roles';
  /** The phrase as documented, with <placeholders> and [optional parts]. */
  readonly phrase: string;
  readonly pattern: RegExp;
  readonly description: string;
  /** Complete example steps (keyword included); a table, when the step takes one, on the following lines. */
  readonly examples: readonly string[];
  /** Whether the step takes a data table. */
  readonly table?: boolean;
  readonly run: (
    state: ScenarioState,
    args: readonly (string | undefined)[],
    table: readonly (readonly string[])[] | undefined,
  ) => Promise<void> | void;
}

/** A subject: `"alice"` or `the user "alice"`, `the role "Team Lead"`, `the roles "A" and "B"`. */
const SUBJECT = '("[^"]*"|the user "[^"]*"|the roles? (?:"[^"]*"(?:, | and ))*"[^"]*")';
/** A list of quoted names: `"A"`, `"A" and "B"`, `"A", "B" and "C"`. */
const LIST = '((?:"[^"]*"(?:, | and ))*"[^"]*")';
/** A permission: `"<id or title>"` and optionally `"<category, resource or qualifier>"`. */
const PERMISSION = '"([^"]*)"(?: "([^"]*)")?';
/** Words after a permission (scope, "for herself"): anything without quotes. */
const TAIL = '((?: [^"]*)?)';
/** A noun the set declares for a collection or a kind of its entries: `connector`, `trigger`, `wire feeds`. */
const NOUN = '([a-z][a-z -]*?)';

const re = (source: string) => new RegExp(`^${source}$`);

function subjectOf(state: ScenarioState, set: LoadedSet, text: string | undefined): StepSubject {
  return resolveSubject(set, state.users, text ?? '');
}

function permissionOf(set: LoadedSet, name: string | undefined, qualifier: string | undefined): PermissionInfo {
  return resolvePermission(set, name ?? '', qualifier === undefined || qualifier === null ? undefined : qualifier);
}

/** Reads the tail after a permission and checks it fits the permission. */
function tailOf(set: LoadedSet, p: PermissionInfo, text: string | undefined): { level: AskedLevel; self: boolean } {
  const tail = parseTail(set, text ?? '', p);
  if (typeof tail.level === 'number' && !p.scoped) {
    fail(`${describePermission(set, p)} is not scoped (it has no access levels): drop "${tail.text}"`);
  }
  return tail;
}

const YES = /^(?:yes|y|✓|✔|true|allowed)$/i;
/** A column of the access matrix about the subject acting on itself. */
const SELF_COLUMN = /\s+(?:for (?:herself|himself|themselves|itself|oneself)|on (?:her|his|their|its) own account)$/i;
const NO = /^(?:no|n|-|—|✗|✘|false|denied)$/i;

/** An access-matrix cell: yes, no, or a level (for scoped permissions). */
type Cell = { readonly kind: 'yes' } | { readonly kind: 'no' } | { readonly kind: 'level'; readonly level: number };

function cellOf(set: LoadedSet, text: string, p: PermissionInfo | undefined): Cell {
  const t = text.trim();
  if (t === '')
    fail(
      `empty cell${p ? ` for ${describePermission(set, p)}` : ''}: write yes or no${p?.scoped ? `, or a level (${set.model.scopes.map((s) => s.name).join(', ')})` : ''}`,
    );
  if (YES.test(t)) {
    if (p?.scoped) {
      fail(
        `${describePermission(set, p)} is scoped: write the widest level it is held at (${set.model.scopes.map((s) => s.name).join(', ')}) instead of "${t}"`,
      );
    }
    return { kind: 'yes' };
  }
  if (NO.test(t)) return { kind: 'no' };
  if (!p) fail(`cannot read "${t}": write yes or no`);
  const tail = parseTail(set, t, p);
  if (typeof tail.level !== 'number' || tail.self) fail(`cannot read "${t}" as yes, no or a level`);
  if (!p.scoped) fail(`${describePermission(set, p)} is not scoped: write yes or no instead of "${t}"`);
  return { kind: 'level', level: tail.level };
}

/** Checks a cell: a level means "at this level and every narrower one, and not at the next wider one". */
function checkCell(
  set: LoadedSet,
  subject: StepSubject,
  p: PermissionInfo,
  cell: Cell,
  self = false,
): (string | undefined)[] {
  if (cell.kind === 'yes') return [checkPermission(set, subject, p, undefined, self, true)];
  if (cell.kind === 'no') return [checkPermission(set, subject, p, ANY_LEVEL, self, false)];
  const out: (string | undefined)[] = [];
  for (let l = 0; l <= cell.level; l++) out.push(checkPermission(set, subject, p, l, self, true));
  if (cell.level + 1 < set.model.levels) out.push(checkPermission(set, subject, p, cell.level + 1, self, false));
  return out;
}

/** Drops a header row whose first cell is one of `words`. */
function body(table: readonly (readonly string[])[] | undefined, words: readonly string[]): (readonly string[])[] {
  const rows = [...(table ?? [])];
  if (rows.length > 0 && words.includes(fold(rows[0]![0] ?? ''))) rows.shift();
  return rows;
}

/** What a collection phrase names: the collection, a kind of its entries, and the entry they are below. */
interface Named {
  readonly c: CollectionInfo;
  readonly kind: EntryKind | undefined;
  readonly parent: string | undefined;
}

/**
 * Reads a noun and its `of "<…>"`: `entry`/`entries` with the collection named by `of`; any
 * other noun is one the set declares (a collection's noun, name or title, or a kind of entry),
 * and `of` then names the entry it is below (`every trigger of "Slack"`).
 */
function namedBy(set: LoadedSet, noun: string | undefined, of: string | undefined): Named {
  const n = fold(noun ?? '');
  if (n === 'entry' || n === 'entries') {
    if (!of) fail('say which collection: the entry "<path>" of "<collection>"');
    return { c: resolveCollection(set, of), kind: undefined, parent: undefined };
  }
  const { collection: c, kind } = resolveNoun(set, n);
  return { c, kind, parent: of === undefined ? undefined : resolveEntry(c, of, undefined, undefined) };
}

/** A probe for entries added after the build. */
const NEW_ENTRY = 'added-after-the-build';

/** A path of `kind` below `parent` that is not in the catalog (undefined when the kind cannot be below it). */
function newEntryProbe(named: Named): string {
  const { kind, parent } = named;
  if (kind === undefined) return parent === undefined ? NEW_ENTRY : `${parent}/${NEW_ENTRY}`;
  const shape = kind.path.split('/');
  const above = parent === undefined ? [] : parent.split('/');
  return shape.map((seg, i) => (i < above.length ? above[i]! : seg === '*' ? NEW_ENTRY : seg)).join('/');
}

/** The entries a phrase covers: of its kind, below its entry; fails when there are none. */
function coveredEntries(named: Named): string[] {
  const out = entriesOf(named.c, named.kind, named.parent);
  if (out.length === 0)
    fail(
      `${named.c.name} has no ${named.kind?.plural ?? 'entries'}${named.parent ? ` below ${describeEntry(named.c, named.parent)}` : ''}`,
    );
  return out;
}

/** The header words a table of entries of `c` may start with. */
function entryHeaders(c: CollectionInfo): string[] {
  return [
    c.noun,
    c.plural,
    fold(c.name),
    fold(c.title),
    ...c.kinds.flatMap((k) => [k.name, k.plural]),
    'entry',
    'entries',
    'path',
  ];
}

/** Entries listed in a table (paths or titles), resolved in `c`. */
function listedEntries(c: CollectionInfo, rows: readonly (readonly string[])[]): string[] {
  return rows.map((r) => resolveEntry(c, (r[0] ?? '').trim().replace(/^"(.*)"$/, '$1'), undefined, undefined));
}

function under(path: string, listed: readonly string[]): boolean {
  return coveredBy(path, listed);
}

/** Compares every permission and entry of two subjects in two sets (before and after a change). */
/** How a difference reads: `could before, cannot now` (a change) or `"alice" can, the role "X" cannot` (two subjects). */
type Wording = (x: boolean, y: boolean, verb: 'do' | 'use') => string;

const beforeAfter: Wording = (x, y, verb) =>
  verb === 'use'
    ? `${x ? 'could' : 'could not'} use it before, ${y ? 'can' : 'cannot'} now`
    : `${x ? 'could' : 'could not'} before, ${y ? 'can' : 'cannot'} now`;

function sameAccess(
  before: LoadedSet,
  a: StepSubject,
  after: LoadedSet,
  b: StepSubject,
  say: Wording = beforeAfter,
): string[] {
  const out: string[] = [];
  for (const p of before.model.permissions) {
    const q = after.model.permissionIndex.get(p.id);
    if (!q) {
      out.push(`${p.id} no longer exists`);
      continue;
    }
    const levels = p.scoped ? before.model.scopes.map((s) => s.level) : [before.model.levels - 1];
    for (const level of levels) {
      for (const self of p.selfRestricted ? [false, true] : [false]) {
        const x = answerPermission(before, a, p, level, self);
        const y = answerPermission(after, b, q, level, self);
        if (x !== y) {
          out.push(
            `${p.id}${p.scoped ? ` at ${before.model.scopes[level]?.name}` : ''}${self ? ' on itself' : ''}: ${say(x, y, 'do')}`,
          );
        }
      }
    }
  }
  for (const c of before.model.collections) {
    const d = after.model.collectionIndex.get(c.name);
    if (!d) continue;
    for (const e of c.entries) {
      const x = checkEntryAnswer(before, a, c, e.path);
      const y = checkEntryAnswer(after, b, d, e.path);
      if (x !== y) out.push(`${c.name} ${e.path}: ${say(x, y, 'use')}`);
    }
  }
  return out;
}

function checkEntryAnswer(set: LoadedSet, s: StepSubject, c: CollectionInfo, path: string): boolean {
  return answerEntry(set, s, c, path);
}

function roleSubject(key: string, title: string): StepSubject {
  return { kind: 'roles', label: `the role "${title}"`, roles: [key] };
}

/** The name of the level a grant names (none: undefined); "at any level" is a question, not a level a grant can name. */
function scopeName(set: LoadedSet, level: AskedLevel): string | undefined {
  if (level === ANY_LEVEL)
    fail('a grant names one level (such as "of her group"); "at any level" only asks a question');
  return level === undefined ? undefined : set.model.scopes[level]?.name;
}

/**
 * Reasons an error states besides its own words: the compiler stops at the first stage with
 * errors, so an error of an early stage stands for one a later stage would have reported for
 * the same cause. PC302 (a removed role is still referenced, and the lockfile shows it existed)
 * is what a deletion without a transfer meets first; PC601 is the same cause seen by the
 * lockfile, once nothing references the role any more.
 */
const ALSO_STATES: Readonly<Record<string, readonly string[]>> = {
  PC302: ['its users need a role to transfer to'],
};

/** Whether a compiler error states `reason`: its message, hint or related notes contain it (any case, any quotes), or its code stands for it. */
function statesReason(d: Diagnostic, reason: string): boolean {
  const plain = (t: string) => fold(t).replace(/[`"'“”]/g, '');
  const needle = plain(reason);
  return [d.message, d.hint ?? '', ...(d.related ?? []).map((r) => r.message), ...(ALSO_STATES[d.code] ?? [])].some(
    (t) => plain(t).includes(needle),
  );
}

/** The self-restricted permission a sentence names: its action (name or title), or the action and the thing together. */
function selfRestrictionOf(set: LoadedSet, verb: string, thing: string): PermissionInfo {
  const m = set.model;
  const restricted = m.permissions.filter((p) => p.selfRestricted);
  if (restricted.length === 0)
    fail(`no permission of ${set.name} is self-restricted, so "cannot ${verb} her own ${thing}" says nothing`);
  const v = fold(verb);
  const t = fold(thing);
  const actionOf = (p: PermissionInfo) => m.actions.find((a) => a.name === p.action);
  const reads = (p: PermissionInfo) => {
    const a = actionOf(p);
    const names = [p.action.replace(/-/g, ' '), fold(a?.title ?? '')];
    return names.includes(v) || names.includes(`${v} ${t}`) || names.includes(`${v} ${t.replace(/s$/, '')}`);
  };
  let found = restricted.filter(reads);
  if (found.length > 1) {
    const resource = found.filter((p) => {
      const r = m.resources.find((x) => x.name === p.resource);
      return [p.resource, fold(r?.title ?? '')].some((n) => n.includes(t) || t.includes(n.replace(/s$/, '')));
    });
    if (resource.length > 0) found = resource;
  }
  if (found.length === 1) return found[0]!;
  const list = restricted.map((p) => `"${fold(actionOf(p)?.title ?? p.action)}" (${p.id})`).join(', ');
  if (found.length > 1)
    fail(
      `"${verb} her own ${thing}" reads as ${found.map((p) => p.id).join(', ')}: write "cannot "<permission>" for herself"`,
    );
  fail(
    `no self-restricted permission of ${set.name} reads "${verb} her own ${thing}"; its self-restricted actions: ${list}`,
  );
}

export const STEPS: readonly StepSpec[] = [
  // ---------------------------------------------------------------------------------- Context
  {
    keyword: 'Given',
    group: 'Context',
    phrase: 'the policy set "<set>"',
    pattern: re('the policy set "([^"]*)"'),
    description:
      'The set every following step checks: policies/<set> (or the folder given as the world parameter `policies`), compiled in memory with its lockfile; checks run against its generated module and are cross-checked with the reference evaluator.',
    examples: ['Given the policy set "crm"'],
    run: async (state, [name]) => {
      const set = await loadSet(state.policies, name ?? '');
      coverage.touch(set.key);
      state.shipped = set;
      state.set = set;
      state.edits = [];
      state.rejected = undefined;
      state.lastChange = undefined;
    },
  },
  {
    keyword: 'Given',
    group: 'Context',
    phrase: 'a user "<name>" with the role "<role>" | with the roles "<role>", "<role>" and "<role>"',
    pattern: re(`a user "([^"]*)" with the roles? ${LIST}`),
    description:
      "Introduces a user holding these roles (by key or title); the user has the union of their access. Users of the set's Assignments are known by name (or title) without this step.",
    examples: [
      'Given a user "zoe" with the role "Sales Agent"',
      'Given a user "yann" with the roles "Sales Agent" and "Marketing Manager"',
    ],
    run: (state, [name, list]) => {
      const set = currentSet(state);
      const roles = quotedList(list ?? '').map((r) => resolveRole(set, r).name);
      state.users.set(name ?? '', [...new Set(roles)]);
    },
  },
  {
    keyword: 'Given',
    group: 'Context',
    phrase: 'a user "<name>" with no role',
    pattern: re('a user "([^"]*)" with no roles?'),
    description: "Introduces a user assigned no role: they get the set's default role.",
    examples: ['Given a user "newcomer" with no role'],
    run: (state, [name]) => {
      const set = currentSet(state);
      const d = set.model.defaultRole;
      if (d === undefined)
        fail(
          `the set ${set.name} has no defaultRole, so a user without a role has no access at all; give the user a role`,
        );
      state.users.set(name ?? '', [d]);
    },
  },
  // ----------------------------------------------------------------------------------- Checks
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> can|cannot "<permission>" ["<qualifier>"] [<scope>] [for herself]',
    pattern: re(`${SUBJECT} (can|cannot) ${PERMISSION}${TAIL}`),
    description:
      'Checks one permission. <subject> is a user (`"alice"`, by name or title) or roles (`the role "Team Lead"`, `the roles "A" and "B"`). ' +
      '<permission> is an id (`records:update`, exact) or a title (`"Update Group"`, any case); a title shared by several permissions takes a qualifier, ' +
      'its category or resource (`"Delete" "CRM Modules"`), and an action with a resource works too (`"View" "Agents"`, also when View is only implied by Create). ' +
      '<scope> is a scope by name (`own`, `at group`, `at the all level`) or a natural phrase: `her own`, `his own records`, `created by her`, `of her group`, `of group members`, `groups they belong to`, `all`, `of everyone`; ' +
      'a noun such as `records`, `users` or `audit logs` may stand before or after it. Without a scope, a scoped permission is checked at the widest level, as `can()` of the generated code does; `at any level` asks whether it is held at all: `can` then means at least the narrowest, `cannot` means at no level. ' +
      '`for herself` (himself, themselves, `on her own account`) checks the subject acting on itself, which self-restricted permissions never allow.',
    examples: [
      'Then "alice" can "Update" "CRM Modules" records of her own',
      'Then "alice" cannot "Delete" "CRM Modules" records of her group',
      'Then the role "Team Lead" can "View Users" of group members',
      'Then "heidi" can "Deactivate User" at all',
      'Then "heidi" cannot "Deactivate User" for herself',
      'Then the role "Automation Builder" can "View" "Agents"',
      'Then the roles "Auditor" and "Team Lead" can "audit-logs:view" of everyone',
    ],
    run: (state, [subject, verb, name, qualifier, tail]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const p = permissionOf(set, name, qualifier);
      const t = tailOf(set, p, tail);
      const message = checkPermission(set, s, p, t.level, t.self, verb === 'can');
      if (message) fail(message);
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> has every permission',
    pattern: re(`${SUBJECT} (?:has|have) every permission`),
    description:
      'Checks that the subject holds every permission of the catalog, scoped ones at the widest level (the System Owner).',
    examples: ['Then the role "System Owner" has every permission', 'Then "erin" has every permission'],
    run: (state, [subject]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const widest = set.model.levels - 1;
      failAll(
        `${describeSubject(set, s)} lacks {n} permission(s):`,
        set.model.permissions.map((p) => checkPermission(set, s, p, p.scoped ? widest : undefined, false, true)),
      );
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> can do everything <other subject> can',
    pattern: re(`${SUBJECT} can do everything ${SUBJECT} can`),
    description:
      'Checks that the first subject holds every permission of the second at least at the same level, and may use every collection entry the second may use (a role hierarchy, or combining roles).',
    examples: [
      'Then the role "Team Lead" can do everything the role "Sales Agent" can',
      'Then "grace" can do everything the role "Marketing Manager" can',
    ],
    run: (state, [first, second]) => {
      const set = currentSet(state);
      const a = subjectOf(state, set, first);
      const b = subjectOf(state, set, second);
      const messages: (string | undefined)[] = [];
      for (const p of set.model.permissions) {
        const levels = p.scoped ? set.model.scopes.map((x) => x.level) : [set.model.levels - 1];
        let widest: number | undefined;
        for (const l of levels) if (answerPermission(set, b, p, l, false)) widest = l;
        if (widest !== undefined) messages.push(checkPermission(set, a, p, p.scoped ? widest : undefined, false, true));
      }
      for (const c of set.model.collections) {
        for (const e of c.entries)
          if (checkEntryAnswer(set, b, c, e.path)) messages.push(checkEntry(set, a, c, e.path, true));
      }
      failAll(`${describeSubject(set, a)} cannot do {n} thing(s) ${describeSubject(set, b)} can:`, messages);
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> cannot "<permission>" or "<permission>" [or "<permission>"] [<scope>]',
    pattern: re(`${SUBJECT} cannot ((?:"[^"]*"(?:, | or ))+"[^"]*")${TAIL}`),
    description:
      'Checks several permissions at once, none of which the subject may have at the scope (the widest when none is named; write `at any level` for none at all). A title shared by several permissions takes its qualifier in brackets: `"Delete (CRM Modules)"`.',
    examples: [
      'Then "frank" cannot "Create User" or "Delete Group"',
      'Then the role "Reporter" cannot "Publish Stories" or "Retract Stories" at any level',
    ],
    run: (state, [subject, list, tail]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const messages = quotedList(list ?? '').map((text) => {
        const cell = permissionCell(text);
        const p = resolvePermission(set, cell.name, cell.qualifier);
        const t = tailOf(set, p, tail);
        return checkPermission(set, s, p, t.level, t.self, false);
      });
      failAll(`${describeSubject(set, s)} can {n} of these:`, messages);
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> cannot <action> her|his|their own <thing>',
    pattern: re(`${SUBJECT} cannot ([a-z][a-z -]*?) (?:her|his|their|its) own ([a-z][a-z -]*)`),
    description:
      'A self-restriction as a sentence about the subject: `"frank" cannot change his own role`, `"nadia" cannot deactivate her own account`. <action> is the action (name or title) of a self-restricted permission of the set, or the action and <thing> together (`change` + `role` = the action "Change Role"); the subject must not hold that permission on itself at any level.',
    examples: ['Then "frank" cannot change his own role', 'Then "heidi" cannot deactivate her own account'],
    run: (state, [subject, verb, thing]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const p = selfRestrictionOf(set, verb ?? '', thing ?? '');
      const message = checkPermission(set, s, p, ANY_LEVEL, true, false);
      if (message) fail(message);
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> has no sensitive permission',
    pattern: re(`${SUBJECT} (?:has|have) no sensitive permissions?`),
    description:
      'Checks that the subject holds none of the permissions the catalog marks `sensitive` (those that manage access itself), at any level.',
    examples: [
      'Then the role "Sales Agent" has no sensitive permission',
      'Then the user "omar" has no sensitive permission',
    ],
    run: (state, [subject]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const sensitive = set.model.permissions.filter((p) => p.sensitive);
      if (sensitive.length === 0)
        fail(`the catalog of ${set.name} marks no permission sensitive, so this checks nothing`);
      failAll(
        `${describeSubject(set, s)} holds {n} sensitive permission(s):`,
        sensitive.map((p) => checkPermission(set, s, p, ANY_LEVEL, false, false)),
      );
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: 'the role "<role>" inherits from "<role>" | does not inherit from "<role>"',
    pattern: re('the role "([^"]*)" (inherits|does not inherit) from (?:the role )?"([^"]*)"'),
    description:
      'Checks the role hierarchy: the first role inherits from the second, directly or through other roles (or does not).',
    examples: [
      'Then the role "Team Lead" inherits from "Sales Agent"',
      'Then the role "Archivist" does not inherit from "Contributor"',
    ],
    run: (state, [child, verb, parent]) => {
      const set = currentSet(state);
      const a = resolveRole(set, child ?? '');
      const b = resolveRole(set, parent ?? '');
      if (a.name === b.name) fail(`"${child}" and "${parent}" are the same role (${a.name})`);
      const chain = ancestry(set.model, [a.name]).get(b.name);
      if (verb === 'inherits' && !chain) {
        const parents = [...ancestry(set.model, [a.name]).keys()].filter((r) => r !== a.name);
        fail(
          `the role "${a.title}" (${a.name}) does not inherit from "${b.title}" (${b.name}): ${parents.length > 0 ? `it inherits from ${parents.join(', ')}` : 'it inherits from no role'}`,
        );
      }
      if (verb !== 'inherits' && chain)
        fail(`the role "${a.title}" (${a.name}) inherits from "${b.title}" (${b.name}): ${chain.join(' → ')}`);
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '<subject> has the same access as <other subject>',
    pattern: re(`${SUBJECT} (?:has|have) the same access as ${SUBJECT}`),
    description:
      'Compares two subjects (users or roles alike) in the set: every permission at every level, as self and not, and every collection entry. Symmetric: each may do exactly what the other may.',
    examples: [
      'Then the role "Night Editor" has the same access as the role "Desk Editor"',
      'Then "priya" has the same access as the role "Desk Editor"',
    ],
    run: (state, [first, second]) => {
      const set = currentSet(state);
      const a = subjectOf(state, set, first);
      const b = subjectOf(state, set, second);
      const diff = sameAccess(
        set,
        a,
        set,
        b,
        (x, y, verb) =>
          `${a.label} ${x ? 'can' : 'cannot'}${verb === 'use' ? ' use it' : ''}, ${b.label} ${y ? 'can' : 'cannot'}`,
      );
      if (diff.length > 0)
        fail(
          `${describeSubject(set, a)} and ${describeSubject(set, b)} differ in ${diff.length} way(s):\n${diff
            .slice(0, 40)
            .map((l) => `  ${l}`)
            .join('\n')}${diff.length > 40 ? '\n  …' : ''}`,
        );
    },
  },
  // ------------------------------------------------------------------------------ Collections
  {
    keyword: 'Then',
    group: 'Collections',
    phrase:
      '<subject> can|cannot use|access the <noun> "<entry>" [of "<entry>"] | a new <noun> "<path>" | the entry "<path>" of "<collection>"',
    pattern: re(
      `${SUBJECT} (can|cannot) (use|access) (the|a new) ${NOUN} "([^"]*)"(?: of (?:the [a-z][a-z -]*? )?"([^"]*)")?`,
    ),
    description:
      'Checks one entry of a collection. <noun> is a noun the set declares on the collection (`noun`, its name or title: `the connector "slack/actions/send-message"`, `the object "invoice"`) or a kind of its entries (`kinds`: `the app "Slack"`, `the trigger "New lead" of "Salesforce"`), by path or title; `of "<entry>"` names the entry it is below. `the entry "<path>" of "<collection>"` works for any collection. ' +
      'Listing an entry in a role covers its descendants, those added after the build too. `a new <noun> "<path>"` checks an entry that is not in the catalog, as if added after the build: it follows its nearest known ancestor.',
    examples: [
      'Then the role "Automation Builder" can use the connector "slack/actions/send-message"',
      'Then the role "Automation Builder" cannot use the app "salesforce"',
      'Then the role "Automation Builder" can use the trigger "New lead" of "Salesforce"',
      'Then "elena.rossi@acme.example" cannot use the action "salesforce/actions/delete-record"',
      'Then the role "Auditor" can access the object "invoice"',
      'Then the role "Integration Engineer" can use a new connector "notion"',
    ],
    run: (state, [subject, verb, , article, noun, text, of]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const named = namedBy(set, noun, of ?? undefined);
      const { c } = named;
      let path: string;
      if (article === 'a new') {
        path = text ?? '';
        if (c.entryIndex.has(path))
          fail(`${describeEntry(c, path)} is in the catalog of ${c.name}: write the ${c.noun} "${path}"`);
      } else {
        path = resolveEntry(c, text ?? '', named.kind, fold(noun ?? '') === 'entry' ? undefined : (of ?? undefined));
      }
      const message = checkEntry(set, s, c, path, verb === 'can');
      if (message) fail(message);
    },
  },
  {
    keyword: 'Then',
    group: 'Collections',
    phrase: '<subject> can use|access every <noun> [of "<entry>"] | every entry of "<collection>"',
    pattern: re(`${SUBJECT} can (use|access) every ${NOUN}(?: of "([^"]*)")?`),
    description:
      'With a collection\'s noun: mode "all", every entry of the collection and entries added after the build too. With a kind and `of "<entry>"` (`every trigger of "Slack"`): every entry of that kind below it, and one added there after the build.',
    examples: [
      'Then the role "Platform Admin" can use every connector',
      'Then the role "Auditor" can access every object',
      'Then the role "Integration Engineer" can use every trigger of "Slack"',
    ],
    run: (state, [subject, , noun, of]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const named = namedBy(set, noun, of ?? undefined);
      failAll(`${describeSubject(set, s)} cannot use {n} entr(ies) of ${named.c.name}:`, [
        ...coveredEntries(named).map((e) => checkEntry(set, s, named.c, e, true)),
        checkEntry(set, s, named.c, newEntryProbe(named), true),
      ]);
    },
  },
  {
    keyword: 'Then',
    group: 'Collections',
    phrase: '<subject> can use|access every <noun> except:',
    pattern: re(`${SUBJECT} can (use|access) every ${NOUN}(?: of "([^"]*)")? except:`),
    table: true,
    description:
      'Mode "except": every entry but the listed ones and their descendants (one path or title per row). Entries added after the build are allowed, unless below a listed one.',
    examples: [
      'Then the role "Integration Engineer" can use every connector except:\n  | stripe                            |\n  | snowflake                         |\n  | salesforce/actions/delete-record  |\n  | github/actions/merge-pull-request |',
    ],
    run: (state, [subject, , noun, of], table) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const { c } = namedBy(set, noun, of ?? undefined);
      const listed = listedEntries(c, body(table, entryHeaders(c)));
      failAll(
        `the ${c.name} access of ${describeSubject(set, s)} is not "every entry except the listed ones": {n} difference(s):`,
        [
          ...c.entries.map((e) => checkEntry(set, s, c, e.path, !under(e.path, listed))),
          checkEntry(set, s, c, NEW_ENTRY, true),
          ...listed.map((l) => checkEntry(set, s, c, `${l}/${NEW_ENTRY}`, false)),
        ],
      );
    },
  },
  {
    keyword: 'Then',
    group: 'Collections',
    phrase: '<subject> can use|access only these <nouns>:',
    pattern: re(`${SUBJECT} can (use|access) only these ${NOUN}(?: of "([^"]*)")?:`),
    table: true,
    description:
      'Mode "allow": exactly the listed entries and their descendants (one path or title per row), those added after the build below them included, and nothing else.',
    examples: ['Then the role "Member" can access only these objects:\n  | customer |\n  | product  |'],
    run: (state, [subject, , noun, of], table) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const { c } = namedBy(set, noun, of ?? undefined);
      const listed = listedEntries(c, body(table, entryHeaders(c)));
      failAll(
        `the ${c.name} access of ${describeSubject(set, s)} is not "only the listed entries": {n} difference(s):`,
        [
          ...c.entries.map((e) => checkEntry(set, s, c, e.path, under(e.path, listed))),
          checkEntry(set, s, c, NEW_ENTRY, false),
          ...listed.map((l) => checkEntry(set, s, c, `${l}/${NEW_ENTRY}`, true)),
        ],
      );
    },
  },
  {
    keyword: 'Then',
    group: 'Collections',
    phrase: '<subject> cannot use|access any <noun> [of "<entry>"]',
    pattern: re(`${SUBJECT} cannot (use|access) any ${NOUN}(?: of "([^"]*)")?`),
    description:
      'With a collection\'s noun: no entry of the collection, not even one added after the build. With a kind and `of "<entry>"` (`any action of "Salesforce"`): no entry of that kind below it.',
    examples: [
      'Then the role "Auditor" cannot use any connector',
      'Then the role "Member" cannot use any action of "Salesforce"',
    ],
    run: (state, [subject, , noun, of]) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const named = namedBy(set, noun, of ?? undefined);
      failAll(`${describeSubject(set, s)} can use {n} entr(ies) of ${named.c.name}:`, [
        ...coveredEntries(named).map((e) => checkEntry(set, s, named.c, e, false)),
        checkEntry(set, s, named.c, newEntryProbe(named), false),
      ]);
    },
  },
  // ----------------------------------------------------------------------------------- Tables
  {
    keyword: 'Then',
    group: 'Tables',
    phrase: 'the access is:',
    pattern: re('the access is:'),
    table: true,
    description:
      'An access matrix. The header names the row kind (`role` or `user`; anything else accepts both) and then one permission per column (id, title, or `Title (Qualifier)`), or a collection entry (`the connector "<path>"`, `the app "<app>"`, `the object "<object>"`). ' +
      'Cells: `yes`, `no` (at no level), or for scoped permissions the widest level held (`own`, `group`, `all`: allowed at that level and not at the next wider one). ' +
      'A permission column ending in `for themselves` (`Deactivate User for themselves`) checks the subject acting on itself, which self-restricted permissions never allow.',
    examples: [
      'Then the access is:\n  | role        | Update (CRM Modules) | Delete (CRM Modules) | Create User |\n  | User        | own                  | no                   | no          |\n  | Sales Agent | own                  | own                  | no          |\n  | Team Lead   | group                | own                  | no          |\n  | CRM Admin   | no                   | no                   | yes         |',
    ],
    run: (state, _args, table) => {
      const set = currentSet(state);
      const rows = [...(table ?? [])];
      const header = rows.shift();
      if (!header || header.length < 2 || rows.length === 0)
        fail('the access matrix needs a header row (role | <permission> | …) and at least one row');
      const kind = fold(header[0] ?? '');
      const prefer =
        kind === 'role' || kind === 'roles' ? 'role' : kind === 'user' || kind === 'users' ? 'user' : undefined;
      type Column =
        | { kind: 'permission'; p: PermissionInfo; self: boolean }
        | { kind: 'entry'; c: CollectionInfo; path: string };
      const columns: Column[] = header.slice(1).map((h) => {
        const entry = /^(the|a new) ([a-z][a-z -]*?) "([^"]*)"(?: of "([^"]*)")?$/.exec(h.trim());
        if (entry) {
          const named = namedBy(set, entry[2], entry[4]);
          return {
            kind: 'entry',
            c: named.c,
            path:
              entry[1] === 'a new'
                ? entry[3]!
                : resolveEntry(named.c, entry[3]!, named.kind, fold(entry[2]!) === 'entry' ? undefined : entry[4]),
          };
        }
        const self = SELF_COLUMN.exec(h.trim());
        const cell = permissionCell(self ? h.trim().slice(0, self.index) : h);
        return { kind: 'permission', p: resolvePermission(set, cell.name, cell.qualifier), self: self !== null };
      });
      const messages: (string | undefined)[] = [];
      for (const row of rows) {
        const s = resolveRowSubject(set, state.users, row[0] ?? '', prefer);
        columns.forEach((col, i) => {
          const text = row[i + 1] ?? '';
          if (col.kind === 'permission') messages.push(...checkCell(set, s, col.p, cellOf(set, text, col.p), col.self));
          else messages.push(checkEntry(set, s, col.c, col.path, cellOf(set, text, undefined).kind === 'yes'));
        });
      }
      failAll('{n} cell(s) of the access matrix do not hold:', messages);
    },
  },
  {
    keyword: 'Then',
    group: 'Tables',
    phrase: '<subject> has exactly these permissions:',
    pattern: re(`${SUBJECT} (?:has|have) exactly these permissions:`),
    table: true,
    description:
      'The complete list of what the subject may do: one permission per row (id, title or `Title (Qualifier)`), with the widest level in a second column for scoped permissions. Every permission not listed must be denied at every level.',
    examples: [
      'Then the role "Member" has exactly these permissions:\n  | permission            |\n  | View Copilot          |\n  | View Data Catalog     |\n  | View Projects         |\n  | View Applications     |\n  | View Template Library |\n  | Use Agents            |\n  | View Agents           |',
    ],
    run: (state, [subject], table) => {
      const set = currentSet(state);
      const s = subjectOf(state, set, subject);
      const listed = new Map<string, Cell>();
      for (const row of body(table, ['permission', 'permissions'])) {
        const cell = permissionCell(row[0] ?? '');
        const p = resolvePermission(set, cell.name, cell.qualifier);
        if (listed.has(p.id)) fail(`${describePermission(set, p)} is listed twice`);
        const level = (row[1] ?? '').trim();
        listed.set(p.id, level === '' ? (p.scoped ? cellOf(set, 'yes', p) : { kind: 'yes' }) : cellOf(set, level, p));
      }
      const messages: (string | undefined)[] = [];
      for (const p of set.model.permissions) messages.push(...checkCell(set, s, p, listed.get(p.id) ?? { kind: 'no' }));
      failAll(`${describeSubject(set, s)} does not have exactly these permissions: {n} difference(s):`, messages);
    },
  },
  {
    keyword: 'Then',
    group: 'Tables',
    phrase: 'only these roles|users can "<permission>" ["<qualifier>"] [<scope>]:',
    pattern: re(`only these (roles|users) can ${PERMISSION}${TAIL}:`),
    table: true,
    description:
      "Every role of the set (or every user: the set's and the scenario's) is checked: the listed ones (one per row, key or title) must hold the permission at the scope (the widest when none is named; `at any level` for any), all others must not.",
    examples: [
      'Then only these roles can "Role Configuration":\n  | role         |\n  | System Owner |\n  | CRM Admin    |',
      'Then only these users can "Update User" at all:\n  | user  |\n  | erin  |\n  | heidi |',
    ],
    run: (state, [kind, name, qualifier, tail], table) => {
      const set = currentSet(state);
      const p = permissionOf(set, name, qualifier);
      const t = tailOf(set, p, tail);
      const rows = body(table, ['role', 'roles', 'user', 'users']).map((r) => (r[0] ?? '').trim());
      const messages: (string | undefined)[] = [];
      if (kind === 'roles') {
        const listed = new Set(rows.map((r) => resolveRole(set, r).name));
        for (const role of set.model.roles)
          messages.push(
            checkPermission(set, roleSubject(role.name, role.title), p, t.level, t.self, listed.has(role.name)),
          );
      } else {
        const listed = new Set(rows.map((r) => resolveUser(set, state.users, r).user));
        const names = [...new Set([...set.model.users.map((u) => u.name), ...state.users.keys()])];
        for (const u of names) {
          const s = resolveUser(set, state.users, u);
          messages.push(checkPermission(set, s, p, t.level, t.self, listed.has(s.user)));
        }
      }
      failAll(
        `not only these ${kind} can ${describePermission(set, p)}${!p.scoped ? '' : t.level === ANY_LEVEL ? ' at any level' : ` at ${set.model.scopes[askedLevelNumber(set.model, p, t.level)]?.name}`}: {n} difference(s):`,
        messages,
      );
    },
  },
  // -------------------------------------------------------------------------------- Set facts
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: 'the default role is "<role>" | the owner role is "<role>"',
    pattern: re('the (default|owner) role is "([^"]*)"'),
    description:
      "Checks the set's defaultRole (what users without a role get) or ownerRole (the one role that grants everything), in the model and in the generated module.",
    examples: ['Then the default role is "User"', 'Then the owner role is "System Owner"'],
    run: (state, [which, name]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const model = which === 'default' ? set.model.defaultRole : set.model.ownerRole;
      const generated = which === 'default' ? set.module.policySet.defaultRole : set.module.policySet.ownerRole;
      if (model !== role.name || generated !== role.name) {
        fail(
          `the ${which} role of ${set.name} is ${model === undefined ? 'not set' : `"${set.model.roleIndex.get(model)?.title ?? model}" (${model})`}, not "${role.title}" (${role.name})`,
        );
      }
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: 'the set has the roles "<role>" and "<role>"',
    pattern: re(`the set has the roles? ${LIST}`),
    description: 'Checks that these roles exist (by key or title), in the model and in the generated module.',
    examples: ['Then the set has the roles "System Owner" and "User"'],
    run: (state, [list]) => {
      const set = currentSet(state);
      for (const name of quotedList(list ?? '')) {
        const role = resolveRole(set, name);
        if (set.module.roleNo(role.name) === undefined)
          fail(`policyc bug: the generated module of ${set.name} lacks the role ${role.name}`);
      }
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: 'every role has a name and a description',
    pattern: re('every role has a (?:name|title) and a description'),
    description: 'Checks that every role has a non-empty title and description (in the generated metadata too).',
    examples: ['Then every role has a name and a description'],
    run: (state) => {
      const set = currentSet(state);
      const missing = set.model.roles.filter((r) => r.title.trim() === '' || (r.description ?? '').trim() === '');
      const generated = set.module.roles.filter((r) => r.title.trim() === '' || (r.description ?? '').trim() === '');
      if (missing.length > 0 || generated.length > 0) {
        fail(
          `roles without a name or a description: ${[...new Set([...missing.map((r) => r.name), ...generated.map((r) => r.id)])].join(', ')}`,
        );
      }
    },
  },
  {
    keyword: 'Then',
    group: 'Checks',
    phrase: '[the user] "<user>" has the role "<role>" | has the roles "<role>" and "<role>"',
    pattern: re(`(?:the user )?"([^"]*)" (?:has|holds) the roles? ${LIST}`),
    description:
      "Checks exactly which roles a user holds (the default role when none was assigned), in the model and in the generated module's users.",
    examples: ['Then "frank" has the role "User"', 'Then "grace" has the roles "Sales Agent" and "Marketing Manager"'],
    run: (state, [user, list]) => {
      const set = currentSet(state);
      const s = resolveUser(set, state.users, user ?? '');
      const expected = quotedList(list ?? '').map((r) => resolveRole(set, r).name);
      const sorted = (xs: readonly string[]) => [...new Set(xs)].sort().join(', ');
      const generated = set.module.users.find((u) => u.id === s.user);
      if (sorted(s.roles) !== sorted(expected) || (generated && sorted(generated.roles) !== sorted(expected))) {
        fail(`"${user}" holds ${sorted(s.roles) || 'no role'}, not ${sorted(expected)}`);
      }
    },
  },
  // ---------------------------------------------------------------------------------- Changes
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" is renamed to "<new name>"',
    pattern: re('the role "([^"]*)" is renamed to "([^"]*)"'),
    description:
      "Changes the role's display name (its title), as the Role Management page does; its key, numbers and assignments stay. The following steps check a recompiled copy of the set (the files on disk are not touched).",
    examples: ['When the role "Team Lead" is renamed to "Group Lead"'],
    run: async (state, [name, title]) => {
      const role = resolveRole(currentSet(state), name ?? '');
      await change(
        state,
        { kind: 'retitle-role', role: role.name, title: title ?? '' },
        `rename the role ${role.name} to "${title}"`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" is renamed to the key "<new-key>"',
    pattern: re('the role "([^"]*)" is renamed to the key "([^"]*)"'),
    description:
      "Changes the role's key the way the language prescribes: the new key in metadata.name, the old one in previousNames. Assignments and inherits still use the old key; the lockfile keeps the role's number.",
    examples: ['When the role "team-lead" is renamed to the key "group-lead"'],
    run: async (state, [name, key]) => {
      const role = resolveRole(currentSet(state), name ?? '');
      await change(
        state,
        { kind: 'rekey-role', role: role.name, key: key ?? '' },
        `rename the key ${role.name} to ${key}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" is deleted and its users move to "<other role>"',
    pattern: re('the role "([^"]*)" is deleted and its users move to "([^"]*)"'),
    description:
      'Deletes the role the way the language prescribes: its document goes, PolicySet.retiredRoles names the transfer, and the users assigned to it are assigned to the other role.',
    examples: ['When the role "Support Agent" is deleted and its users move to "User"'],
    run: async (state, [name, target]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const to = resolveRole(set, target ?? '');
      await change(
        state,
        { kind: 'delete-role', role: role.name, transferTo: to.name, aliases: role.previousNames },
        `delete the role ${role.name}, moving its users to ${to.name}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" is deleted without moving its users',
    pattern: re('the role "([^"]*)" is deleted without moving its users'),
    description:
      'Removes the role\'s document and nothing else. Expected to be rejected (a role that ever existed needs a transfer): follow it with "Then the change is rejected".',
    examples: ['When the role "Support Agent" is deleted without moving its users'],
    run: async (state, [name]) => {
      const role = resolveRole(currentSet(state), name ?? '');
      await change(
        state,
        { kind: 'delete-role', role: role.name, transferTo: undefined, aliases: role.previousNames },
        `delete the role ${role.name} without moving its users`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'a role "<key>" titled "<name>" [described as "<description>"] is created with these permissions:',
    pattern: re(
      'a role "([^"]*)" titled "([^"]*)"(?: (?:described as|with the description) "([^"]*)")? is created with these permissions:',
    ),
    table: true,
    description:
      'Adds a role document with these grants: one permission per row (id or title), with its level in a second column for scoped permissions. A scoped permission without a level is written without one, so the compiler rejects it (least privilege). ' +
      'Without `described as "…"` the description is "Created by a scenario."',
    examples: [
      'When a role "support-lead" titled "Support Lead" described as "Leads the support desk; sees its tickets." is created with these permissions:\n  | permission       | level |\n  | records:view     | group |\n  | Manage Workflow  |       |',
    ],
    run: async (state, [key, title, description], table) => {
      const set = currentSet(state);
      const grants = body(table, ['permission', 'permissions']).map((row) => {
        const cell = permissionCell(row[0] ?? '');
        const p = resolvePermission(set, cell.name, cell.qualifier);
        const levelText = (row[1] ?? '').trim();
        const level = levelText === '' ? undefined : scopeName(set, parseTail(set, levelText).level);
        return { permission: p.id, level };
      });
      await change(
        state,
        {
          kind: 'create-role',
          key: key ?? '',
          title: title ?? '',
          description: description ?? 'Created by a scenario.',
          grants,
        },
        `create the role ${key}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: '[the user] "<user>" is assigned the role "<role>" | is also assigned the role "<role>"',
    pattern: re(`(?:the user )?"([^"]*)" is (also )?assigned the roles? ${LIST}`),
    description:
      "Assigns roles to a user: replacing the user's roles, or with `also` adding to them. Users of the set's Assignments are changed in a recompiled copy of the set.",
    examples: ['When "frank" is assigned the role "Team Lead"', 'When "alice" is also assigned the role "Auditor"'],
    run: async (state, [user, also, list]) => {
      const set = currentSet(state);
      const roles = quotedList(list ?? '').map((r) => resolveRole(set, r).name);
      const mode = also ? 'add' : 'replace';
      const own = state.users.get(user ?? '');
      if (own) {
        state.users.set(user ?? '', mode === 'replace' ? roles : [...new Set([...own, ...roles])]);
        return;
      }
      const s = resolveUser(set, state.users, user ?? '');
      await change(
        state,
        { kind: 'assign', user: s.user ?? '', roles, mode },
        `assign ${roles.join(', ')} to ${s.user}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" is granted "<permission>" ["<qualifier>"] [<scope>]',
    pattern: re(`the role "([^"]*)" is granted ${PERMISSION}${TAIL}`),
    description:
      "Sets the role's own grant of the permission (Change Permission), as a role editor does: a level replaces the level the role's grant had, and granting a permission the role already grants changes nothing. What it inherits stays.",
    examples: [
      'When the role "User" is granted "Create Group"',
      'When the role "Sales Agent" is granted "View" "CRM Modules" of her group',
    ],
    run: async (state, [name, perm, qualifier, tail]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const p = permissionOf(set, perm, qualifier);
      const t = tailOf(set, p, tail);
      const level = scopeName(set, t.level);
      await change(
        state,
        { kind: 'grant', role: role.name, permission: p.id, level },
        `grant ${p.id}${level ? ` at ${level}` : ''} to ${role.name}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase:
      'the role "<role>" no longer grants "<permission>" ["<qualifier>"] | no longer grants "*" | no longer grants "<resource>:*"',
    pattern: re(`the role "([^"]*)" no longer grants ${PERMISSION}`),
    description:
      'Takes the permission away from the role\'s own grants, as unticking it in a role editor does. A grant written with the permission\'s id is removed; a permission the role holds through its own wildcard (`"*"`, `resource:*`) is taken out of it: the wildcard is replaced by the other permissions it gave, at the level it gave them. `"*"` and `"<resource>:*"` remove that wildcard grant itself. What the role inherits stays (the step says which role to change instead).',
    examples: [
      'When the role "Team Lead" no longer grants "Download Call Recordings"',
      'When the role "System Owner" no longer grants "*"',
      'When the role "CRM Admin" no longer grants "Delete" "CRM Modules"',
    ],
    run: async (state, [name, perm, qualifier]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const text = perm ?? '';
      if (qualifier === undefined && (text === '*' || /^[^:]+:\*$/.test(text))) {
        await change(
          state,
          { kind: 'revoke', role: role.name, permission: text },
          `remove the grant ${text} from ${role.name}`,
        );
        return;
      }
      const p = permissionOf(set, perm, qualifier);
      const m = set.model;
      if (role.grants.some((g) => g.target.kind === 'permission' && g.target.permission === p.id)) {
        await change(
          state,
          { kind: 'revoke', role: role.name, permission: p.id },
          `remove the grant ${p.id} from ${role.name}`,
        );
        return;
      }
      const wildcard = role.grants.find((g) => g.target.kind !== 'permission' && grantNames(g.target, p));
      if (wildcard) {
        // What the wildcard gave (language/grant-gives.ts), less the permission taken away.
        const level = (q: PermissionInfo) =>
          q.scoped ? m.scopes[levelGiven(wildcard.level, q, m.levels - 1)]?.name : undefined;
        const gave = m.permissions.filter((q) => q.id !== p.id && grantNames(wildcard.target, q));
        const replacement = gave.map((q) => ({ permission: q.id, level: level(q) }));
        await change(
          state,
          { kind: 'revoke', role: role.name, permission: wildcard.text, replacement },
          `take ${p.id} out of the grant ${wildcard.text} of ${role.name}`,
        );
        return;
      }
      const from = grantSources(m, [role.name], p)
        .map((g) => g.role)
        .filter((r) => r !== role.name);
      fail(
        `the role "${role.title}" (${role.name}) has no grant of ${describePermission(set, p)} of its own` +
          (from.length > 0
            ? `: it inherits it from ${[...new Set(from)].join(', ')}; take it away there, or stop inheriting`
            : answerPermission(set, roleSubject(role.name, role.title), p, ANY_LEVEL, false)
              ? ': it holds it by an implication of another grant'
              : ': it does not hold it'),
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" gets access to every <noun> | to every entry of "<collection>"',
    pattern: re(`the role "([^"]*)" gets access to every ${NOUN}(?: of "([^"]*)")?`),
    description: "Sets the role's access to the collection to mode all.",
    examples: ['When the role "Member" gets access to every object'],
    run: async (state, [name, noun, of]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const { c, kind, parent } = namedBy(set, noun, of ?? undefined);
      if (kind !== undefined || parent !== undefined)
        fail(`mode all gives every entry of ${c.name}: write every ${c.noun}`);
      await change(
        state,
        { kind: 'collection', role: role.name, collection: c.name, mode: 'all', entries: [] },
        `give ${role.name} every entry of ${c.name}`,
      );
    },
  },
  {
    keyword: 'When',
    group: 'Changes',
    phrase: 'the role "<role>" gets access to only these <nouns>: | to every <noun> except:',
    pattern: re(`the role "([^"]*)" gets access to (only these|every) ${NOUN}(?: of "([^"]*)")?( except)?:`),
    table: true,
    description:
      "Sets the role's access to the collection to mode allow (`only these …:`) or except (`every … except:`), with the entries of the table (paths or titles).",
    examples: ['When the role "Member" gets access to every object except:\n  | employee |'],
    run: async (state, [name, which, noun, of, except], table) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const { c } = namedBy(set, noun, of ?? undefined);
      const mode =
        which === 'only these'
          ? except
            ? fail('write either "only these …:" or "every … except:"')
            : 'allow'
          : except
            ? 'except'
            : fail('write "every … except:" with a table, or "every …" without one');
      const entries = listedEntries(c, body(table, entryHeaders(c)));
      await change(
        state,
        { kind: 'collection', role: role.name, collection: c.name, mode, entries },
        `give ${role.name} ${mode} ${entries.join(', ')} of ${c.name}`,
      );
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the change is rejected [because "<text>"]',
    pattern: re('the change is rejected(?: because "([^"]*)")?'),
    description:
      'Checks that the compiler refused the last change (with an error whose message or hint contains the text, case-insensitive). Later steps check the set as it was before that change.',
    examples: ['Then the change is rejected because "its users need a role to transfer to"'],
    run: (state, [text]) => {
      shippedSet(state);
      if (state.lastChange === undefined)
        fail('no change was made: this step follows a "When …" step that changes the set');
      if (!state.rejected) fail(`the change "${state.lastChange}" was accepted: the set compiles without errors`);
      if (text) {
        const found = state.rejected.errors.some((d) => statesReason(d, text));
        if (!found)
          fail(
            `the change was rejected, but no error says "${text}":\n${state.rejected.errors.map((d) => `  ${d.code} ${d.message}`).join('\n')}`,
          );
      }
      state.edits = state.edits.slice(0, -1);
      state.rejected = undefined;
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the role "<role>" cannot be deleted [because "<text>"]',
    pattern: re('the role "([^"]*)" cannot be deleted(?: because "([^"]*)")?'),
    description:
      "Tries to delete the role the way the language prescribes (its users moving to the default role, or to another role when it is the default one) on a copy of the set, and checks that the compiler refuses (with an error that states the text, when given). The scenario's set is not changed.",
    examples: [
      'Then the role "User" cannot be deleted',
      'Then the role "System Owner" cannot be deleted because "ownerRole"',
    ],
    run: async (state, [name, text]) => {
      const set = currentSet(state);
      const role = resolveRole(set, name ?? '');
      const m = set.model;
      const to =
        m.defaultRole !== undefined && m.defaultRole !== role.name
          ? m.defaultRole
          : m.roles.find((r) => r.name !== role.name)?.name;
      if (to === undefined) fail(`the role "${role.title}" is the only role of ${set.name}`);
      const result = await compileEdited(shippedSet(state), [
        ...state.edits,
        { kind: 'delete-role', role: role.name, transferTo: to, aliases: role.previousNames },
      ]);
      if (result.ok)
        fail(
          `the role "${role.title}" (${role.name}) can be deleted (its users moving to ${to}): the set compiles without errors`,
        );
      if (text && !result.errors.some((d) => statesReason(d, text))) {
        fail(
          `deleting the role "${role.title}" is refused, but no error says "${text}":\n${formatErrors(result.errors)}`,
        );
      }
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the change escalates access | the change is not an escalation',
    pattern: re('the change (escalates access|is not an escalation)'),
    description:
      'Compares the set as shipped with the set after the changes using the escalation rules of `policyc diff` (a sensitive permission gained, a scope widened to the widest, a collection opened to all, a self-restriction lifted…), and checks that there is at least one escalation, or none.',
    examples: ['Then the change escalates access', 'Then the change is not an escalation'],
    run: async (state, [which]) => {
      const before = shippedSet(state);
      if (state.lastChange === undefined)
        fail('no change was made: this step follows a "When …" step that changes the set');
      const after = currentSet(state);
      // Loaded on demand: the review code is needed only by these steps.
      const { diffModels } = await import('../review/diff.js');
      const escalations = diffModels(before.model, after.model).escalations;
      if (which === 'escalates access' && escalations.length === 0)
        fail(`the change "${state.lastChange}" is not an escalation by the rules of policyc diff`);
      if (which !== 'escalates access' && escalations.length > 0) {
        fail(
          `the change "${state.lastChange}" escalates access (${escalations.length}):\n${escalations
            .slice(0, 20)
            .map((e) => `  ${e.message}`)
            .join('\n')}`,
        );
      }
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'every user keeps the same access',
    pattern: re('every user keeps the same access'),
    description:
      "Compares every user of the set (and of the scenario) before and after the changes: every permission at every level, as self and not, and every collection entry. Proves that a change did not touch anyone's access.",
    examples: ['Then every user keeps the same access'],
    run: (state) => {
      const before = shippedSet(state);
      const after = currentSet(state);
      const out: string[] = [];
      const names = [...new Set([...before.model.users.map((u) => u.name), ...state.users.keys()])];
      for (const name of names) {
        if (!after.model.userIndex.has(name) && !state.users.has(name)) {
          out.push(`${name}: no longer a user`);
          continue;
        }
        const a = resolveUser(before, state.users, name);
        const b = resolveUser(after, state.users, name);
        for (const d of sameAccess(before, a, after, b)) out.push(`${name}: ${d}`);
      }
      if (out.length > 0)
        fail(
          `${out.length} access change(s):\n${out
            .slice(0, 40)
            .map((l) => `  ${l}`)
            .join('\n')}${out.length > 40 ? '\n  …' : ''}`,
        );
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the role "<role>" has the same access as the role "<old role>" had',
    pattern: re('the role "([^"]*)" has the same access as the role "([^"]*)" had'),
    description:
      'Compares a role of the changed set with a role of the set as shipped (by key or title there): every permission, level and collection entry.',
    examples: ['Then the role "group-lead" has the same access as the role "team-lead" had'],
    run: (state, [now, then]) => {
      const before = shippedSet(state);
      const after = currentSet(state);
      const a = resolveRole(before, then ?? '');
      const b = resolveRole(after, now ?? '');
      const diff = sameAccess(before, roleSubject(a.name, a.title), after, roleSubject(b.name, b.title));
      if (diff.length > 0)
        fail(
          `the role "${now}" (${b.name}) differs from what "${then}" (${a.name}) had:\n${diff.map((l) => `  ${l}`).join('\n')}`,
        );
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the old key "<key>" still refers to the role "<role>"',
    pattern: re('the old key "([^"]*)" still refers to the role "([^"]*)"'),
    description:
      'After a key rename: the generated module still accepts the old key as a deprecated alias of the role, with the number the role had before (stored numbers keep their meaning), and `transferTarget` maps it to the new key.',
    examples: ['Then the old key "team-lead" still refers to the role "Team Lead"'],
    run: (state, [old, name]) => {
      const before = shippedSet(state);
      const after = currentSet(state);
      const role = resolveRole(after, name ?? '');
      const key = old ?? '';
      const was = before.module.roleNo(key);
      const now = after.module.roleNo(key);
      const problems: string[] = [];
      if (now === undefined) problems.push(`the generated module does not accept "${key}" any more`);
      else if (now !== after.module.Role[role.name])
        problems.push(`"${key}" has the number ${now}, the role ${role.name} ${after.module.Role[role.name]}`);
      if (was !== undefined && now !== was) problems.push(`the number changed from ${was} to ${now ?? 'none'}`);
      if (after.module.transferTarget(key) !== role.name)
        problems.push(
          `transferTarget("${key}") is ${after.module.transferTarget(key) ?? 'undefined'}, not ${role.name}`,
        );
      if (problems.length > 0)
        fail(`the old key "${key}" does not refer to the role "${role.title}" (${role.name}): ${problems.join('; ')}`);
    },
  },
  {
    keyword: 'Then',
    group: 'Changes',
    phrase: 'the deleted role "<role>" transfers its users to "<role>"',
    pattern: re('the deleted role "([^"]*)" transfers its users to "([^"]*)"'),
    description:
      'After a deletion: the role is gone from the generated module, its exported transfer map sends it to the other role (so applications can migrate stored role ids), and no user holds it any more.',
    examples: ['Then the deleted role "Support Agent" transfers its users to "User"'],
    run: (state, [old, target]) => {
      const before = shippedSet(state);
      const after = currentSet(state);
      const gone = resolveRole(before, old ?? '');
      const to = resolveRole(after, target ?? '');
      const problems: string[] = [];
      if (after.module.roleNo(gone.name) !== undefined)
        problems.push(`the generated module still has the role ${gone.name}`);
      if (after.module.transferTarget(gone.name) !== to.name)
        problems.push(`transferTarget("${gone.name}") is ${after.module.transferTarget(gone.name) ?? 'undefined'}`);
      if (!after.module.transfers.some((t) => t.from === gone.name && t.to === to.name))
        problems.push(`the exported transfers do not list ${gone.name} → ${to.name}`);
      const holders = after.model.users.filter((u) => u.roles.includes(gone.name)).map((u) => u.name);
      if (holders.length > 0) problems.push(`users still hold it: ${holders.join(', ')}`);
      if (problems.length > 0)
        fail(
          `the deleted role "${gone.title}" (${gone.name}) does not transfer to "${to.title}" (${to.name}): ${problems.join('; ')}`,
        );
    },
  },
  ...CUSTOM_ROLE_STEPS,
];
