/**
 * Roles defined at run time on the compiled catalog: what the source documents' admin screens
 * do (create a role, pick permissions and own/group/all levels, connectors and objects). Copied
 * into every generated module after its API (src/emit/runtime.ts).
 *
 * A definition is plain JSON, as an application stores it: `{ id, title, description?,
 * inherits?, grants, collections? }`, grants written as in the YAML language (`"records:view"`,
 * `{ "records:update": "group" }`, `"records:*"`, `"*"`). It becomes a row read by `can`,
 * `subject`, `canUse` and `widestScope` like a compiled role's (src/runtime/custom-rows.ts).
 * The rules of a grant are the compiler's (src/resolve/roles.ts): implications are applied at
 * the written level, an unscoped permission is held at the widest level, a scoped one needs a
 * level, `*` grants everything at the widest level.
 *
 * Never throws: anything that is not a valid definition (wrong types, unknown fields, prototype
 * keys, accessors, proxies) gets errors with a JSON Pointer path; sizes are bounded before any
 * loop, so time is bounded too.
 */
import type { Subject } from "./api.js";
import { hasBit, isIndex } from "./bits.js";
import { CUSTOM, CUSTOM_STRIDE, MAX_CUSTOM_ROLES, clearCustomRow, customRow, emptyRows, addRole, storeCustomRow, SUBJECT_ROWS } from "./custom-rows.js";
import type { RoleRows } from "./custom-rows.js";
import { BITS, COLLECTION_MODES, COLLECTIONS, IMPLIES, Permission, RESOURCES, RETIRED_ENTRIES, RETIRED_PERMISSIONS, Role, ROLE_SUCCESSOR, ROWS, Scope, SCOPE_ORDER, SCOPED, WORDS } from "./data.js";
import type { RoleNo } from "./data.js";

/** One grant, as in the YAML language: a permission id, `resource:*` or `*`, or `{ [id]: level }` for a scoped one. */
export type RoleGrant = string | { readonly [permission: string]: string };

/** A collection rule: a mode the collection offers, and entries for `allow` and `except`. */
export interface RoleCollectionRule {
  readonly mode: "all" | "allow" | "except";
  readonly entries?: readonly string[];
}

/** A role definition as an application stores it (by ids, never by numbers). */
export interface RoleDefinition {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly inherits?: readonly string[];
  readonly grants: readonly RoleGrant[];
  readonly collections?: { readonly [collection: string]: RoleCollectionRule };
}

/** A problem with a definition: where (a JSON Pointer into it, "" for the whole), what, and how to fix it. */
export interface DefinitionProblem {
  readonly path: string;
  readonly reason: string;
  readonly hint?: string;
}

/** What `defineRole` returns: the role number and the canonical definition, or the errors. Warnings in both cases. */
export type DefineRoleResult =
  | {
      readonly ok: true;
      readonly role: RoleNo;
      /** The id the module knows the role by (`roleNo`, `check`, `storedRoles`, `removeRole`): `namespace/id` when defined in a namespace, else the definition's id. */
      readonly id: string;
      readonly definition: RoleDefinition;
      readonly warnings: readonly DefinitionProblem[];
    }
  | { readonly ok: false; readonly errors: readonly DefinitionProblem[]; readonly warnings: readonly DefinitionProblem[] };

/** What `checkRoleDefinition` returns: the canonical definition, or the errors. Warnings in both cases. */
export type CheckRoleResult =
  | { readonly ok: true; readonly definition: RoleDefinition; readonly warnings: readonly DefinitionProblem[] }
  | { readonly ok: false; readonly errors: readonly DefinitionProblem[]; readonly warnings: readonly DefinitionProblem[] };

/** Options of `defineRole` and `checkRoleDefinition`. */
export interface DefineRoleOptions {
  /**
   * Who defines (or edits) the role: a subject or a role number. The definition is rejected
   * when it gives anything this creator does not hold at that level or wider, or inherits a
   * role the creator does not fully hold. Leave it out only for trusted input (loading what
   * was accepted before).
   */
  readonly grantedBy?: Subject | RoleNo;
  /**
   * The tenant (or any owner) the role belongs to, for an application that serves many: the
   * role is known as `namespace/id`, so two tenants may both define "night-shift", and no id a
   * compiled set adds later can meet it (compiled ids never contain "/"). The stored definition
   * keeps the tenant's own id. A namespace is written as an id is.
   */
  readonly namespace?: string;
}

// Bounds on input size: beyond them a definition is rejected before it is read further.
const MAX_GRANTS = 4096;
const MAX_INHERITS = 64;
const MAX_ENTRIES = 4096;
const MAX_TEXT = 1024;
const MAX_ERRORS = 50;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const FIELDS = ["id", "title", "description", "inherits", "grants", "collections"];

/** The canonical (active) id of each permission number: the first id of each number (previous ids follow the active ones). */
const PERMISSION_IDS: (string | undefined)[] = [];
for (const [id, no] of Object.entries(Permission) as [string, number][]) if (PERMISSION_IDS[no] === undefined) PERMISSION_IDS[no] = id;
const PERMISSION_BY_ID = new Map<unknown, number>(Object.entries(Permission));
const ROLE_BY_ID = new Map<unknown, number>(Object.entries(Role));
/** Compiled roles' canonical ids by number. */
const ROLE_IDS: (string | undefined)[] = [];
for (const [id, no] of Object.entries(Role) as [string, number][]) if (ROLE_IDS[no] === undefined) ROLE_IDS[no] = id;
/** Scope ids to level index (0 = narrowest). */
const LEVEL_BY_ID = new Map<unknown, number>(Object.entries(Scope).map(([id, no]) => [id, SCOPE_ORDER.indexOf(no as never)]));
const WIDEST_LEVEL = SCOPE_ORDER.length - 1;
/** Canonical definitions of the run-time roles, by row. */
const DEFINITIONS: (RoleDefinition | undefined)[] = [];
/** The namespace of each run-time role, by row ("" for none). */
const NAMESPACES: string[] = [];

/** A JSON Pointer (RFC 6901) to a place in the definition. */
const pointer = (...parts: (string | number)[]) => {
  let out = "";
  for (const p of parts) out += typeof p === "number" ? `/${p}` : `/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return out;
};
/** Canonical `{ permission: level }` grants, shared: they are frozen, and there are at most permissions × levels of them. */
const LEVELLED_GRANTS = new Map<string, Map<string, RoleGrant>>();
const levelledGrant = (permission: string, level: string): RoleGrant => {
  let byLevel = LEVELLED_GRANTS.get(permission);
  if (byLevel === undefined) LEVELLED_GRANTS.set(permission, (byLevel = new Map()));
  let grant = byLevel.get(level);
  if (grant === undefined) byLevel.set(level, (grant = Object.freeze({ [permission]: level })));
  return grant;
};
const show = (value: unknown) => {
  const text = typeof value === "string" ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
  return text;
};

/** The own data properties of a plain object (prototype Object or null), or undefined for anything else: arrays, class instances, accessors. */
function plainEntries(value: unknown): [string, unknown][] | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: [string, unknown][] = [];
  // Own enumerable string keys: what JSON has (symbols and hidden properties are no JSON).
  const keys = Object.keys(value);
  if (keys.length > MAX_GRANTS) return undefined;
  for (const key of keys) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d === undefined || !("value" in d)) return undefined;
    out.push([key, d.value]);
  }
  return out;
}

/** The items of a real array (no holes, no accessors), or undefined. */
function arrayItems(value: unknown, max: number): unknown[] | "too-long" | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length > max) return "too-long";
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const d = Object.getOwnPropertyDescriptor(value, i);
    if (d === undefined || !("value" in d)) return undefined;
    out.push(d.value);
  }
  return out;
}

/** Edit distance, for did-you-mean hints (bounded: callers pass short strings). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidate nearest to `text`, when near enough to be a likely typo. */
function closest(text: string, candidates: Iterable<string>): string | undefined {
  if (text.length > 100) return undefined;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(text.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(text.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** A did-you-mean hint for an unknown permission id: its resource's actions, or the nearest id. */
function permissionHint(text: string): string {
  const colon = text.indexOf(":");
  const resource = colon < 0 ? text : text.slice(0, colon);
  const actions = RESOURCES.get(resource);
  if (actions !== undefined) {
    const names = actions.map((n) => PERMISSION_IDS[n]!.slice(resource.length + 1));
    const near = colon < 0 ? undefined : closest(text.slice(colon + 1), names);
    return near !== undefined ? `did you mean \`${resource}:${near}\`?` : `\`${resource}\` has the actions ${names.join(", ")}${colon < 0 ? `; grant \`${resource}:*\` for all of them` : ""}`;
  }
  const near = closest(text, PERMISSION_BY_ID.keys() as Iterable<string>);
  return near !== undefined ? `did you mean \`${PERMISSION_IDS[PERMISSION_BY_ID.get(near)!]}\`?` : "a permission id is resource:action, as in the catalog";
}

/** Sets the bits of `permission` at `level` and every narrower level. */
function give(access: Uint32Array, permission: number, level: number): void {
  for (let l = 0; l <= level; l++) access[SCOPE_ORDER[l]! * WORDS + (permission >>> 5)]! |= 1 << (permission & 31);
}

/**
 * Calls `each(permission, level)` for what one grant gives: its permissions and what their
 * actions imply on their resource, scoped ones at `level`, the others at the widest (the rule of
 * src/resolve/roles.ts `eachGiven`).
 */
function eachGiven(permissions: readonly number[], level: number, each: (permission: number, level: number) => void): void {
  for (const p of permissions) {
    each(p, hasBit(SCOPED, 0, p) ? level : WIDEST_LEVEL);
    const implied = IMPLIES.get(p);
    if (implied !== undefined) for (const q of implied) each(q, hasBit(SCOPED, 0, q) ? level : WIDEST_LEVEL);
  }
}

/** Whether every bit of `mine` is in `theirs` (access and collections). */
function within(mine: RoleRows, theirs: RoleRows): boolean {
  for (let w = 0; w < CUSTOM_STRIDE; w++) if ((mine.access[w]! & ~theirs.access[w]!) !== 0) return false;
  for (const [name, row] of mine.collections) {
    const other = theirs.collections.get(name)!;
    for (let w = 0; w < row.allowed.length; w++) if ((row.allowed[w]! & ~other.allowed[w]!) !== 0 || (row.under[w]! & ~other.under[w]!) !== 0) return false;
    if (row.top && !other.top) return false;
  }
  return true;
}

/** The level name of a level index (for messages). */
function levelName(level: number): string {
  for (const [id, l] of LEVEL_BY_ID) if (l === level) return id as string;
  return "the widest level";
}

/**
 * Defines a role at run time, or edits one defined before (same id: same number, new rows;
 * subjects built earlier keep what they combined). Returns the role's number, usable wherever
 * a compiled role number is, and the canonical definition to store (current ids, renamed ids
 * mapped, retired permissions dropped with a warning); or every error found, each with the
 * JSON Pointer of its place in the definition. Never throws.
 */
export function defineRole(definition: unknown, options?: DefineRoleOptions): DefineRoleResult {
  return readDefinition(definition, options, true) as DefineRoleResult;
}

/**
 * Checks a definition as `defineRole` does (escalation included, with `options.grantedBy`)
 * without installing it: for a role editor's "save" button, or to audit stored definitions.
 */
export function checkRoleDefinition(definition: unknown, options?: DefineRoleOptions): CheckRoleResult {
  return readDefinition(definition, options, false) as CheckRoleResult;
}

function readDefinition(definition: unknown, options: DefineRoleOptions | undefined, install: boolean): DefineRoleResult | CheckRoleResult {
  const errors: DefinitionProblem[] = [];
  const warnings: DefinitionProblem[] = [];
  try {
    return readInto(definition, options, install, errors, warnings);
  } catch {
    // A proxy or an exotic object that throws when read: a definition is plain JSON.
    return { ok: false, errors: [...errors.slice(0, MAX_ERRORS), { path: "", reason: "the definition could not be read as plain JSON" }], warnings };
  }
}

function readInto(definition: unknown, options: DefineRoleOptions | undefined, install: boolean, errors: DefinitionProblem[], warnings: DefinitionProblem[]): DefineRoleResult | CheckRoleResult {
  const fail = (): DefineRoleResult => ({ ok: false, errors: Object.freeze(errors.slice(0, MAX_ERRORS)), warnings: Object.freeze(warnings) });
  const error = (path: string, reason: string, hint?: string) => {
    errors.push(hint === undefined ? { path, reason } : { path, reason, hint });
  };
  const fields = plainEntries(definition);
  if (fields === undefined) {
    error("", "a role definition is a JSON object", "{ \"id\": …, \"title\": …, \"grants\": […] }");
    return fail();
  }
  const field = new Map(fields);
  for (const [key] of fields) {
    if (!FIELDS.includes(key)) {
      const near = closest(key, FIELDS);
      error(pointer(key), `unknown field ${show(key)}`, near !== undefined ? `did you mean \`${near}\`?` : `the fields are ${FIELDS.join(", ")}`);
    }
  }
  let options_ = options;
  if (options_ !== undefined && (typeof options_ !== "object" || options_ === null)) options_ = undefined;
  const namespace = options_?.namespace;
  if (namespace !== undefined && (typeof namespace !== "string" || namespace.length > 128 || !KEY.test(namespace))) {
    error("", "options.namespace is not a namespace", "a namespace is written as an id: ASCII letters, digits, '_', '.' and '-' (at most 128), such as a tenant id");
  }

  // id and title.
  const id = field.get("id");
  if (typeof id !== "string" || id.length > 128 || !KEY.test(id)) {
    error("/id", typeof id === "string" ? `${show(id)} is not a role id` : "the id is missing or not a string", "an id is ASCII letters, digits, '_', '.' and '-', starting with a letter, digit or '_' (at most 128)");
  } else if (namespace === undefined && (ROLE_BY_ID.has(id) || ROLE_SUCCESSOR.has(id))) {
    error("/id", `\`${id}\` is a role of the compiled set`, "pick another id; run-time roles cannot replace compiled ones");
  }
  const title = field.get("title");
  if (typeof title !== "string" || title.trim() === "" || title.length > MAX_TEXT) error("/title", "the title is missing, blank, too long or not a string", "a title is the name people read, such as \"Night Shift\"");
  const description = field.get("description");
  if (description !== undefined && (typeof description !== "string" || description.length > 16 * MAX_TEXT)) error("/description", "the description is not a string (or too long)");

  const rows = emptyRows();
  const grantRows: { path: () => string; permissions: readonly number[]; level: number }[] = [];

  // Inherits: compiled roles by id (previous ids and retired roles followed).
  const inherits: string[] = [];
  const inheritRoles: { path: string; role: RoleNo }[] = [];
  const inheritsValue = field.get("inherits");
  if (inheritsValue !== undefined) {
    const items = arrayItems(inheritsValue, MAX_INHERITS);
    if (items === "too-long") error("/inherits", `more than ${MAX_INHERITS} inherited roles`);
    else if (items === undefined) error("/inherits", "inherits is a list of role ids", "write [\"role-id\", …]");
    else
      items.forEach((item, i) => {
        const path = pointer("inherits", i);
        if (typeof item !== "string" || item.length > MAX_TEXT) return error(path, `${show(item)} is not a role id`);
        let target = ROLE_SUCCESSOR.get(item) ?? (ROLE_BY_ID.has(item) ? item : undefined);
        if (target === undefined) {
          const near = closest(item, ROLE_BY_ID.keys() as Iterable<string>);
          return error(
            path,
            CUSTOM.byId.has(item) ? `\`${item}\` is a run-time role; run-time roles inherit compiled roles only` : `unknown role \`${item}\``,
            near !== undefined ? `did you mean \`${ROLE_IDS[ROLE_BY_ID.get(near)!]}\`?` : "inherits names roles of the compiled set",
          );
        }
        target = ROLE_IDS[ROLE_BY_ID.get(target)!]!;
        if (target !== item) warnings.push({ path, reason: ROLE_BY_ID.has(item) ? `role \`${item}\` was renamed to \`${target}\`` : `role \`${item}\` was retired; its users and heirs transfer to \`${target}\`` });
        if (inherits.includes(target)) return error(path, `\`${target}\` is inherited twice`, "list each role once");
        inherits.push(target);
        inheritRoles.push({ path, role: ROLE_BY_ID.get(target)! as RoleNo });
      });
  }
  for (const { role } of inheritRoles) addRole(rows, role);

  // Grants.
  const grants: RoleGrant[] = [];
  const seen = new Set<string>();
  const grantsValue = field.get("grants");
  const grantItems = arrayItems(grantsValue, MAX_GRANTS);
  if (grantItems === "too-long") error("/grants", `more than ${MAX_GRANTS} grants`);
  else if (grantItems === undefined) error("/grants", grantsValue === undefined ? "grants is missing" : "grants is a list", "write [\"records:view\", { \"records:update\": \"group\" }, …]");
  else {
    for (let i = 0; i < grantItems.length && errors.length < MAX_ERRORS; i++) {
      const item = grantItems[i];
      // Paths are built only when reported: most grants have nothing to report.
      const path = () => pointer("grants", i);
      let text: unknown;
      let levelText: unknown;
      if (typeof item === "string") text = item;
      else {
        const entries = plainEntries(item);
        if (entries === undefined || entries.length !== 1) {
          error(path(), "a grant is a permission id or an object with one key: { \"permission\": \"level\" }");
          continue;
        }
        [text, levelText] = entries[0]!;
        if (typeof levelText !== "string") {
          error(pointer("grants", i, text as string), `the level of \`${show(text)}\` is not a string`);
          continue;
        }
      }
      if (typeof text !== "string" || text.length > MAX_TEXT) {
        error(path(), "a grant names a permission id, `resource:*` or `*`");
        continue;
      }
      const levelPath = () => (levelText === undefined ? path() : pointer("grants", i, text as string));
      // Target: *, resource:*, or a permission (previous ids mapped, retired ones dropped).
      let permissions: number[];
      let canonical: string;
      let scoped: boolean;
      if (text === "*") {
        permissions = [];
        for (let p = 0; p < BITS; p++) if (PERMISSION_IDS[p] !== undefined) permissions.push(p);
        canonical = "*";
        scoped = false;
        if (levelText !== undefined) {
          error(levelPath(), "`*` always grants the widest level and takes none", "write \"*\"");
          continue;
        }
      } else if (text.endsWith(":*") && !text.slice(0, -2).includes("*")) {
        const resource = text.slice(0, -2);
        const list = RESOURCES.get(resource);
        if (list === undefined) {
          const near = closest(resource, RESOURCES.keys());
          error(path(), `unknown resource \`${resource}\``, near !== undefined ? `did you mean \`${near}:*\`?` : "a wildcard is `*` or `resource:*` for a resource of the catalog");
          continue;
        }
        permissions = [...list];
        canonical = text;
        scoped = list.some((p) => hasBit(SCOPED, 0, p));
      } else if (text.includes("*")) {
        error(path(), `\`${text}\` is not a valid wildcard`, "a wildcard is `*` (everything) or `resource:*` (every action of one resource)");
        continue;
      } else {
        const no = PERMISSION_BY_ID.get(text);
        if (no === undefined) {
          if (RETIRED_PERMISSIONS.has(text)) {
            warnings.push({ path: path(), reason: `permission \`${text}\` no longer exists in this version of the catalog; the grant gives nothing and is left out` });
            continue;
          }
          error(path(), `unknown permission \`${text}\``, permissionHint(text));
          continue;
        }
        canonical = PERMISSION_IDS[no]!;
        if (canonical !== text) warnings.push({ path: path(), reason: `permission \`${text}\` was renamed to \`${canonical}\`` });
        permissions = [no];
        scoped = hasBit(SCOPED, 0, no);
      }
      // Level: scoped targets need one; unscoped take none.
      let level = WIDEST_LEVEL;
      if (levelText === undefined) {
        if (scoped) {
          error(path(), `\`${canonical}\` is scoped: the grant must name a level`, `write { ${JSON.stringify(canonical)}: ${JSON.stringify(levelName(0))} } (levels, narrowest first: ${[...LEVEL_BY_ID.keys()].join(", ")}); there is no default level`);
          continue;
        }
      } else {
        if (!scoped) {
          error(levelPath(), `\`${canonical}\` is not scoped, so the grant cannot name a level`, `write ${JSON.stringify(canonical)}`);
          continue;
        }
        const l = LEVEL_BY_ID.get(levelText);
        if (l === undefined) {
          const near = closest(levelText as string, LEVEL_BY_ID.keys() as Iterable<string>);
          error(levelPath(), `${show(levelText)} is not a level of this set`, `${near !== undefined ? `did you mean \`${near}\`? ` : ""}levels, narrowest first: ${[...LEVEL_BY_ID.keys()].join(", ")}`);
          continue;
        }
        level = l;
      }
      if (seen.has(canonical)) {
        error(path(), `\`${canonical}\` is granted twice`, "keep one grant, with the widest level you mean");
        continue;
      }
      seen.add(canonical);
      eachGiven(permissions, level, (p, l) => give(rows.access, p, l));
      grantRows.push({ path, permissions, level });
      grants.push(levelText === undefined ? canonical : levelledGrant(canonical, levelText as string));
    }
  }

  // Collections.
  const collections: Record<string, RoleCollectionRule> = {};
  const collectionRows: { path: string; rows: RoleRows }[] = [];
  const collectionsValue = field.get("collections");
  if (collectionsValue !== undefined) {
    const entries = plainEntries(collectionsValue);
    if (entries === undefined) error("/collections", "collections is an object: { \"<collection>\": { \"mode\": …, \"entries\": […] } }");
    else
      for (const [name, rule] of entries) {
        const path = pointer("collections", name);
        const table = COLLECTIONS.get(name);
        const modes = COLLECTION_MODES.get(name);
        if (table === undefined || modes === undefined) {
          // A collection of an earlier version: its rule can allow nothing now (canUse denies unknown collections).
          if (RETIRED_ENTRIES.has(name)) {
            warnings.push({ path, reason: `collection \`${name}\` no longer exists in this version of the catalog; the rule gives nothing and is left out` });
            continue;
          }
          const near = closest(name, COLLECTIONS.keys());
          error(path, `unknown collection ${show(name)}`, near !== undefined ? `did you mean \`${near}\`?` : `the collections are ${[...COLLECTIONS.keys()].join(", ") || "none"}`);
          continue;
        }
        const ruleFields = plainEntries(rule);
        if (ruleFields === undefined) {
          error(path, "a collection rule is { \"mode\": …, \"entries\": […] }");
          continue;
        }
        const ruleField = new Map(ruleFields);
        for (const [k] of ruleFields) if (k !== "mode" && k !== "entries") error(pointer("collections", name, k), `unknown field ${show(k)}`, "a collection rule has mode and entries");
        const mode = ruleField.get("mode");
        if (!modes.includes(mode as never)) {
          error(pointer("collections", name, "mode"), `${show(mode)} is not a mode \`${name}\` offers`, `\`${name}\` offers: ${modes.join(", ")}`);
          continue;
        }
        const listed = ruleField.get("entries");
        const row = emptyRows();
        const mine = row.collections.get(name)!;
        const known: number[] = [];
        table.paths.forEach((p, no) => {
          if (p !== null) known.push(no);
        });
        if (mode === "all") {
          if (listed !== undefined && !(Array.isArray(listed) && listed.length === 0)) {
            error(pointer("collections", name, "entries"), "mode `all` takes no entries", "remove the entries, or use mode `allow` (only these) or `except` (all but these)");
            continue;
          }
          for (const no of known) mine.allowed[no >>> 5]! |= 1 << (no & 31);
          mine.under.set(mine.allowed);
          mine.top = true;
          collections[name] = { mode };
        } else {
          const items = arrayItems(listed, MAX_ENTRIES);
          if (items === undefined || items === "too-long" || items.length === 0) {
            error(pointer("collections", name, "entries"), items === "too-long" ? `more than ${MAX_ENTRIES} entries` : `mode \`${mode}\` needs a list of entries`, mode === "allow" ? "list the entries to allow" : "list the entries to exclude; to allow everything, use mode `all`");
            continue;
          }
          const paths: string[] = [];
          const subtree = new Uint32Array(table.words);
          let bad = false;
          const retired = RETIRED_ENTRIES.get(name);
          items.forEach((entry, j) => {
            const at = pointer("collections", name, "entries", j);
            if (typeof entry === "string" && retired?.has(entry) && !table.index.has(entry)) {
              // Left out of `allow`, it narrows; left out of `except`, it would widen (the path would
              // read as an unknown entry, allowed under except): fail closed and ask for a new save.
              if (mode === "allow") return warnings.push({ path: at, reason: `entry \`${entry}\` of \`${name}\` no longer exists in this version of the catalog; it is left out` });
              bad = true;
              return error(at, `entry \`${entry}\` of \`${name}\` no longer exists in this version of the catalog`, "remove it from the exceptions and save the role again (leaving it out here would allow what it excluded)");
            }
            if (typeof entry !== "string" || !table.index.has(entry)) {
              bad = true;
              const near = typeof entry === "string" ? closest(entry, table.index.keys()) : undefined;
              return error(at, typeof entry === "string" ? `unknown entry \`${entry.slice(0, 80)}\` in collection \`${name}\`` : `${show(entry)} is not an entry`, near !== undefined ? `did you mean \`${near}\`?` : undefined);
            }
            if (paths.includes(entry)) {
              bad = true;
              return error(at, `entry \`${entry}\` is listed twice`, "list each entry once");
            }
            paths.push(entry);
            // The entry and its descendants.
            for (const no of known) {
              const p = table.paths[no]!;
              if (p === entry || (p.length > entry.length && p.charCodeAt(entry.length) === 47 && p.startsWith(entry))) subtree[no >>> 5]! |= 1 << (no & 31);
            }
          });
          if (bad) continue;
          if (paths.length === 0) {
            // Every listed entry is gone (allow only, see above): the rule allows nothing now.
            warnings.push({ path, reason: `every entry the rule allowed no longer exists; the rule gives nothing and is left out` });
            continue;
          }
          // allow: the listed subtrees, and entries added below them after the build (src/model/collections.ts ruleAccess).
          if (mode === "allow") mine.allowed.set(subtree);
          else {
            for (const no of known) if (!hasBit(subtree, 0, no)) mine.allowed[no >>> 5]! |= 1 << (no & 31);
            mine.top = true;
          }
          mine.under.set(mine.allowed);
          collections[name] = { mode: mode as "allow" | "except", entries: paths };
        }
        const target = rows.collections.get(name)!;
        for (let w = 0; w < table.words; w++) {
          target.allowed[w]! |= mine.allowed[w]!;
          target.under[w]! |= mine.under[w]!;
        }
        target.top ||= mine.top;
        collectionRows.push({ path, rows: row });
      }
  }

  // No escalation: each part of the definition must be within what the creator holds.
  const grantedBy = options_?.grantedBy;
  if (options_ !== undefined && "grantedBy" in options_ && errors.length === 0) {
    let creator: RoleRows | undefined = typeof grantedBy === "object" && grantedBy !== null ? SUBJECT_ROWS.get(grantedBy) : undefined;
    if (creator === undefined && (isIndex(grantedBy, ROWS) || customRow(grantedBy) >= 0)) {
      creator = emptyRows();
      addRole(creator, grantedBy as RoleNo);
    }
    if (creator === undefined) error("", "grantedBy is neither a subject nor a role of this module", "pass the subject of the user who defines the role");
    else {
      const c = creator;
      for (const { path, role } of inheritRoles) {
        const theirs = emptyRows();
        addRole(theirs, role);
        if (!within(theirs, c)) error(path, `inherits \`${ROLE_IDS[role]}\`, which gives more than the creator holds`, "a role can inherit only roles its creator fully holds");
      }
      for (const g of grantRows) {
        // A grant at a level sets every narrower plane too, so the creator's bit at that level is the test.
        const lacking: string[] = [];
        eachGiven(g.permissions, g.level, (p, l) => {
          if (lacking.length >= 5 || hasBit(c.access, SCOPE_ORDER[l]! * WORDS, p)) return;
          const text = hasBit(SCOPED, 0, p) ? `\`${PERMISSION_IDS[p]}\` at \`${levelName(l)}\`` : `\`${PERMISSION_IDS[p]}\``;
          if (!lacking.includes(text)) lacking.push(text);
        });
        if (lacking.length > 0) error(g.path(), `grants ${lacking.join(", ")}, which the creator does not hold${lacking.length === 5 ? " (and more)" : ""}`, "a role can grant only what its creator holds, at that level or wider");
      }
      for (const { path, rows: r } of collectionRows) if (!within(r, c)) error(path, "allows entries the creator cannot use", "a role can allow only the entries its creator can use");
      // Whatever the parts, the whole must be within the creator (INVARIANT of the check).
      if (errors.length === 0 && !within(rows, c)) error("", "the role gives more than the creator holds");
    }
  }

  if (errors.length > 0) return fail();
  const canonical: RoleDefinition = Object.freeze({
    id: id as string,
    title: title as string,
    ...(description === undefined ? {} : { description: description as string }),
    ...(inherits.length > 0 ? { inherits: Object.freeze(inherits) } : {}),
    grants: Object.freeze(grants),
    ...(Object.keys(collections).length > 0 ? { collections: Object.freeze(collections) } : {}),
  });
  if (!install) return { ok: true, definition: canonical, warnings: Object.freeze(warnings) };
  const key = namespace === undefined ? (id as string) : `${namespace}/${id as string}`;
  const existing = CUSTOM.byId.get(key);
  if (existing === undefined && CUSTOM.count >= MAX_CUSTOM_ROLES) {
    error("", `this module already holds ${MAX_CUSTOM_ROLES} run-time roles`);
    return fail();
  }
  const role = storeCustomRow(key, rows, existing === undefined ? CUSTOM.count : customRow(existing));
  CUSTOM.byId.set(key, role);
  DEFINITIONS[customRow(role)] = canonical;
  NAMESPACES[customRow(role)] = namespace ?? "";
  return { ok: true, role, id: key, definition: canonical, warnings: Object.freeze(warnings) };
}

/** The canonical definition of a run-time role (by number, or by the id `defineRole` gave it: `namespace/id` in a namespace), to store or show; undefined for anything else. */
export function roleDefinition(role: RoleNo | string): RoleDefinition | undefined {
  const r = customRow(typeof role === "string" ? CUSTOM.byId.get(role) : role);
  return r < 0 ? undefined : DEFINITIONS[r];
}

/** The canonical definitions of the run-time roles of this process, in the order defined: those of one namespace when given, else every one. */
export function customRoles(namespace?: string): readonly RoleDefinition[] {
  const out: RoleDefinition[] = [];
  DEFINITIONS.forEach((d, r) => {
    if (d !== undefined && (namespace === undefined || NAMESPACES[r] === namespace)) out.push(d);
  });
  return out;
}

/** Removes a run-time role (by the id `defineRole` gave it): its number denies everything from now on (never reused). Returns whether there was one. */
export function removeRole(id: string): boolean {
  const role = CUSTOM.byId.get(id);
  if (role === undefined) return false;
  const r = customRow(role);
  CUSTOM.byId.delete(id);
  DEFINITIONS[r] = undefined;
  clearCustomRow(r);
  return true;
}
