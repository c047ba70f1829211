import type { Model, PermissionInfo, RoleInfo } from '../model/model.js';

/*
 * The rule for names that changed: a role or permission whose key changes lists its old keys
 * (previousNames), and a reference by an old key means the thing under its current key. Every
 * lookup by key on a resolved model (the review commands, diff, the Gherkin steps) goes through
 * here. (The reference evaluator restates it on purpose: it is the independent oracle.)
 */

/** The current key that `name` refers to: itself when it is a current key, its successor when it is a previous one. */
export function currentKey(
  index: ReadonlyMap<string, unknown>,
  aliases: ReadonlyMap<string, string>,
  name: string,
): string | undefined {
  if (index.has(name)) return name;
  const successor = aliases.get(name);
  return successor !== undefined && index.has(successor) ? successor : undefined;
}

/** What `name` names in `index`, by its current key or a previous one. */
export function byCurrentOrPreviousKey<T>(
  index: ReadonlyMap<string, T>,
  aliases: ReadonlyMap<string, string>,
  name: string,
): T | undefined {
  const key = currentKey(index, aliases, name);
  return key === undefined ? undefined : index.get(key);
}

/** A role of the model by its current key or a previous one. */
export function roleByKey(model: Model, name: string): RoleInfo | undefined {
  return byCurrentOrPreviousKey(model.roleIndex, model.roleAliases, name);
}

/** A permission of the model by its current id or a previous one. */
export function permissionByKey(model: Model, id: string): PermissionInfo | undefined {
  return byCurrentOrPreviousKey(model.permissionIndex, model.permissionAliases, id);
}
