import { currentKey } from '../../language/previous-names.js';
import type { Model } from '../../model/model.js';

/*
 * What one comparison of two versions of a set shares: the two models and the keys matched across
 * them (renames followed).
 */

/** Context shared by one comparison. */
export interface Ctx {
  readonly base: Model;
  readonly head: Model;
  /** BASE permission id → HEAD id (renames followed). */
  readonly permissionMap: ReadonlyMap<string, string>;
  /** BASE role key → HEAD role key. */
  readonly roleMap: ReadonlyMap<string, string>;
  /** HEAD permission id → the BASE permission it continues (the same id first, else the first previous name). */
  readonly baseOf: ReadonlyMap<string, string>;
  /** Whether to explain each change (`via`); off when a whole set is added or removed, where every grant would be listed. */
  readonly explain: boolean;
}

/** An empty model stand-in for a set that does not exist on one side. */
export function emptyModel(like: Model): Model {
  return {
    ...like,
    version: like.version,
    permissions: [],
    roles: [],
    retiredRoles: [],
    users: [],
    actions: [],
    categories: [],
    resources: [],
    collections: [],
    permissionIndex: new Map(),
    roleIndex: new Map(),
    collectionIndex: new Map(),
    userIndex: new Map(),
    roleAliases: new Map(),
    permissionAliases: new Map(),
    defaultRole: undefined,
    ownerRole: undefined,
  };
}

export function mapPermissions(base: Model, head: Model): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of base.permissions) {
    const current = currentKey(head.permissionIndex, head.permissionAliases, p.id);
    if (current !== undefined) map.set(p.id, current);
  }
  return map;
}

export function mapRoles(base: Model, head: Model): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of base.roles) {
    const current = currentKey(head.roleIndex, head.roleAliases, r.name);
    if (current !== undefined) map.set(r.name, current);
  }
  return map;
}
