import type { Model } from '../model/model.js';
import { catalogChanged, diffCatalog, diffSettings } from './diff/catalog-delta.js';
import { type Ctx, emptyModel, mapPermissions, mapRoles } from './diff/context.js';
import { findEscalations } from './diff/escalations.js';
import { diffRoles, diffUsers } from './diff/roles-users.js';
import type { SetChanges } from './diff/types.js';
import { countRemovals, requiredBump } from './diff/version-advice.js';
import type { NumberChange } from './numbering.js';
import { checkVersion } from './version-bump.js';

/*
 * The semantic diff of two versions of one policy set, on effective access: what each role and
 * each user can do before and after, after inheritance, wildcards, implications, scopes and
 * collection modes. Renamed roles and permissions are matched through previousNames, so a rename
 * is a rename and not a removal plus an addition. Every list is in a stable order (catalog order
 * for permissions and entries, source order for roles and users, removed items after the others
 * in their old order), so that the same inputs always give the same report.
 *
 * `diffModels` chains the parts in src/review/diff/: the report types (types.ts), keys matched
 * across versions (context.ts), effective access deltas (access-delta.ts), role and user deltas
 * (roles-users.ts), catalog and PolicySet deltas (catalog-delta.ts), escalations (escalations.ts),
 * removals and the version bump (version-advice.ts).
 */

export type {
  AccessDelta,
  AccessMode,
  CatalogActionChange,
  CatalogChanges,
  CatalogCollectionChange,
  CatalogPermissionChange,
  CollectionDelta,
  DeclaredChanges,
  Escalation,
  EscalationReason,
  FieldChange,
  PermissionChangeKind,
  PermissionDelta,
  RoleChange,
  RouteSummary,
  SetChanges,
  UserChange,
} from './diff/types.js';
export { deltaEmpty } from './diff/access-delta.js';

/**
 * Compares two versions of a set. Either may be missing (a set added or removed). `numbering`
 * is what changed in the lockfile numbers (numbering.ts): a breaking change of its own.
 */
export function diffModels(
  baseModel: Model | undefined,
  headModel: Model | undefined,
  numbering: readonly NumberChange[] = [],
): SetChanges {
  const base = baseModel ?? emptyModel(headModel!);
  const head = headModel ?? emptyModel(baseModel!);
  const permissionMap = mapPermissions(base, head);
  const baseOf = new Map<string, string>();
  for (const [b, h] of permissionMap) if (!baseOf.has(h) || b === h) baseOf.set(h, b);
  const ctx: Ctx = {
    base,
    head,
    permissionMap,
    roleMap: mapRoles(base, head),
    baseOf,
    explain: baseModel !== undefined && headModel !== undefined,
  };

  const roles = diffRoles(ctx);
  const users = diffUsers(ctx, roles);
  const catalog = diffCatalog(ctx, roles);
  const settings = diffSettings(ctx, baseModel !== undefined && headModel !== undefined);
  // A new set (or a first set in an empty BASE) is judged like any other change: its sensitive
  // and widest-level grants are escalations, or adding a set would be a way around the gate.
  const escalations = headModel !== undefined ? findEscalations(ctx, roles, users, catalog) : [];
  const removals = countRemovals(roles, users, catalog);
  const changed =
    roles.length > 0 ||
    users.length > 0 ||
    catalogChanged(catalog) ||
    settings.length > 0 ||
    numbering.length > 0 ||
    baseModel === undefined ||
    headModel === undefined;
  const { bump, reason } =
    numbering.length > 0
      ? { bump: 'major' as const, reason: numbering[0]!.message }
      : requiredBump(roles, users, catalog, settings);
  const version =
    baseModel && headModel ? checkVersion(base.version, head.version, changed ? bump : 'none', reason) : null;
  return { escalations, roles, users, catalog, settings, numbering, version, removals, changed };
}
