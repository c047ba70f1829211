export { compactEntries } from '../model/collections.js';
import { nearestAncestor } from '../language/nearest-ancestor.js';
import { roleByKey } from '../language/previous-names.js';
import { noAccess, unionAccess } from '../model/collections.js';
import type { CollectionAccess, CollectionInfo, Model, PermissionInfo, RoleInfo } from '../model/model.js';

/**
 * Effective access of a subject (a role, a user, or any list of roles), read from the model's
 * precomputed tables: the widest level held per permission, and the union of collection access.
 */
export interface SubjectAccess {
  /** Permission id to the widest level held, in catalog order. */
  readonly permissions: ReadonlyMap<string, number>;
  /** Collection name to effective access, for every collection of the catalog. */
  readonly collections: ReadonlyMap<string, CollectionAccess>;
}

/** A role by its current key or a previous one (the rule: language/previous-names.ts). */
export function findRole(model: Model, name: string): RoleInfo | undefined {
  return roleByKey(model, name);
}

/** The union of the effective access of `roles` (each role's tables already include what it inherits). */
export function rolesAccess(model: Model, roles: readonly string[]): SubjectAccess {
  const infos = roles.map((r) => findRole(model, r)).filter((r): r is RoleInfo => r !== undefined);
  const levels = new Map<string, number>();
  for (const role of infos) for (const [p, l] of role.effective) levels.set(p, Math.max(l, levels.get(p) ?? -1));
  const permissions = new Map(model.permissions.filter((p) => levels.has(p.id)).map((p) => [p.id, levels.get(p.id)!]));
  const collections = new Map<string, CollectionAccess>();
  for (const c of model.collections) {
    let access = noAccess();
    for (const role of infos) access = unionAccess(c, access, role.collections.get(c.name) ?? noAccess());
    collections.set(c.name, access);
  }
  return { permissions, collections };
}

/** Nothing: what a subject that does not exist holds. */
export function emptyAccess(model: Model): SubjectAccess {
  return { permissions: new Map(), collections: new Map(model.collections.map((c) => [c.name, noAccess()])) };
}

/** Whether an access allows the entry at `path`, known to the catalog or not (an unknown entry follows its nearest known ancestor). */
export function entryAllowed(collection: CollectionInfo, access: CollectionAccess, path: string): boolean {
  if (collection.entryIndex.has(path)) return access.allowed.has(path);
  return unknownAllowed(collection, access, path);
}

/** Whether an entry at `path`, treated as unknown, would be allowed (the rule for entries added to the catalog later). */
export function unknownAllowed(collection: CollectionInfo, access: CollectionAccess, path: string): boolean {
  const ancestor = nearestAncestor(path, (a) => collection.entryIndex.has(a));
  return ancestor === undefined ? access.unknownTop : access.unknownUnder.has(ancestor);
}

/** The name of a level for display, or undefined for an unscoped permission (always held in full). */
export function levelName(model: Model, permission: PermissionInfo, level: number): string | undefined {
  if (!permission.scoped) return undefined;
  return model.scopes[level]?.name;
}

/** Whether an access holds every permission of the catalog at the widest level. */
export function holdsEverything(model: Model, access: SubjectAccess): boolean {
  const widest = model.levels - 1;
  return model.permissions.length > 0 && model.permissions.every((p) => (access.permissions.get(p.id) ?? -1) >= widest);
}

/** The users holding a role directly (by assignment or default). */
export function usersOfRole(model: Model, role: string): string[] {
  return model.users.filter((u) => u.roles.includes(role)).map((u) => u.name);
}
