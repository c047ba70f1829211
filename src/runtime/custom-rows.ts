/**
 * Rows of the roles defined at run time (`defineRole`, src/runtime/define-role.ts). Copied into
 * every generated module after its data, without `export` (src/emit/runtime.ts).
 *
 * A run-time role gets a number from CUSTOM_BASE up: far past any number a lockfile hands out,
 * so that a compiled number from a newer build (a rolling deploy) never reads a run-time row,
 * and a run-time number never reads a compiled one. Its row holds every scope plane of the role
 * (`CUSTOM_STRIDE` words), laid out as a subject's bits: plane × permission word. The numbers
 * are handles for this process: store a role's id and definition, never its number.
 */
import { hasBit } from "./bits.js";
import { ACCESS, COLLECTIONS, PLANE, PLANES, WORDS } from "./data.js";
import type { RoleNo } from "./data.js";

/** The first run-time role number (2^30). */
export const CUSTOM_BASE = 0x40000000;
/** The most run-time roles one module holds (a bound on memory for hostile callers). */
export const MAX_CUSTOM_ROLES = 65536;
/** Words of one run-time row: every scope plane of one role. */
export const CUSTOM_STRIDE = PLANES * WORDS;

/** One role's (or subject's) allowed, under and top bits of one collection, as a compiled row has them. */
export interface CollectionRow {
  readonly allowed: Uint32Array;
  readonly under: Uint32Array;
  top: boolean;
}

/** Everything a role or subject holds: access bits (plane × word) and one row per collection. */
export interface RoleRows {
  readonly access: Uint32Array;
  readonly collections: Map<string, CollectionRow>;
}

/** The run-time rows: access bits of row `r` at `r * CUSTOM_STRIDE`, collections per row, ids per row. */
export const CUSTOM = {
  access: new Uint32Array(CUSTOM_STRIDE * 8),
  count: 0,
  collections: [] as Map<string, CollectionRow>[],
  ids: [] as (string | undefined)[],
  /** Run-time role numbers by id (a Map: "__proto__" is no id). */
  byId: new Map<unknown, RoleNo>(),
};

/** Each subject's rows, for defineRole's escalation check (a WeakMap: the rows stay inside the module). */
export const SUBJECT_ROWS = /* @__PURE__ */ new WeakMap<object, RoleRows>();

/** The run-time row of `role`, or −1 when it is no run-time role of this process (any other value: wrong type, compiled number, removed). */
export function customRow(role: unknown): number {
  if (typeof role !== "number" || !(role >= CUSTOM_BASE)) return -1;
  const r = role - CUSTOM_BASE;
  return r >>> 0 === r && r < CUSTOM.count && CUSTOM.ids[r] !== undefined ? r : -1;
}

/** Empty rows: nothing held. */
export function emptyRows(): RoleRows {
  const collections = new Map<string, CollectionRow>();
  for (const [name, table] of COLLECTIONS) collections.set(name, { allowed: new Uint32Array(table.words), under: new Uint32Array(table.words), top: false });
  return { access: new Uint32Array(CUSTOM_STRIDE), collections };
}

/** Appends (or, for `row` given, overwrites) a run-time row; returns its number. */
export function storeCustomRow(id: string, rows: RoleRows, row = CUSTOM.count): RoleNo {
  if (row === CUSTOM.count) {
    if ((row + 1) * CUSTOM_STRIDE > CUSTOM.access.length) {
      const grown = new Uint32Array(CUSTOM.access.length * 2);
      grown.set(CUSTOM.access);
      CUSTOM.access = grown;
    }
    CUSTOM.count++;
  }
  CUSTOM.access.set(rows.access, row * CUSTOM_STRIDE);
  CUSTOM.collections[row] = rows.collections;
  CUSTOM.ids[row] = id;
  return (CUSTOM_BASE + row) as RoleNo;
}

/** Clears a run-time row for good: its number denies everything from now on and is never handed out again. */
export function clearCustomRow(row: number): void {
  CUSTOM.access.fill(0, row * CUSTOM_STRIDE, (row + 1) * CUSTOM_STRIDE);
  CUSTOM.collections[row] = emptyRows().collections;
  CUSTOM.ids[row] = undefined;
}

/** ORs what `role` (compiled or run-time, already checked) holds into `rows`. */
export function addRole(rows: RoleRows, role: RoleNo): void {
  const r = customRow(role);
  if (r >= 0) {
    for (let w = 0; w < CUSTOM_STRIDE; w++) rows.access[w]! |= CUSTOM.access[r * CUSTOM_STRIDE + w]!;
  } else {
    for (let s = 0; s < PLANES; s++) {
      for (let w = 0; w < WORDS; w++) rows.access[s * WORDS + w]! |= ACCESS[s * PLANE + role * WORDS + w]!;
    }
  }
  for (const [name, table] of COLLECTIONS) {
    const mine = rows.collections.get(name)!;
    if (r >= 0) {
      const theirs = CUSTOM.collections[r]!.get(name)!;
      for (let w = 0; w < table.words; w++) {
        mine.allowed[w]! |= theirs.allowed[w]!;
        mine.under[w]! |= theirs.under[w]!;
      }
      mine.top ||= theirs.top;
    } else {
      for (let w = 0; w < table.words; w++) {
        mine.allowed[w]! |= table.allowed[role * table.words + w]!;
        mine.under[w]! |= table.under[role * table.words + w]!;
      }
      mine.top ||= hasBit(table.top, 0, role);
    }
  }
}

/** What `roles` (valid numbers) hold together. */
export function rowsOfRoles(roles: readonly RoleNo[]): RoleRows {
  const rows = emptyRows();
  for (const role of roles) addRole(rows, role);
  return rows;
}

