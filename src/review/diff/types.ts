import type { CollectionMode } from '../../model/model.js';
import type { EscalationReason } from '../escalation.js';
import type { NumberChange } from '../numbering.js';
import type { VersionCheck } from '../version-bump.js';

/*
 * The semantic diff's report types: what `diffModels` (src/review/diff.ts) returns for one set,
 * and the JSON output of `policyc diff` (docs/diff-json-schema.md): optional facts are null, never
 * missing.
 */

/** How a subject reaches a permission: the best route of `policyc explain`, summarised. */
export interface RouteSummary {
  /** Inheritance path: the subject's role first, the role that declares the grant last. */
  readonly roles: readonly string[];
  /** The grant as written, with its level (`"records:*": own`). */
  readonly grant: string;
  readonly file: string;
  readonly line: number;
  /** The permission the grant gives directly, when the asked one is implied by it. */
  readonly impliedBy: string | null;
  /** Actions from the granted action to the asked one, when implied (`["create", "view"]`). */
  readonly implication: readonly string[];
  readonly wildcard: 'all' | 'resource' | null;
}

export type PermissionChangeKind = 'gained' | 'lost' | 'widened' | 'narrowed';

export interface PermissionDelta {
  /** The permission's id at HEAD (at BASE when it was removed from the catalog). */
  readonly permission: string;
  readonly title: string;
  readonly category: string | null;
  readonly sensitive: boolean;
  readonly scoped: boolean;
  readonly change: PermissionChangeKind;
  /** Level held before and after (scope names); null when not held, or for an unscoped permission. */
  readonly from: string | null;
  readonly to: string | null;
  /** Why it is held after (gained, widened) or was held before (lost, narrowed). */
  readonly via: RouteSummary | null;
}

/** Mode `none`: nothing allowed, not even entries added later. */
export type AccessMode = CollectionMode | 'none';

export interface CollectionDelta {
  readonly collection: string;
  readonly title: string;
  readonly from: { readonly mode: AccessMode; readonly entries: readonly string[] };
  readonly to: { readonly mode: AccessMode; readonly entries: readonly string[] };
  /** Known entries (at HEAD) newly allowed / no longer allowed, each standing for its subtree where the whole subtree changed. */
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  /** Whether entries added to the catalog later (with no known ancestor) are allowed, before and after; null when unchanged. */
  readonly unknownTop: { readonly from: boolean; readonly to: boolean } | null;
  /** Known entries below which entries added later are now allowed / no longer allowed. */
  readonly unknownUnderGained: readonly string[];
  readonly unknownUnderLost: readonly string[];
}

export interface AccessDelta {
  readonly permissions: readonly PermissionDelta[];
  readonly collections: readonly CollectionDelta[];
  /** Whether the subject holds every permission at the widest level, before and after; null when unchanged. */
  readonly everything: { readonly from: boolean; readonly to: boolean } | null;
}

export interface DeclaredChanges {
  readonly grantsAdded: readonly string[];
  readonly grantsRemoved: readonly string[];
  readonly inheritsAdded: readonly string[];
  readonly inheritsRemoved: readonly string[];
  /** Collections whose declared rule (mode or entries) changed. */
  readonly collections: readonly string[];
}

export interface RoleChange {
  /** The role's key at HEAD (at BASE when removed). */
  readonly role: string;
  readonly title: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly renamedFrom: string | null;
  readonly titleFrom: string | null;
  readonly descriptionChanged: boolean;
  /** Removed roles: where their users go (PolicySet retiredRoles); null when no transfer is declared. */
  readonly transferTo: string | null;
  readonly declared: DeclaredChanges;
  /** True when the role's own document changes none of its access: every access change comes from a role it inherits or from the catalog. */
  readonly inheritedOnly: boolean;
  /** Effective access: for an added role everything it holds (gained), for a removed one everything it held (lost). */
  readonly access: AccessDelta;
  /** Users holding the role (at HEAD; at BASE for a removed role). */
  readonly users: readonly string[];
  /** Removed roles with a transfer: what their users gain and lose by moving to the target role. */
  readonly transfer: { readonly to: string; readonly users: readonly string[]; readonly access: AccessDelta } | null;
}

export interface UserChange {
  readonly user: string;
  readonly title: string | null;
  readonly status: 'added' | 'removed' | 'changed';
  /** Roles before (renamed roles under their HEAD key) and after. */
  readonly rolesFrom: readonly string[];
  readonly rolesTo: readonly string[];
  /** Whether the user had no role and got the default role, before and after. */
  readonly defaultedFrom: boolean;
  readonly defaultedTo: boolean;
  readonly access: AccessDelta;
}

export interface FieldChange {
  readonly field: string;
  readonly from: string | boolean | null;
  readonly to: string | boolean | null;
}

export interface CatalogPermissionChange {
  readonly permission: string;
  readonly title: string;
  readonly change: 'added' | 'removed' | 'renamed' | 'changed';
  readonly renamedFrom: string | null;
  readonly sensitive: boolean;
  /** Field changes (title, description, category, scoped, sensitive, selfRestricted). */
  readonly fields: readonly FieldChange[];
  /** Roles whose effective access to this permission changes (for field changes that matter: the roles holding it). */
  readonly roles: readonly string[];
}

export interface CatalogActionChange {
  readonly action: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly impliesFrom: readonly string[];
  readonly impliesTo: readonly string[];
  /** Implied actions (transitively) gained and lost. */
  readonly closureAdded: readonly string[];
  readonly closureRemoved: readonly string[];
  /** Permissions that are now implied, or no longer, by a permission of the same resource with this action. */
  readonly permissions: readonly string[];
  /** Roles whose effective access changes through this rule. */
  readonly roles: readonly string[];
}

export interface CatalogCollectionChange {
  readonly collection: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly entriesAdded: readonly string[];
  readonly entriesRemoved: readonly string[];
  readonly entriesRetitled: readonly string[];
  readonly modesFrom: readonly string[];
  readonly modesTo: readonly string[];
  readonly fields: readonly FieldChange[];
}

export interface CatalogChanges {
  readonly permissions: readonly CatalogPermissionChange[];
  readonly actions: readonly CatalogActionChange[];
  readonly collections: readonly CatalogCollectionChange[];
  /** Scope levels, narrowest first, when they changed. */
  readonly scopes: { readonly from: readonly string[]; readonly to: readonly string[] } | null;
  /** Titles of categories and resources that changed, as field changes (`category groups title`). */
  readonly other: readonly FieldChange[];
}

export type { EscalationReason } from '../escalation.js';

export interface Escalation {
  readonly set: string;
  readonly subject: {
    readonly kind: 'role' | 'user' | 'transfer' | 'permission';
    readonly name: string;
    readonly title: string | null;
  };
  readonly reasons: readonly EscalationReason[];
  readonly permission: string | null;
  readonly collection: string | null;
  readonly from: string | null;
  readonly to: string | null;
  /** Users who get this access (holders of the role, transferred users, the user). */
  readonly users: readonly string[];
  /** One sentence for people. */
  readonly message: string;
}

export interface SetChanges {
  readonly escalations: readonly Escalation[];
  readonly roles: readonly RoleChange[];
  readonly users: readonly UserChange[];
  readonly catalog: CatalogChanges;
  /** PolicySet fields: version, title, description, defaultRole, ownerRole. */
  readonly settings: readonly FieldChange[];
  /** Breaking changes of the lockfile numbers (a changed, dropped or reused number). */
  readonly numbering: readonly NumberChange[];
  readonly version: VersionCheck | null;
  /** Whether anything was lost or removed (what `--fail-on removal` matches). */
  readonly removals: number;
  readonly changed: boolean;
}
