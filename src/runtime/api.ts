/**
 * The functions a generated module exports: checks by number (the hot path), subjects, checks
 * by id, collection entries, stored role ids. Copied verbatim into every generated module after
 * its data (src/emit/runtime.ts): the names it reads are the module's own declarations, as the
 * data contract in src/runtime/data.ts describes them.
 *
 * Fail closed: the module enforces access in production, so every function denies (or returns
 * `undefined`) for anything outside the compiled domain: a number from a newer lockfile, a
 * negative, fractional or non-finite number, a non-number from plain JavaScript, a string that
 * is not an id, a scope past the widest. Wrong argument types deny too; nothing here throws.
 *
 * Default role: a subject with no roles at all (an empty list) holds the set's `defaultRole`, as
 * in the CLI, `diff`, the Gherkin steps and the reference evaluator. A list whose roles are all
 * unknown holds nothing: an unknown role never falls back to the default.
 */
import { hasBit, isIndex } from "./bits.js";
import { entryAllowed } from "./collection-table.js";
import { CUSTOM, CUSTOM_BASE, CUSTOM_STRIDE, customRow, rowsOfRoles, SUBJECT_ROWS } from "./custom-rows.js";
import {
  ACCESS,
  BITS,
  COLLECTIONS,
  DEFAULT_ROLE,
  Permission,
  PLANE,
  PLANES,
  Role,
  ROLE_SUCCESSOR,
  ROWS,
  Scope,
  SCOPE_ORDER,
  SELF_RESTRICTED,
  WIDEST,
  WORDS,
} from "./data.js";
import type { CollectionId, DeprecatedPermissionId, DeprecatedRoleId, EntryId, PermissionId, PermissionNo, RetiredRoleId, RoleId, RoleNo, ScopeId, ScopeNo } from "./data.js";

/**
 * Whether `role` may perform `permission` at `scope` (default: the widest scope). With
 * `targetIsSelf` (any truthy value), the subject acts on itself: self-restricted permissions
 * never apply. The hot path: three unsigned range checks, a shift, a mask and an array load.
 */
export function can(role: RoleNo, permission: PermissionNo, scope: ScopeNo = WIDEST, targetIsSelf = false): boolean {
  // INVARIANT: after these checks every index below is inside its row and plane, so no number
  // (from a newer lockfile, -1, 2.5, NaN, "3") reads a neighbouring role's row or scope's plane.
  if (!isIndex(permission, BITS) || !isIndex(scope, PLANES)) return false;
  const word = permission >>> 5;
  const mask = 1 << (permission & 31);
  if (targetIsSelf && (SELF_RESTRICTED[word]! & mask) !== 0) return false;
  if (isIndex(role, ROWS)) return (ACCESS[scope * PLANE + role * WORDS + word]! & mask) !== 0;
  // A role defined at run time (defineRole): its own row, read the same way. A removed role's
  // row is all zero, so the range check is all the hot path needs (customRow checks more).
  if (typeof role !== "number") return false;
  const r = role - CUSTOM_BASE;
  return r >>> 0 === r && r < CUSTOM.count && (CUSTOM.access[r * CUSTOM_STRIDE + scope * WORDS + word]! & mask) !== 0;
}

/**
 * The widest scope at which `role` holds `permission`, or undefined when it holds it at none:
 * for list queries ("own" → `owner = me`, "group" → `group in mine`, widest → no filter).
 * A set without scopes has one plane, number 0.
 */
export function widestScope(role: RoleNo, permission: PermissionNo): ScopeNo | undefined {
  for (let l = SCOPE_ORDER.length - 1; l >= 0; l--) if (can(role, permission, SCOPE_ORDER[l]!)) return SCOPE_ORDER[l];
  return undefined;
}

/** The roles a subject is built from: the valid numbers of `roles` (each once), or the default role for an empty list. */
function heldRoles(roles: readonly RoleNo[], useDefault: boolean): RoleNo[] {
  if (!Array.isArray(roles)) return [];
  if (roles.length === 0) return DEFAULT_ROLE === undefined || !useDefault ? [] : [DEFAULT_ROLE];
  const held: RoleNo[] = [];
  for (const role of roles as readonly unknown[]) if ((isIndex(role, ROWS) || customRow(role) >= 0) && !held.includes(role as RoleNo)) held.push(role as RoleNo);
  return held;
}

/** A user's roles combined once: checks on a subject cost the same as on a single role. */
export class Subject {
  /** The roles held: the valid role numbers given, or the default role when none was given. */
  readonly roles: readonly RoleNo[];
  private readonly bits: Uint32Array;
  private readonly collections: Map<string, { readonly allowed: Uint32Array; readonly under: Uint32Array; top: boolean }>;

  /**
   * Combines `roles`; numbers outside the compiled domain are dropped. An empty list holds the
   * default role, unless `useDefault` is false (a list that was emptied by dropping unknown ids).
   */
  constructor(roles: readonly RoleNo[], useDefault = true) {
    const held = heldRoles(roles, useDefault);
    this.roles = Object.freeze(held);
    const rows = rowsOfRoles(held);
    this.bits = rows.access;
    this.collections = rows.collections;
    SUBJECT_ROWS.set(this, rows);
  }

  /** Whether any of the subject's roles allows `permission` at `scope` (default: the widest). */
  can(permission: PermissionNo, scope: ScopeNo = WIDEST, targetIsSelf = false): boolean {
    if (!isIndex(permission, BITS) || !isIndex(scope, PLANES)) return false;
    const word = permission >>> 5;
    const mask = 1 << (permission & 31);
    if (targetIsSelf && (SELF_RESTRICTED[word]! & mask) !== 0) return false;
    return (this.bits[scope * WORDS + word]! & mask) !== 0;
  }

  /** The widest scope at which any of the subject's roles holds `permission`, or undefined. */
  widestScope(permission: PermissionNo): ScopeNo | undefined {
    for (let l = SCOPE_ORDER.length - 1; l >= 0; l--) if (this.can(permission, SCOPE_ORDER[l]!)) return SCOPE_ORDER[l];
    return undefined;
  }

  /** Whether any of the subject's roles allows `entry` of `collection`. */
  canUse<C extends CollectionId>(collection: C, entry: EntryId<C> | (string & {})): boolean {
    const table = COLLECTIONS.get(collection);
    const mine = this.collections.get(collection);
    if (table === undefined || mine === undefined || typeof entry !== "string") return false;
    return entryAllowed(table, mine.allowed, mine.under, mine.top, 0, entry);
  }
}

/** Combines roles into a subject (do it once per user or session, then check many times). An empty list holds the default role. */
export function subject(roles: readonly RoleNo[]): Subject {
  return new Subject(roles);
}

/**
 * Whether `role` may use `entry` of `collection` (a connector, an object…). Listing an entry
 * covers its descendants; an entry unknown at build time follows its nearest known ancestor
 * (under mode `all` allowed; under `allow` when a listed entry covers it; under `except` unless
 * an excepted entry covers it), as the module's tables say.
 */
export function canUse<C extends CollectionId>(role: RoleNo, collection: C, entry: EntryId<C> | (string & {})): boolean {
  const table = COLLECTIONS.get(collection);
  if (table === undefined || typeof entry !== "string") return false;
  if (!isIndex(role, ROWS)) {
    const r = customRow(role);
    const mine = r >= 0 ? CUSTOM.collections[r]!.get(collection) : undefined;
    return mine !== undefined && entryAllowed(table, mine.allowed, mine.under, mine.top, 0, entry);
  }
  return entryAllowed(table, table.allowed, table.under, hasBit(table.top, 0, role), role * table.words, entry);
}

// Ids to numbers, for code that starts from strings. Maps, not objects: "__proto__" or
// "toString" is no id.
const PERMISSION_NO: ReadonlyMap<unknown, PermissionNo> = /* @__PURE__ */ new Map(/* @__PURE__ */ Object.entries(Permission));
const ROLE_NO: ReadonlyMap<unknown, RoleNo> = /* @__PURE__ */ new Map(/* @__PURE__ */ Object.entries(Role));
const SCOPE_NO: ReadonlyMap<unknown, ScopeNo> = /* @__PURE__ */ new Map(/* @__PURE__ */ Object.entries(Scope));

/** The number of a permission id (previous ids too), or undefined. */
export function permissionNo(id: string): PermissionNo | undefined {
  return PERMISSION_NO.get(id);
}

/**
 * The number of a role id (previous ids too; a role defined at run time by its id), or
 * undefined. Retired roles have none: see `transferTarget` and `storedRoles`.
 */
export function roleNo(id: string): RoleNo | undefined {
  return ROLE_NO.get(id) ?? CUSTOM.byId.get(id);
}

/** The number of a scope id, or undefined. */
export function scopeNo(id: string): ScopeNo | undefined {
  return SCOPE_NO.get(id);
}

/**
 * Convenience check by ids: whether any of `roles` allows `permission` at `scope` (default: the
 * widest). An empty list holds the default role. Costs a map lookup per id; use `can` with
 * numbers on hot paths. Unknown ids are denied.
 */
export function check(
  roles: RoleId | DeprecatedRoleId | readonly (RoleId | DeprecatedRoleId)[],
  permission: PermissionId | DeprecatedPermissionId,
  scope?: ScopeId,
  targetIsSelf = false,
): boolean {
  const p = PERMISSION_NO.get(permission);
  const s = scope === undefined ? WIDEST : SCOPE_NO.get(scope);
  if (p === undefined || s === undefined) return false;
  if (!Array.isArray(roles)) {
    const r = ROLE_NO.get(roles) ?? CUSTOM.byId.get(roles);
    return r !== undefined && can(r, p, s, targetIsSelf);
  }
  if (roles.length === 0) return DEFAULT_ROLE !== undefined && can(DEFAULT_ROLE, p, s, targetIsSelf);
  for (const id of roles as readonly unknown[]) {
    const r = ROLE_NO.get(id) ?? CUSTOM.byId.get(id);
    if (r !== undefined && can(r, p, s, targetIsSelf)) return true;
  }
  return false;
}

/**
 * The active role that a stored role id maps to today: itself when active, its new id when it
 * was renamed, the transfer target when it was deleted; undefined when never known.
 */
export function transferTarget(id: string): RoleId | undefined {
  if (ROLE_NO.has(id) && !ROLE_SUCCESSOR.has(id)) return id as RoleId;
  return ROLE_SUCCESSOR.get(id);
}

/** How a stored role id was read: the role it now means and why it changed. */
export interface StoredRoleMove {
  readonly from: string;
  readonly to: RoleId;
  readonly reason: "renamed" | "retired";
}

/** Stored role ids read as today's roles: the subject, the roles it holds, what moved, what was unknown. */
export interface StoredRoles {
  readonly subject: Subject;
  /** The roles held, each once, in the order first met: active compiled ids, and run-time roles by the id `defineRole` gave them. */
  readonly roles: readonly (RoleId | (string & {}))[];
  /** Previous ids of renamed roles, and retired roles followed to their transfer target. */
  readonly moved: readonly StoredRoleMove[];
  /** The stored values that are no role of this set (nor ever were) nor a run-time role defined in this process: they give nothing. */
  readonly unknown: readonly string[];
}

/**
 * Reads role ids stored in a database or a token, which outlive renames and retirements: an
 * active id is itself, a renamed role's previous id is the role, a retired role's id follows
 * its transfer (`transfers`), the id of a run-time role defined in this process (`defineRole`'s
 * `id`, namespaced when it was defined in one) is that role, anything else is reported in
 * `unknown` and gives nothing. An empty list holds the default role; a list of only unknown
 * ids holds nothing. Compiled ids never contain "/", so a namespaced run-time id never meets one.
 */
export function storedRoles(ids: readonly (RoleId | DeprecatedRoleId | RetiredRoleId | (string & {}))[]): StoredRoles {
  const roles: string[] = [];
  const numbers: RoleNo[] = [];
  const moved: StoredRoleMove[] = [];
  const unknown: string[] = [];
  const list: readonly unknown[] = Array.isArray(ids) ? ids : [];
  for (const id of list) {
    const to = typeof id === "string" ? transferTarget(id) : undefined;
    if (to === undefined) {
      const custom = CUSTOM.byId.get(id);
      if (custom === undefined) unknown.push(id as string);
      else if (!roles.includes(id as string)) {
        roles.push(id as string);
        numbers.push(custom);
      }
      continue;
    }
    if (to !== id) moved.push({ from: id as string, to, reason: ROLE_NO.has(id) ? "renamed" : "retired" });
    if (!roles.includes(to)) {
      roles.push(to);
      numbers.push(ROLE_NO.get(to)!);
    }
  }
  // An empty stored list is a user with no roles (the default role); unknown ids are not.
  return { subject: new Subject(numbers, Array.isArray(ids) && list.length === 0), roles: Object.freeze(roles), moved: Object.freeze(moved), unknown: Object.freeze(unknown) };
}
