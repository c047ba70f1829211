import { closest } from '../diagnostics/suggest.js';
import type { CollectionInfo, PermissionInfo, RoleInfo, UserInfo } from '../model/model.js';
import { fail } from './failure.js';
import type { LoadedSet } from './sets.js';

/**
 * Reading names and phrases of a scenario against a set: roles, users and permissions by key
 * (exact) or title (case-insensitive), scopes by name or natural phrase, collection entries by
 * path or title. Anything unknown fails the step with a did-you-mean.
 */

/** Folds a title for comparison: compatibility forms, case, white space and curly quotes do not count. */
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
  const byKey = m.roleIndex.get(text) ?? m.roleIndex.get(m.roleAliases.get(text) ?? '');
  if (byKey) return byKey;
  const folded = fold(text);
  const byTitle = m.roles.filter((r) => fold(r.title) === folded);
  if (byTitle.length === 1) return byTitle[0]!;
  const retired = m.retiredRoles.find((r) => r.name === text);
  if (retired) fail(`the role "${text}" was deleted from the set ${m.name}: its users moved to "${m.roleIndex.get(retired.transferTo)?.title ?? retired.transferTo}" (${retired.transferTo})`);
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
  const folded = fold(text);
  const byTitle = set.model.users.filter((u) => u.title !== undefined && fold(u.title) === folded);
  return byTitle.length === 1 ? byTitle[0] : undefined;
}

/** Who a check is about: a user (of the scenario or of the set's assignments), or one or more roles. */
export interface Subject {
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
  if (m.roleIndex.has(key)) return key;
  const alias = m.roleAliases.get(key);
  if (alias !== undefined) return alias;
  return m.retiredRoles.find((r) => r.name === key)?.transferTo ?? key;
}

/** A user by name (the scenario's first, then the set's) or by title. */
export function resolveUser(set: LoadedSet, users: ScenarioUsers, text: string): Subject {
  const own = users.get(text);
  if (own) return { kind: 'user', label: `"${text}"`, user: text, roles: [...new Set(own.map((r) => canonicalRole(set, r)))] };
  const info = findUserInfo(set, text);
  if (info) return { kind: 'user', label: `"${text}"`, user: info.name, roles: info.roles };
  const candidates = [...users.keys(), ...set.model.users.map((u) => u.name), ...set.model.users.flatMap((u) => (u.title ? [u.title] : []))];
  const hint = suggestion(text, candidates);
  const role = set.model.roles.find((r) => r.name === text || fold(r.title) === fold(text));
  fail(
    `unknown user "${text}" in the set ${set.model.name}${hint}` +
      (role ? `; "${text}" is a role: write the role "${text}"` : '') +
      (hint || role ? '' : ` (users: ${quoteList([...users.keys(), ...set.model.users.map((u) => u.name)])}; or add one with: Given a user "${text}" with the role "…")`),
  );
}

/** Reads a subject phrase: `"alice"`, `the role "Team Lead"`, `the roles "A" and "B"`. */
export function resolveSubject(set: LoadedSet, users: ScenarioUsers, text: string): Subject {
  const roles = /^the roles? (.*)$/.exec(text);
  if (roles) {
    const names = quotedList(roles[1]!);
    const keys = names.map((n) => resolveRole(set, n).name);
    return { kind: 'roles', label: text, roles: [...new Set(keys)] };
  }
  const quoted = /^"([^"]*)"$/.exec(text);
  if (quoted) return resolveUser(set, users, quoted[1]!);
  fail(`cannot read "${text}" as a user ("alice") or roles (the role "Team Lead")`);
}

/** A row of a table: a role (by key or title) or a user (by name or title). */
export function resolveRowSubject(set: LoadedSet, users: ScenarioUsers, text: string, prefer: 'role' | 'user' | undefined): Subject {
  const cell = text.trim().replace(/^"(.*)"$/, '$1');
  if (prefer === 'user') return resolveUser(set, users, cell);
  if (prefer === 'role') return { kind: 'roles', label: `the role "${cell}"`, roles: [resolveRole(set, cell).name] };
  const m = set.model;
  const role = m.roleIndex.get(cell) ?? m.roleIndex.get(m.roleAliases.get(cell) ?? '') ?? m.roles.find((r) => fold(r.title) === fold(cell));
  const isUser = users.has(cell) || findUserInfo(set, cell) !== undefined;
  if (role && isUser) fail(`"${cell}" is both a role and a user: name the first column "role" or "user"`);
  if (role) return { kind: 'roles', label: `the role "${cell}"`, roles: [role.name] };
  if (isUser) return resolveUser(set, users, cell);
  const hint = suggestion(cell, [...m.roles.map((r) => r.title), ...m.roles.map((r) => r.name), ...users.keys(), ...m.users.map((u) => u.name)]);
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
  const m = set.model;
  const all = m.permissions;
  if (qualifier === undefined) {
    const byId = m.permissionIndex.get(name) ?? m.permissionIndex.get(m.permissionAliases.get(name) ?? '');
    if (byId) return byId;
    const byTitle = all.filter((p) => fold(p.title) === fold(name));
    if (byTitle.length === 1) return byTitle[0]!;
    if (byTitle.length > 1) {
      fail(
        `"${name}" names ${byTitle.length} permissions of the set ${m.name}: say which one, e.g. ` +
          byTitle.map((p) => `"${p.title}" "${qualifierOf(set, p)}" (${p.id})`).join(', '),
      );
    }
  } else {
    const n = fold(name);
    const q = fold(qualifier);
    const matches = all.filter((p) => {
      const action = m.actions.find((a) => a.name === p.action);
      const resource = m.resources.find((r) => r.name === p.resource);
      const category = m.categories.find((c) => c.name === p.category);
      const nameOk = fold(p.title) === n || p.action === name || (action !== undefined && fold(action.title) === n);
      const qualOk =
        p.resource === qualifier ||
        (resource !== undefined && fold(resource.title) === q) ||
        p.category === qualifier ||
        (category !== undefined && fold(category.title) === q);
      return nameOk && qualOk;
    });
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) fail(`"${name}" "${qualifier}" names ${matches.length} permissions: ${matches.map((p) => p.id).join(', ')}; write the id`);
  }
  const written = qualifier === undefined ? name : `${name} ${qualifier}`;
  const candidates = [
    ...all.map((p) => p.id),
    ...all.map((p) => p.title),
    ...all.map((p) => `${p.title} ${qualifierOf(set, p)}`),
    ...all.map((p) => `${m.actions.find((a) => a.name === p.action)?.title ?? p.action} ${m.resources.find((r) => r.name === p.resource)?.title ?? p.resource}`),
  ];
  const match = closest(written, candidates);
  let hint = '';
  if (match !== undefined) {
    const p = all.find((x) => x.id === match || x.title === match) ?? all.find((x) => `${x.title} ${qualifierOf(set, x)}` === match);
    hint = p ? `; did you mean ${describePermission(set, p)}?` : `; did you mean "${match}"?`;
  }
  fail(`unknown permission "${written}" in the set ${m.name}${hint}`);
}

/** The category title (or resource title) that tells a permission apart from others with its title. */
function qualifierOf(set: LoadedSet, p: PermissionInfo): string {
  const category = set.model.categories.find((c) => c.name === p.category);
  return category?.title ?? set.model.resources.find((r) => r.name === p.resource)?.title ?? p.resource;
}

// ---------------------------------------------------------------------------------------------
// Scopes

/** Words that may name what a scoped permission acts on; they do not change its meaning. */
const NOUNS = new Set([
  'records', 'record', 'groups', 'users', 'profiles', 'profile', 'accounts', 'logs', 'log', 'audit', 'sessions', 'session', 'active', 'items', 'entities', 'data',
]);

/** A scope level by name or title. */
export function resolveScope(set: LoadedSet, text: string): number {
  const m = set.model;
  const t = text.replace(/^"(.*)"$/, '$1');
  if (m.scopes.length === 0) fail(`the set ${m.name} has no scopes, so "${t}" means nothing here: drop it`);
  const s = m.scopes.find((x) => x.name === t) ?? m.scopes.find((x) => fold(x.title) === fold(t));
  if (s) return s.level;
  fail(`unknown scope "${t}" in the set ${m.name}${suggestion(t, m.scopes.map((x) => x.name))} (scopes, narrowest first: ${m.scopes.map((x) => x.name).join(', ')})`);
}

/** The level of the scope a natural phrase names: `own` → the scope "own" (else the narrowest), `all` → "all" (else the widest). */
function namedLevel(set: LoadedSet, name: 'own' | 'group' | 'all'): number {
  const m = set.model;
  if (m.scopes.length === 0) fail(`the set ${m.name} has no scopes: drop the scope phrase`);
  const s = m.scopes.find((x) => x.name === name);
  if (s) return s.level;
  if (name === 'own') return 0;
  if (name === 'all') return m.scopes.length - 1;
  fail(`the set ${m.name} has no scope "group" (scopes: ${m.scopes.map((x) => x.name).join(', ')}): write "at <scope>"`);
}

const SELF = /(?:^|\s)(?:for (?:herself|himself|themselves|itself|oneself)|(?:on )?(?:her|his|their|its|one's|the user's) own account|on (?:herself|himself|themselves|itself))$/;

/** What follows a permission in a check: its scope (a level, or undefined when none is named) and whether the subject acts on itself. */
export interface Tail {
  readonly level: number | undefined;
  readonly self: boolean;
  /** The phrase as written, for messages. */
  readonly text: string;
}

/**
 * Reads the words after a permission: an optional noun ("records"), a scope ("her own", "of
 * her group", "of group members", "all", "at group") and "for herself". Anything else fails:
 * a misspelt scope must never be read as "no scope".
 */
export function parseTail(set: LoadedSet, text: string): Tail {
  let s = fold(text);
  let self = false;
  const selfMatch = SELF.exec(s);
  if (selfMatch) {
    self = true;
    s = s.slice(0, selfMatch.index).trim();
  }
  const words = s
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => w.replace(/'s?$/, ''))
    .filter((w) => !NOUNS.has(w));
  const rest = words.join(' ');
  const level = scopePhrase(set, rest, text);
  return { level, self, text: text.trim() };
}

function scopePhrase(set: LoadedSet, s: string, written: string): number | undefined {
  if (s === '') return undefined;
  const at = /^(?:at|on|with) (?:the )?(?:scope |level )?(.+?)(?: (?:level|scope))?$/.exec(s);
  if (at) return resolveScope(set, at[1]!);
  if (/^(?:(?:of|for|in|from) )?(?:only )?(?:(?:her|his|their|its|one|the user) )?own(?: only)?$/.test(s)) return namedLevel(set, 'own');
  if (/^(?:only )?(?:created|owned) by (?:her|him|them|the user|themselves|herself|himself)$/.test(s)) return namedLevel(set, 'own');
  if (/^(?:(?:of|for|in|from) )?(?:(?:her|his|their|its|the) )?group(?: members)?$/.test(s)) return namedLevel(set, 'group');
  if (/^(?:(?:that|which) )?(?:she|he|they|it) belongs? to$/.test(s)) return namedLevel(set, 'group');
  if (/^(?:(?:of|for|in|from) )?(?:all|everyone|everybody|anyone|any|every)(?: (?:of them|members))?$/.test(s)) return namedLevel(set, 'all');
  const m = set.model;
  const bare = m.scopes.find((x) => x.name === s || fold(x.title) === s);
  if (bare) return bare.level;
  if (m.scopes.length === 0) fail(`the set ${m.name} has no scopes: cannot read "${written.trim()}"; drop it`);
  fail(
    `cannot read "${written.trim()}" as a scope: write "her own", "of her group", "of group members", "all", ` +
      `"at <scope>" or nothing (scopes of ${m.name}, narrowest first: ${m.scopes.map((x) => x.name).join(', ')})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Collections

/** A collection by the noun a step uses: connector/app/trigger/action → `connectors`, object → `objects`, or a name or title. */
export function resolveCollection(set: LoadedSet, noun: string): CollectionInfo {
  const m = set.model;
  const n = fold(noun).replace(/^"(.*)"$/, '$1');
  const conventional = /^(?:connectors?|apps?|triggers?|actions?)$/.test(n) ? 'connectors' : /^objects?$/.test(n) ? 'objects' : undefined;
  const name = conventional ?? n;
  const c = m.collectionIndex.get(name) ?? m.collections.find((x) => fold(x.title) === name);
  if (c) return c;
  const known = m.collections.map((x) => x.name);
  fail(
    `the set ${m.name} has no collection "${name}"` +
      (known.length > 0 ? `${suggestion(name, known)} (collections: ${known.join(', ')})` : ' (it has no collections at all)'),
  );
}

/** Describes an entry for messages: `slack/actions/send-message ("Send message")`. */
export function describeEntry(c: CollectionInfo, path: string): string {
  const e = c.entryIndex.get(path);
  return e && e.title !== path ? `${path} ("${e.title}")` : path;
}

/**
 * An entry of `c` by path, or by title (case-insensitive). `kind` narrows titles: `app` to
 * top-level entries, `trigger`/`action` to entries below `<app>/triggers/` or `<app>/actions/`;
 * `of` names the app a trigger or action belongs to.
 */
export function resolveEntry(c: CollectionInfo, text: string, kind: string, of: string | undefined): string {
  const k = kind.toLowerCase();
  const app = of === undefined ? undefined : resolveEntry(c, of, 'app', undefined);
  let path: string | undefined;
  if (c.entryIndex.has(text)) path = text;
  else if (app !== undefined && c.entryIndex.has(`${app}/${k === 'trigger' ? 'triggers' : k === 'action' ? 'actions' : ''}/${text}`.replace('//', '/'))) {
    path = `${app}/${k === 'trigger' ? 'triggers' : k === 'action' ? 'actions' : ''}/${text}`.replace('//', '/');
  } else {
    const folded = fold(text);
    const candidates = c.entries.filter((e) => {
      if (fold(e.title) !== folded) return false;
      if (app !== undefined && !e.path.startsWith(`${app}/`)) return false;
      if (k === 'app') return e.parent === undefined;
      if (k === 'trigger') return /^[^/]+\/triggers\/[^/]+$/.test(e.path);
      if (k === 'action') return /^[^/]+\/actions\/[^/]+$/.test(e.path);
      return true;
    });
    if (candidates.length === 1) path = candidates[0]!.path;
    else if (candidates.length > 1) fail(`"${text}" names ${candidates.length} entries of ${c.name}: ${candidates.map((e) => e.path).join(', ')}; write the path, or add of "<app>"`);
  }
  if (path === undefined) {
    const hint = suggestion(text, [...c.entries.map((e) => e.path), ...c.entries.map((e) => e.title)]);
    fail(`unknown ${k === 'entry' ? 'entry' : k} "${text}"${of ? ` of "${of}"` : ''} in ${c.name}${hint}; to check an entry added after the build, write a new ${k === 'object' ? 'object' : 'connector'} "${text}"`);
  }
  if (k === 'app' && path.includes('/')) fail(`"${text}" (${path}) is not an app: write the connector "${path}"`);
  if (k === 'trigger' && !/^[^/]+\/triggers\/./.test(path)) fail(`"${text}" (${path}) is not a trigger: write the connector "${path}"`);
  if (k === 'action' && !/^[^/]+\/actions\/./.test(path)) fail(`"${text}" (${path}) is not an action: write the connector "${path}"`);
  return path;
}
