/**
 * The data contract between the emitter and the runtime: every name the runtime reads, with the
 * types and values the emitter writes into each generated module (src/emit/typescript-module.ts). This
 * file is never copied: in a generated module these names are the set's own types and tables.
 * Here they hold a small example set, so that the runtime type-checks and is unit-tested on its
 * own (test/runtime.test.ts). Its shape is deliberately awkward: a retired role leaves an empty
 * row, a retired permission an empty bit, permissions span two words, and the scope numbers
 * are not in level order (a scope added later, narrower than the widest, got a higher number).
 */
import { collectionTables } from "./collection-table.js";

export type PermissionId = "docs:view" | "docs:edit" | "docs:delete" | "users:deactivate" | "billing:view";
export type DeprecatedPermissionId = "docs:read";
export type RoleId = "viewer" | "editor" | "admin";
export type DeprecatedRoleId = "reader";
export type RetiredRoleId = "intern";
export type ScopeId = "own" | "group" | "all";
export type CollectionId = "connectors";
export interface CollectionEntries {
  readonly connectors: "slack" | "slack/actions/send" | "jira";
}
export type EntryId<C extends CollectionId> = CollectionEntries[C];

export type PermissionNo = number & { readonly __policyc: "example.Permission" };
export type RoleNo = number & { readonly __policyc: "example.Role" };
export type ScopeNo = number & { readonly __policyc: "example.Scope" };

/** Permission numbers by id: 1 is retired; billing:view (35) is in the second word. */
export const Permission = Object.freeze({ "docs:view": 0, "docs:edit": 2, "docs:delete": 3, "users:deactivate": 4, "billing:view": 35, "docs:read": 0 }) as unknown as {
  readonly [K in PermissionId | DeprecatedPermissionId]: PermissionNo;
};
/** Role numbers by id: row 2 was the retired role "intern". */
export const Role = Object.freeze({ viewer: 0, editor: 1, admin: 3, reader: 0 }) as unknown as { readonly [K in RoleId | DeprecatedRoleId]: RoleNo };
/** Scope numbers by id: "group" was added after "all", so its plane number is higher. */
export const Scope = Object.freeze({ own: 0, group: 2, all: 1 }) as unknown as { readonly [K in ScopeId]: ScopeNo };

export const WORDS = 2;
export const ROWS = 4;
export const PLANE = ROWS * WORDS;
export const PLANES = 3;
/** The count of permission numbers ever allocated (retired ones included). */
export const BITS = 36;
export const WIDEST = 1 as ScopeNo;
/** Scope numbers narrowest first. */
export const SCOPE_ORDER: readonly ScopeNo[] = [0 as ScopeNo, 2 as ScopeNo, 1 as ScopeNo];
export const DEFAULT_ROLE: RoleNo | undefined = 0 as RoleNo;
export const ROLE_SUCCESSOR: ReadonlyMap<string, RoleId> = new Map<string, RoleId>([["intern", "viewer"], ["reader", "viewer"]]);

/** Grants of the example: [role, permission, widest level index (0 own, 1 group, 2 all)]. */
const GRANTS: readonly (readonly [number, number, number])[] = [
  [0, 0, 2], // viewer: docs:view at all
  [1, 0, 2], // editor: docs:view at all, docs:edit at group, docs:delete at own
  [1, 2, 1],
  [1, 3, 0],
  [3, 0, 2], // admin: everything at all
  [3, 2, 2],
  [3, 3, 2],
  [3, 4, 2],
  [3, 35, 2],
];

/** Access bits: plane (scope) × row (role) × permission, as the emitter lays them out. */
export const ACCESS: Uint32Array = (() => {
  const words = new Uint32Array(PLANES * PLANE);
  for (const [role, permission, level] of GRANTS) {
    for (let l = 0; l <= level; l++) words[SCOPE_ORDER[l]! * PLANE + role * WORDS + (permission >>> 5)]! |= 1 << (permission & 31);
  }
  return words;
})();

/** users:deactivate never applies to oneself. */
export const SELF_RESTRICTED: Uint32Array = Uint32Array.of(1 << 4, 0);

/**
 * Collection "connectors": entries slack (0), slack/actions/send (1), a retired number (2),
 * jira (3). viewer: allow [slack/actions/send]; editor: except [jira]; admin: all.
 */
export const COLLECTIONS = collectionTables(ROWS, [
  [
    "connectors",
    ["slack", "slack/actions/send", null, "jira"],
    Uint32Array.of(
      // allowed, one word per role row
      0b0010, 0b0011, 0, 0b1011,
      // under: unknown entries allowed below these entries
      0b0010, 0b0011, 0, 0b1011,
      // top: unknown top-level entries allowed for editor (1) and admin (3)
      0b1010,
    ),
  ],
]);

/** Scoped permissions, one bit each: a grant of one names a level (docs:*, users:deactivate). */
export const SCOPED: Uint32Array = Uint32Array.of(0b11101, 0);
/** Per permission number, the numbers its actions imply on its resource (closed): edit and delete imply view. */
export const IMPLIES: ReadonlyMap<number, readonly number[]> = new Map([[2, [0]], [3, [0]]]);
/** Permission ids of earlier versions that no longer exist (the lockfile keeps their numbers). */
export const RETIRED_PERMISSIONS: ReadonlySet<string> = new Set(["docs:comment"]);
/** Collection entries of earlier versions that no longer exist: number 2 of "connectors" was "teams"; a removed collection "boards". */
export const RETIRED_ENTRIES: ReadonlyMap<string, ReadonlySet<string>> = new Map([["connectors", new Set(["teams"])], ["boards", new Set(["kanban"])]]);
/** The modes each collection offers. */
export const COLLECTION_MODES: ReadonlyMap<string, readonly ("all" | "allow" | "except")[]> = new Map([["connectors", ["all", "allow", "except"] as const]]);
/** Resources and their permission numbers (a resource may have none). */
export const RESOURCES: ReadonlyMap<string, readonly number[]> = new Map([["docs", [0, 2, 3]], ["users", [4]], ["billing", [35]], ["reports", []]]);
