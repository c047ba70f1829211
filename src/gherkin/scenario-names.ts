import { closest } from '../diagnostics/suggest.js';
import { ANY_LEVEL, type AskedLevel } from '../language/asked-level.js';
import { foldTitle as foldTitleOnce } from '../language/title-fold.js';
import { currentKey, permissionByKey, roleByKey } from '../language/previous-names.js';
import type { CollectionInfo, EntryKind, Model, PermissionInfo, RoleInfo, UserInfo } from '../model/model.js';
import { fail } from './failure.js';
import type { LoadedSet } from './sets.js';

/**
 * Reading names and phrases of a scenario against a set: roles, users and permissions by key
 * (exact) or title (case-insensitive), scopes by name or natural phrase, collection entries by
 * path or title. Anything unknown fails the step with a did-you-mean.
 */

/** Titles folded so far: a run asks about the same few hundred titles thousands of times. */
const foldedTitles = new Map<string, string>();

/** foldTitle (language/title-fold.ts), remembered: folding is pure and the steps compare every title of a set. */
function foldTitle(title: string): string {
  let folded = foldedTitles.get(title);
  if (folded === undefined) {
    folded = foldTitleOnce(title);
    if (foldedTitles.size >= 50_000) foldedTitles.clear();
    foldedTitles.set(title, folded);
  }
  return folded;
}

/** Whether two titles read the same (language/title-fold.ts's sameTitle, with remembered folds). */
function sameTitle(a: string, b: string): boolean {
  return foldTitle(a) === foldTitle(b);
}

/**
 * Folds the words of a step for reading its phrases (scope phrases, nouns, table headers):
 * compatibility forms, case, white space and curly quotes do not count. Titles are compared with
 * the language's rule instead (foldTitle in language/title-fold.ts), as on the command line.
 */
export function fold(text: string): string {
  return text.normalize('NFKC').replace(/[’‘]/g, "'").trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The strings of a quoted list: `"A", "B" and "C"` → A, B, C. */
export function quotedList(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

function suggestion(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}

function quoteList(items: readonly string[], limit = 12): string {
  const shown = items.slice(0, limit).map((i) => `"${i}"`);
  return items.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Roles

/** A role by key, previous key or title. */
export function resolveRole(set: LoadedSet, text: string): RoleInfo {
  const m = set.model;
  const byKey = roleByKey(m, text);
  if (byKey) return byKey;
  const folded = foldTitle(text);
  const byTitle = m.roles.filter((r) => foldTitle(r.title) === folded);
  if (byTitle.length === 1) return byTitle[0]!;
  const retired = m.retiredRoles.find((r) => r.name === text);
  if (retired)
    fail(
      `the role "${text}" was deleted from the set ${m.name}: its users moved to "${m.roleIndex.get(retired.transferTo)?.title ?? retired.transferTo}" (${retired.transferTo})`,
    );
  const user = findUserInfo(set, text);
  const hint = suggestion(text, [...m.roles.map((r) => r.title), ...m.roles.map((r) => r.name)]);
  fail(
    `unknown role "${text}" in the set ${m.name}${hint}` +
      (user && !hint ? `; "${text}" is a user: write "${text}" instead of the role "${text}"` : '') +
      (hint ? '' : ` (roles: ${quoteList(m.roles.map((r) => r.title))})`),
  );
}

// ---------------------------------------------------------------------------------------------
// Users and subjects

/** Users a scenario introduced ("Given a user … with the role …"), by name, with their roles (keys). */
export type ScenarioUsers = ReadonlyMap<string, readonly string[]>;

function findUserInfo(set: LoadedSet, text: string): UserInfo | undefined {
  const exact = set.model.userIndex.get(text);
  if (exact) return exact;
  const folded = foldTitle(text);
  const byTitle = set.model.users.filter((u) => u.title !== undefined && foldTitle(u.title) === folded);
  return byTitle.length === 1 ? byTitle[0] : undefined;
}

/** Who a step's check is about: a user (of the scenario or of the set's assignments), or one or more roles. */
export interface StepSubject {
  readonly kind: 'user' | 'roles';
  /** How the scenario named it, for messages: `"alice"`, `the role "Team Lead"`. */
  readonly label: string;
  /** The user's name (users only). */
  readonly user?: string;
  /** Role keys (current keys of the set). */
  readonly roles: readonly string[];
}

/** The current key of a role key the scenario recorded earlier: renamed keys follow the rename, deleted roles their transfer. */
export function canonicalRole(set: LoadedSet, key: string): string {
  const m = set.model;
  const current = currentKey(m.roleIndex, m.roleAliases, key);
  if (current !== undefined) return current;
  return m.retiredRoles.find((r) => r.name === key)?.transferTo ?? key;
}

/** A user by name (the scenario's first, then the set's) or by title. */
export function resolveUser(set: LoadedSet, users: ScenarioUsers, text: string): StepSubject {
  const own = users.get(text);
  if (own)
    return { kind: 'user', label: `"${text}"`, user: text, roles: [...new Set(own.map((r) => canonicalRole(set, r)))] };
  const info = findUserInfo(set, text);
  if (info) return { kind: 'user', label: `"${text}"`, user: info.name, roles: info.roles };
  const candidates = [
    ...users.keys(),
    ...set.model.users.map((u) => u.name),
    ...set.model.users.flatMap((u) => (u.title ? [u.title] : [])),
  ];
  const hint = suggestion(text, candidates);
  const role = set.model.roles.find((r) => r.name === text || sameTitle(r.title, text));
  fail(
    `unknown user "${text}" in the set ${set.model.name}${hint}` +
      (role ? `; "${text}" is a role: write the role "${text}"` : '') +
      (hint || role
        ? ''
        : ` (users: ${quoteList([...users.keys(), ...set.model.users.map((u) => u.name)])}; or add one with: Given a user "${text}" with the role "…")`),
  );
}

/** Reads a subject phrase: `"alice"`, `the user "alice"`, `the role "Team Lead"`, `the roles "A" and "B"`. */
export function resolveSubject(set: LoadedSet, users: ScenarioUsers, text: string): StepSubject {
  const roles = /^the roles? (.*)$/.exec(text);
  if (roles) {
    const names = quotedList(roles[1]!);
    const keys = names.map((n) => resolveRole(set, n).name);
    return { kind: 'roles', label: text, roles: [...new Set(keys)] };
  }
  const quoted = /^(?:the user )?"([^"]*)"$/.exec(text);
  if (quoted) return resolveUser(set, users, quoted[1]!);
  fail(`cannot read "${text}" as a user ("alice", the user "alice") or roles (the role "Team Lead")`);
}

/** A row of a table: a role (by key or title) or a user (by name or title). */
export function resolveRowSubject(
  set: LoadedSet,
  users: ScenarioUsers,
  text: string,
  prefer: 'role' | 'user' | undefined,
): StepSubject {
  const cell = text.trim().replace(/^"(.*)"$/, '$1');
  if (prefer === 'user') return resolveUser(set, users, cell);
  if (prefer === 'role') return { kind: 'roles', label: `the role "${cell}"`, roles: [resolveRole(set, cell).name] };
  const m = set.model;
  const role = roleByKey(m, cell) ?? m.roles.find((r) => sameTitle(r.title, cell));
  const isUser = users.has(cell) || findUserInfo(set, cell) !== undefined;
  if (role && isUser) fail(`"${cell}" is both a role and a user: name the first column "role" or "user"`);
  if (role) return { kind: 'roles', label: `the role "${cell}"`, roles: [role.name] };
  if (isUser) return resolveUser(set, users, cell);
  const hint = suggestion(cell, [
    ...m.roles.map((r) => r.title),
    ...m.roles.map((r) => r.name),
    ...users.keys(),
    ...m.users.map((u) => u.name),
  ]);
  fail(`"${cell}" is neither a role nor a user of the set ${m.name}${hint}`);
}

// ---------------------------------------------------------------------------------------------
// Permissions

/** Splits a table cell naming a permission: `records:delete`, `Delete (CRM Modules)`, `"Delete" "CRM Modules"`. */
export function permissionCell(text: string): { name: string; qualifier: string | undefined } {
  const t = text.trim();
  const quoted = /^"([^"]*)"(?:\s+"([^"]*)")?$/.exec(t);
  if (quoted) return { name: quoted[1]!, qualifier: quoted[2] };
  const paren = /^(.*?)\s*\(([^()]+)\)$/.exec(t);
  if (paren) return { name: paren[1]!, qualifier: paren[2] };
  return { name: t, qualifier: undefined };
}

/** How a permission reads in messages: `"Delete" (records:delete, CRM Modules)`. */
export function describePermission(set: LoadedSet, p: PermissionInfo): string {
  const category = set.model.categories.find((c) => c.name === p.category)?.title;
  return `"${p.title}" (${p.id}${category ? `, ${category}` : ''})`;
}

/**
 * A permission by id (or previous id), by title, or by a name and a qualifier: `"Delete" "CRM
 * Modules"` (title and category), `"View" "Agents"` (action and resource). Titles and
 * qualifiers are case-insensitive; ids are exact.
 */
export function resolvePermission(set: LoadedSet, name: string, qualifier?: string): PermissionInfo {
  const found = findPermission(set, name, qualifier);
  if (found) return found;
  const m = set.model;
  const all = m.permissions;
  const written = qualifier === undefined ? name : `${name} ${qualifier}`;
  // Each way of writing a permission, with the words that name it in a step: a suggestion is
  // offered only when those words read back as that very permission, and never the author's own words.
  const forms = new Map<string, { p: PermissionInfo; name: string; qualifier: string | undefined }>();
  const asWritten = (n: string, q: string | undefined) => fold(q === undefined ? `"${n}"` : `"${n}" "${q}"`);
  const form = (text: string, p: PermissionInfo, n: string, q: string | undefined) => {
    if (asWritten(n, q) === asWritten(name, qualifier) || forms.has(text)) return;
    if (findPermission(set, n, q, true)?.id === p.id) forms.set(text, { p, name: n, qualifier: q });
  };
  for (const p of all) {
    form(p.id, p, p.id, undefined);
    form(p.title, p, p.title, undefined);
    form(`${p.title} ${qualifierOf(set, p)}`, p, p.title, qualifierOf(set, p));
    const action = m.actions.find((a) => a.name === p.action)?.title ?? p.action;
    const resource = m.resources.find((r) => r.name === p.resource)?.title ?? p.resource;
    form(`${action} ${resource}`, p, action, resource);
  }
  const match = closest(written, forms.keys());
  let hint = '';
  if (match !== undefined) {
    const f = forms.get(match)!;
    hint =
      f.qualifier === undefined
        ? `; did you mean ${describePermission(set, f.p)}?`
        : `; did you mean "${f.name}" "${f.qualifier}" (${f.p.id})?`;
  }
  fail(`unknown permission "${written}" in the set ${m.name}${hint}`);
}

/** A permission as `resolvePermission` reads it; undefined when nothing matches (or, when `quiet`, when several do). */
function findPermission(
  set: LoadedSet,
  name: string,
  qualifier: string | undefined,
  quiet = false,
): PermissionInfo | undefined {
  const m = set.model;
  const all = m.permissions;
  if (qualifier === undefined) {
    const byId = permissionByKey(m, name);
    if (byId) return byId;
    const byTitle = all.filter((p) => sameTitle(p.title, name));
    if (byTitle.length === 1) return byTitle[0]!;
    if (byTitle.length > 1) {
      if (quiet) return undefined;
      fail(
        `"${name}" names ${byTitle.length} permissions of the set ${m.name}: say which one, e.g. ` +
          byTitle.map((p) => `"${p.title}" "${qualifierOf(set, p)}" (${p.id})`).join(', '),
      );
    }
  } else {
    const n = foldTitle(name);
    const q = foldTitle(qualifier);
    const matches = all.filter((p) => {
      const action = m.actions.find((a) => a.name === p.action);
      const resource = m.resources.find((r) => r.name === p.resource);
      const category = m.categories.find((c) => c.name === p.category);
      const nameOk =
        foldTitle(p.title) === n || p.action === name || (action !== undefined && foldTitle(action.title) === n);
      const qualOk =
        p.resource === qualifier ||
        (resource !== undefined && foldTitle(resource.title) === q) ||
        p.category === qualifier ||
        (category !== undefined && foldTitle(category.title) === q);
      return nameOk && qualOk;
    });
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1 && !quiet)
      fail(
        `"${name}" "${qualifier}" names ${matches.length} permissions: ${matches.map((p) => p.id).join(', ')}; write the id`,
      );
  }
  return undefined;
}

/** The category title (or resource title) that tells a permission apart from others with its title. */
function qualifierOf(set: LoadedSet, p: PermissionInfo): string {
  const category = set.model.categories.find((c) => c.name === p.category);
  return category?.title ?? set.model.resources.find((r) => r.name === p.resource)?.title ?? p.resource;
}

// ---------------------------------------------------------------------------------------------
// Scopes

/**
 * Folds pronouns to one form, so that a phrase written with "her" also reads "his", "their",
 * "its", and "she belongs to" also reads "they belong to".
 */
function pronouns(text: string): string {
  return text
    .replace(/\b(?:himself|themselves|itself|oneself|themself)\b/g, 'herself')
    .replace(/\b(?:his|their|its|one's)\b/g, 'her')
    .replace(/\b(?:him|them)\b/g, 'her')
    .replace(/\b(?:he|they|it)\b/g, 'she')
    .replace(/\bshe belong\b/g, 'she belongs');
}

/** How a phrase may lead into a scope: `at the team level`, `of her team`, `across the organisation`. */
const LEADS = ['', 'at ', 'of ', 'for ', 'in ', 'on ', 'across ', 'within ', 'from ', 'with '];

/** A level a scope phrase names; `any` for `at any level` (naming none asks for the widest: language/asked-level.ts). */
type Level = number | typeof ANY_LEVEL;

/** Every phrase the set's scopes may be named by, folded: names, titles, declared phrases, with their lead-ins. */
const phraseTables = new WeakMap<Model, ReadonlyMap<string, Level>>();

function scopePhrases(m: Model): ReadonlyMap<string, Level> {
  let table = phraseTables.get(m);
  if (table) return table;
  const out = new Map<string, Level>();
  const add = (phrase: string, level: Level) => {
    for (const lead of LEADS) if (!out.has(`${lead}${phrase}`)) out.set(`${lead}${phrase}`, level);
  };
  // Names first, then titles, then declared phrases: a name is never shadowed by another scope's phrase.
  const bases = [...m.scopes.map((s) => [s.name, s] as const), ...m.scopes.map((s) => [s.title, s] as const)];
  for (const [base, s] of bases) {
    const b = pronouns(fold(base.replace(/[-_]/g, ' ')));
    for (const form of [
      b,
      `the ${b}`,
      `her ${b}`,
      `her own ${b}`,
      `${b} members`,
      `her ${b} members`,
      `${b} level`,
      `the ${b} level`,
      `${b} scope`,
      `the ${b} scope`,
      `scope ${b}`,
      `level ${b}`,
    ]) {
      add(form, s.level);
    }
  }
  for (const s of m.scopes) for (const p of s.phrases) add(pronouns(fold(p)), s.level);
  if (m.scopes.length > 0) for (const p of ['any level', 'any scope', 'every level']) add(p, ANY_LEVEL);
  table = out;
  phraseTables.set(m, table);
  return table;
}

/** The phrases of each scope, for messages: `"at team", "of her team", "of team members"`. */
function scopeForms(m: Model): string {
  return m.scopes
    .map((s) => {
      const forms = [
        `at ${s.name}`,
        `of her ${s.name}`,
        `of ${s.name} members`,
        ...(fold(s.title) !== fold(s.name) ? [`at ${s.title}`] : []),
        ...s.phrases,
      ];
      return forms.map((f) => `"${f}"`).join(', ');
    })
    .join('; ');
}

/** A scope level by name, title or one of its phrases. */
export function resolveScope(set: LoadedSet, text: string): number {
  const m = set.model;
  const t = text.replace(/^"(.*)"$/, '$1');
  if (m.scopes.length === 0) fail(`the set ${m.name} has no scopes, so "${t}" means nothing here: drop it`);
  const level = scopePhrases(m).get(pronouns(fold(t)));
  if (typeof level === 'number') return level;
  fail(
    `unknown scope "${t}" in the set ${m.name}${suggestion(
      t,
      m.scopes.map((x) => x.name),
    )} (scopes, narrowest first: ${m.scopes.map((x) => x.name).join(', ')})`,
  );
}

const SELF =
  /(?:^|\s)(?:for (?:herself|himself|themselves|itself|oneself)|(?:on )?(?:her|his|their|its|one's|the user's) own account|on (?:herself|himself|themselves|itself))$/;

/**
 * What follows a permission in a check: the level asked (a level; `any` for "at any level";
 * undefined when no scope is named, which asks for the widest) and whether the subject acts on itself.
 */
export interface Tail {
  readonly level: AskedLevel;
  readonly self: boolean;
  /** The phrase as written, for messages. */
  readonly text: string;
}

/** Words naming what a permission acts on (its resource and category, singular and plural): they may stand around a scope. */
function nounsOf(set: LoadedSet, p: PermissionInfo | undefined): Set<string> {
  const out = new Set<string>();
  if (!p) return out;
  const m = set.model;
  const texts = [
    p.resource,
    m.resources.find((r) => r.name === p.resource)?.title ?? '',
    m.categories.find((c) => c.name === p.category)?.title ?? '',
  ];
  for (const t of texts) {
    for (const w of fold(t.replace(/[-_]/g, ' ')).split(' ')) {
      if (w === '') continue;
      out.add(w);
      out.add(w.endsWith('s') ? w.slice(0, -1) : `${w}s`);
    }
  }
  return out;
}

/**
 * Reads the words after a permission: a scope phrase of the set (its names, titles and declared
 * phrases: `at team`, `of her team`, `of team members`, `at the team level`, `at any level`),
 * optionally with the permission's own nouns around it (`records of her group`), and "for
 * herself". Anything else fails: a misspelt scope must never be read as "no scope".
 */
export function parseTail(set: LoadedSet, text: string, p?: PermissionInfo): Tail {
  let s = fold(text);
  let self = false;
  const selfMatch = SELF.exec(s);
  if (selfMatch) {
    self = true;
    s = s.slice(0, selfMatch.index).trim();
  }
  const level = scopePhrase(set, s, text, p);
  return { level, self, text: text.trim() };
}

function scopePhrase(set: LoadedSet, s: string, written: string, p: PermissionInfo | undefined): AskedLevel {
  if (s === '') return undefined;
  const m = set.model;
  const table = scopePhrases(m);
  const words = pronouns(s)
    .split(' ')
    .map((w) => w.replace(/'s?$/, ''));
  const nouns = nounsOf(set, p);
  // The phrase as written, then without the permission's nouns before it, after it, or both.
  let from = 0;
  while (from < words.length && nouns.has(words[from]!)) from++;
  let to = words.length;
  while (to > from && nouns.has(words[to - 1]!)) to--;
  const candidates = [words, words.slice(from), words.slice(0, to), words.slice(from, to)].map((w) => w.join(' '));
  const whole = table.get(candidates[0]!);
  if (whole !== undefined) return whole;
  // Only the permission's nouns ("records"): no scope named.
  if (candidates.some((c) => c === '')) return undefined;
  for (const c of candidates) {
    const level = table.get(c);
    if (level !== undefined) return level;
  }
  if (m.scopes.length === 0) fail(`the set ${m.name} has no scopes: cannot read "${written.trim()}"; drop it`);
  const hint = suggestion(candidates[3]!, table.keys());
  fail(
    `cannot read "${written.trim()}" as a scope of ${m.name}${hint}; the set's scopes, narrowest first, read: ${scopeForms(m)}; ` +
      'or write "at any level", or nothing',
  );
}

// ---------------------------------------------------------------------------------------------
// Collections

/** What a noun of a step names: a collection, and possibly one kind of its entries. */
export interface CollectionNoun {
  readonly collection: CollectionInfo;
  readonly kind: EntryKind | undefined;
}

const nounTables = new WeakMap<Model, ReadonlyMap<string, CollectionNoun | 'ambiguous'>>();

/** Every noun of the set's collections, folded: the collection's noun, plural, name and title; each kind's name and plural. */
function collectionNouns(m: Model): ReadonlyMap<string, CollectionNoun | 'ambiguous'> {
  let table = nounTables.get(m);
  if (table) return table;
  const out = new Map<string, CollectionNoun | 'ambiguous'>();
  const add = (word: string, noun: CollectionNoun) => {
    const w = fold(word);
    const had = out.get(w);
    if (had === undefined) out.set(w, noun);
    else if (had !== 'ambiguous' && (had.collection !== noun.collection || had.kind !== noun.kind))
      out.set(w, 'ambiguous');
  };
  for (const c of m.collections)
    for (const w of [c.noun, c.plural, c.name, c.title]) add(w, { collection: c, kind: undefined });
  for (const c of m.collections)
    for (const k of c.kinds) for (const w of [k.name, k.plural]) add(w, { collection: c, kind: k });
  table = out;
  nounTables.set(m, table);
  return table;
}

/** Every noun the set's collections may be named by, for messages. */
function nounList(m: Model): string {
  return m.collections
    .map((c) => `${c.name}: ${[c.noun, ...c.kinds.map((k) => k.name)].map((n) => `"${n}"`).join(', ')}`)
    .join('; ');
}

/** The collection (and entry kind) a step's noun names: `connector`, `trigger`, `objects`, a collection's name or title. */
export function resolveNoun(set: LoadedSet, noun: string): CollectionNoun {
  const m = set.model;
  const n = fold(noun).replace(/^"(.*)"$/, '$1');
  const found = collectionNouns(m).get(n);
  if (found === 'ambiguous')
    fail(`"${n}" names entries of several collections of ${m.name}: write the entry "<path>" of "<collection>"`);
  if (found) return found;
  if (m.collections.length === 0) fail(`the set ${m.name} has no collections, so "${n}" names nothing`);
  fail(
    `the set ${m.name} has no collection or kind of entry called "${n}"${suggestion(n, [...collectionNouns(m).keys()])} (nouns: ${nounList(m)})`,
  );
}

/** A collection by the noun a step uses (`connector`, `objects`), or by its name or title. */
export function resolveCollection(set: LoadedSet, noun: string): CollectionInfo {
  return resolveNoun(set, noun).collection;
}

/** Describes an entry for messages: `slack/actions/send-message ("Send message")`. */
export function describeEntry(c: CollectionInfo, path: string): string {
  const e = c.entryIndex.get(path);
  return e && e.title !== path ? `${path} ("${e.title}")` : path;
}

/** `a` or `an`, for a noun. */
function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

/** Whether `path` has the shape of `kind` (`*` matches one segment). */
export function isKind(kind: EntryKind, path: string): boolean {
  const want = kind.path.split('/');
  const have = path.split('/');
  return want.length === have.length && want.every((w, i) => w === '*' || w === have[i]);
}

/** The entries of `c` of `kind` (any kind when undefined) below `parent` (anywhere when undefined). */
export function entriesOf(c: CollectionInfo, kind: EntryKind | undefined, parent: string | undefined): string[] {
  return c.entries
    .filter(
      (e) => (kind === undefined || isKind(kind, e.path)) && (parent === undefined || e.path.startsWith(`${parent}/`)),
    )
    .map((e) => e.path);
}

/**
 * An entry of `c` by path, or by title (case-insensitive), of `kind` when one is named (a kind
 * declared by the collection: `app`, `trigger`…); `of` names an entry it is below (the app a
 * trigger belongs to), by path or title. A did-you-mean proposes only entries the step accepts.
 */
export function resolveEntry(
  c: CollectionInfo,
  text: string,
  kind: EntryKind | undefined,
  of: string | undefined,
): string {
  const noun = kind?.name ?? c.noun;
  const parent = of === undefined ? undefined : resolveParent(c, of);
  const accepted = (path: string) =>
    (kind === undefined || isKind(kind, path)) && (parent === undefined || path.startsWith(`${parent}/`));
  let path: string | undefined;
  if (c.entryIndex.has(text) && (parent === undefined || accepted(text))) path = text;
  else {
    const folded = foldTitle(text);
    const candidates = c.entries.filter(
      (e) =>
        accepted(e.path) &&
        (foldTitle(e.title) === folded || (parent !== undefined && e.path.slice(e.path.lastIndexOf('/') + 1) === text)),
    );
    if (candidates.length === 1) path = candidates[0]!.path;
    else if (candidates.length > 1) {
      fail(
        `"${text}" names ${candidates.length} ${kind?.plural ?? 'entries'} of ${c.name}: ${candidates.map((e) => e.path).join(', ')}; write the path${kind && !of ? ', or add of "<…>"' : ''}`,
      );
    }
  }
  if (path === undefined) {
    const ok = c.entries.filter((e) => accepted(e.path));
    const hint = suggestion(
      text,
      [...ok.map((e) => e.path), ...ok.map((e) => e.title)].filter((x) => !sameTitle(x, text)),
    );
    const known =
      ok.length === 0
        ? ` (${c.name} has no ${kind?.plural ?? 'entries'}${parent ? ` below ${parent}` : ''})`
        : hint
          ? ''
          : ` (${kind?.plural ?? 'entries'}${parent ? ` of ${parent}` : ''}: ${quoteList(ok.map((e) => e.path))})`;
    const probe =
      kind === undefined && parent === undefined
        ? `; to check an entry added after the build, write a new ${c.noun} "${text}"`
        : '';
    fail(`unknown ${noun} "${text}"${of ? ` of "${of}"` : ''} in ${c.name}${hint}${known}${probe}`);
  }
  if (kind !== undefined && !isKind(kind, path)) {
    fail(
      `${describeEntry(c, path)} is not ${article(kind.name)} ${kind.name} (${article(kind.name)} ${kind.name} has a path like ${kind.path}): write the ${c.noun} "${path}"`,
    );
  }
  return path;
}

/** The entry an `of "<…>"` names: by path, or by title preferring the highest entry. */
function resolveParent(c: CollectionInfo, text: string): string {
  if (c.entryIndex.has(text)) return text;
  const folded = foldTitle(text);
  const matches = c.entries.filter((e) => foldTitle(e.title) === folded);
  const top = Math.min(...matches.map((e) => e.path.split('/').length));
  const highest = matches.filter((e) => e.path.split('/').length === top);
  if (highest.length === 1) return highest[0]!.path;
  if (highest.length > 1)
    fail(
      `"${text}" names ${highest.length} entries of ${c.name}: ${highest.map((e) => e.path).join(', ')}; write the path`,
    );
  fail(
    `unknown ${c.noun} "${text}" in ${c.name}${suggestion(text, [...c.entries.map((e) => e.path), ...c.entries.map((e) => e.title)])}`,
  );
}
