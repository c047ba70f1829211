import type { Span } from '../diagnostics/span.js';
import type { LevelMap } from './level-map.js';

/**
 * The resolved model of one policy set: every reference checked, inheritance, wildcards and
 * implications applied, collection modes combined. Immutable; every later stage (allocation,
 * emit, the Gherkin steps, diff and explain) reads this and never the YAML.
 *
 * Levels: scope levels are numbered 0 (narrowest) to `levels - 1` (widest). A set without
 * scopes has one level, 0. An unscoped permission is always held at the widest level.
 */
export interface Model {
  readonly name: string;
  /** Earlier names of the set (PolicySet metadata.previousNames): diff matches a renamed set with its former self. */
  readonly previousNames: readonly string[];
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly version: string;
  /** Scope levels, narrowest first. Empty when the set has no scopes. */
  readonly scopes: readonly ScopeInfo[];
  /** Number of levels: `max(1, scopes.length)`. */
  readonly levels: number;
  readonly defaultRole: string | undefined;
  readonly ownerRole: string | undefined;
  readonly actions: readonly ActionInfo[];
  readonly categories: readonly CategoryInfo[];
  readonly resources: readonly ResourceInfo[];
  /** Permissions in catalog order. */
  readonly permissions: readonly PermissionInfo[];
  readonly collections: readonly CollectionInfo[];
  /** Active roles in source order (files by path, documents in file order). */
  readonly roles: readonly RoleInfo[];
  readonly retiredRoles: readonly RetiredRoleInfo[];
  readonly users: readonly UserInfo[];
  /** Lookups by current key. */
  readonly permissionIndex: ReadonlyMap<string, PermissionInfo>;
  readonly roleIndex: ReadonlyMap<string, RoleInfo>;
  readonly collectionIndex: ReadonlyMap<string, CollectionInfo>;
  readonly userIndex: ReadonlyMap<string, UserInfo>;
  /** Previous keys to current keys (renames). */
  readonly roleAliases: ReadonlyMap<string, string>;
  readonly permissionAliases: ReadonlyMap<string, string>;
}

export interface ScopeInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  /** 0 = narrowest. */
  readonly level: number;
  /** Extra phrases Gherkin steps may use for this level (as declared). */
  readonly phrases: readonly string[];
}

export interface ActionInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  /** Actions this one implies directly, as declared. */
  readonly implies: readonly string[];
  /** Every action implied directly or transitively, excluding itself, in a stable order. */
  readonly closure: readonly string[];
}

export interface CategoryInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
}

export interface ResourceInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly category: string | undefined;
  /** Ids of this resource's permissions, in catalog order. */
  readonly permissions: readonly string[];
}

export interface PermissionInfo {
  /** `resource:action`. */
  readonly id: string;
  readonly resource: string;
  readonly action: string;
  readonly title: string;
  readonly description: string | undefined;
  /** The permission's category, or its resource's; undefined when neither names one. */
  readonly category: string | undefined;
  readonly scoped: boolean;
  readonly selfRestricted: boolean;
  readonly sensitive: boolean;
  readonly previousNames: readonly string[];
  readonly span: Span;
}

/** How a role picks collection entries: every entry, only the listed ones, or all but the listed ones. Declared once: the YAML declarations use it too. */
export type CollectionMode = 'all' | 'allow' | 'except';

export interface EntryInfo {
  /** `/`-separated path. */
  readonly path: string;
  readonly title: string;
  readonly description: string | undefined;
  /** The parent's path, undefined for a top-level entry. */
  readonly parent: string | undefined;
  /** True for an ancestor that exists only because a descendant was declared. */
  readonly implicit: boolean;
}

/** A kind of collection entry (an app, a trigger): its nouns and the shape of its paths, `*` for one segment. */
export interface EntryKind {
  readonly name: string;
  readonly plural: string;
  readonly path: string;
}

export interface CollectionInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly modes: readonly CollectionMode[];
  /** What Gherkin steps call one entry, and several (`connector`, `connectors`). */
  readonly noun: string;
  readonly plural: string;
  /** Kinds of entries steps may name, each by the shape of its paths. */
  readonly kinds: readonly EntryKind[];
  /** Every entry, parents before their children, in declaration order. */
  readonly entries: readonly EntryInfo[];
  readonly entryIndex: ReadonlyMap<string, EntryInfo>;
  /** Each entry's path to the paths of its subtree (itself and every descendant), in entry order. */
  readonly subtree: ReadonlyMap<string, readonly string[]>;
}

/** How a declared grant was written, after its reference was resolved. */
export type GrantTarget =
  | { readonly kind: 'all' }
  | { readonly kind: 'resource'; readonly resource: string }
  | { readonly kind: 'permission'; readonly permission: string };

export interface GrantInfo {
  /** The text as written in the policy (`records:*`, `*`, `records:update`). */
  readonly text: string;
  readonly target: GrantTarget;
  /** The level named in the grant; undefined when none was named (unscoped permissions, `*`). */
  readonly level: number | undefined;
  readonly span: Span;
}

/** A collection access as a role declared it. */
export interface CollectionRule {
  readonly mode: CollectionMode;
  readonly entries: readonly string[];
  readonly span: Span;
}

/**
 * A role's or subject's effective access to one collection, exact under union:
 * - `allowed`: the known entries it may use;
 * - `unknownUnder`: known entries below which an entry unknown at compile time is allowed;
 * - `unknownTop`: whether an unknown entry with no known ancestor is allowed.
 * `mode` and `entries` summarise it for people: `all`, `allow` + allowed entries, or
 * `except` + excluded entries (each entry listed covers its descendants).
 */
export interface CollectionAccess {
  readonly mode: CollectionMode;
  readonly entries: readonly string[];
  readonly allowed: ReadonlySet<string>;
  readonly unknownUnder: ReadonlySet<string>;
  readonly unknownTop: boolean;
}

export interface RoleInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly previousNames: readonly string[];
  /** Direct parents, by current key. */
  readonly inherits: readonly string[];
  /** Grants as declared in this role's own document. */
  readonly grants: readonly GrantInfo[];
  /** Collection rules as declared in this role's own document. */
  readonly collectionRules: ReadonlyMap<string, CollectionRule>;
  /**
   * Effective permissions after inheritance, wildcards and implications: id to widest level
   * held, in catalog order (`at(i)` reads catalog position i directly: -1 when not held).
   */
  readonly effective: LevelMap;
  /** Effective collection access after inheritance, for every collection of the catalog. */
  readonly collections: ReadonlyMap<string, CollectionAccess>;
  readonly span: Span;
}

export interface RetiredRoleInfo {
  readonly name: string;
  /** The active role its users transfer to. */
  readonly transferTo: string;
  readonly reason: string | undefined;
}

export interface UserInfo {
  readonly name: string;
  readonly title: string | undefined;
  /** Roles by current key; the set's default role when none were assigned. */
  readonly roles: readonly string[];
  /** True when the user got the default role because none was assigned. */
  readonly defaulted: boolean;
  readonly span: Span;
}
