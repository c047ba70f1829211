import type { CollectionAccess, CollectionInfo, Model, PermissionInfo, RoleInfo } from '../../src/model/model.js';

/**
 * Answers access questions from the model's precomputed tables (`RoleInfo.effective` and
 * `RoleInfo.collections`), to compare with the reference evaluator, which works from the
 * declared grants.
 */

/** A role by its current key or a previous name. */
export function roleOf(model: Model, name: string): RoleInfo {
  const role = model.roleIndex.get(name) ?? model.roleIndex.get(model.roleAliases.get(name) ?? '');
  if (!role) throw new Error(`unknown role ${name}`);
  return role;
}

/** A permission by its id or a previous id. */
export function permissionOf(model: Model, id: string): PermissionInfo {
  const p = model.permissionIndex.get(id) ?? model.permissionIndex.get(model.permissionAliases.get(id) ?? '');
  if (!p) throw new Error(`unknown permission ${id}`);
  return p;
}

/** The level of a scope name; undefined means the widest level. */
export function levelOf(model: Model, scope: string | undefined): number {
  if (scope === undefined) return model.levels - 1;
  const s = model.scopes.find((x) => x.name === scope);
  if (!s) throw new Error(`unknown scope ${scope}`);
  return s.level;
}

/** Whether a subject holding `roles` may perform `permission` at `scope`, by the model's tables. */
export function modelAllows(
  model: Model,
  roles: readonly string[],
  permission: string,
  scope?: string,
  options: { self?: boolean } = {},
): boolean {
  const p = permissionOf(model, permission);
  if (p.selfRestricted && options.self === true) return false;
  const needed = levelOf(model, scope);
  return roles.some((r) => (roleOf(model, r).effective.get(p.id) ?? -1) >= needed);
}

/** Whether one access allows the entry at `path` (known or not). */
export function accessAllows(collection: CollectionInfo, access: CollectionAccess, path: string): boolean {
  if (collection.entryIndex.has(path)) return access.allowed.has(path);
  // An unknown entry follows its nearest known ancestor; with none, it is an unknown top-level entry.
  const segments = path.split('/');
  for (let i = segments.length - 1; i > 0; i--) {
    const ancestor = segments.slice(0, i).join('/');
    if (collection.entryIndex.has(ancestor)) return access.unknownUnder.has(ancestor);
  }
  return access.unknownTop;
}

/** Whether a subject holding `roles` may use the entry at `path` of `collection`, by the model's tables. */
export function modelCollectionAllows(
  model: Model,
  roles: readonly string[],
  collection: string,
  path: string,
): boolean {
  const c = model.collectionIndex.get(collection);
  if (!c) throw new Error(`unknown collection ${collection}`);
  return roles.some((r) => accessAllows(c, roleOf(model, r).collections.get(collection)!, path));
}
