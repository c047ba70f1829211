import type { CollectionRule, GrantInfo, Model, PermissionInfo, RoleInfo } from '../model/model.js';

/**
 * The reference evaluator: answers access questions straight from the roles' declared grants,
 * inheritance and the actions' implications, with no precomputed tables and no bitsets. It is
 * deliberately plain: it is the oracle the generated code is tested against.
 *
 * INVARIANT: it restates the rules of the language on purpose, and imports nothing from
 * src/language/ (what a grant gives, names by their previous keys, the nearest listed ancestor
 * of an entry, the widest level when no scope is given). Everything else (the resolver,
 * explain, who-can, diff, the steps) calls those modules; an oracle that shared their code
 * would share their bugs (test/language-rules.test.ts checks the imports).
 */
export class ReferenceEvaluator {
  readonly model: Model;

  constructor(model: Model) {
    this.model = model;
  }

  /**
   * Whether a subject holding `roles` may perform `permission` at `scope` (default: the widest
   * level). With `self`, the subject acts on itself: self-restricted permissions never apply.
   */
  allowed(roles: readonly string[], permission: string, scope?: string, options: { self?: boolean } = {}): boolean {
    const p = this.permission(permission);
    if (p.selfRestricted && options.self === true) return false;
    const needed = this.level(scope);
    for (const role of this.withAncestors(roles)) {
      for (const grant of role.grants) {
        if (this.grantCovers(grant, p, needed)) return true;
      }
    }
    return false;
  }

  /** Whether a subject holding `roles` may use the entry at `path` of `collection` (the entry may be unknown). */
  collectionAllowed(roles: readonly string[], collection: string, path: string): boolean {
    const c = this.model.collectionIndex.get(collection);
    if (!c) throw new Error(`unknown collection ${collection}`);
    for (const role of this.withAncestors(roles)) {
      const rule = role.collectionRules.get(collection);
      if (rule && ruleAllows(rule, path)) return true;
    }
    return false;
  }

  /** The roles and every role they inherit from, each once. */
  withAncestors(roles: readonly string[]): RoleInfo[] {
    const seen = new Set<string>();
    const out: RoleInfo[] = [];
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const role = this.model.roleIndex.get(name) ?? this.model.roleIndex.get(this.model.roleAliases.get(name) ?? '');
      if (!role) throw new Error(`unknown role ${name}`);
      out.push(role);
      for (const parent of role.inherits) visit(parent);
    };
    for (const r of roles) visit(r);
    return out;
  }

  /** Whether one declared grant gives `p` at level `needed` or wider, directly, by wildcard or by implication. */
  private grantCovers(grant: GrantInfo, p: PermissionInfo, needed: number): boolean {
    const widest = this.model.levels - 1;
    // The permissions this grant names directly, each with the level it gives.
    const named: PermissionInfo[] =
      grant.target.kind === 'all'
        ? [...this.model.permissions]
        : grant.target.kind === 'resource'
          ? this.model.permissions.filter((q) => q.resource === (grant.target as { resource: string }).resource)
          : [this.permission(grant.target.permission)];
    // Whatever a grant gives, directly or by implication, it gives at the level written on it;
    // a grant that names no level (an unscoped permission, `*`) gives the widest.
    const level = grant.level ?? widest;
    for (const q of named) {
      if (q.resource !== p.resource) continue;
      if (q.id !== p.id && !this.implies(q.action, p.action)) continue;
      if (!p.scoped || level >= needed) return true;
    }
    return false;
  }

  /** Whether action `from` implies action `to`, following implications transitively. */
  private implies(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      const action = this.model.actions.find((x) => x.name === a);
      for (const next of action?.implies ?? []) {
        if (next === to) return true;
        stack.push(next);
      }
    }
    return false;
  }

  private permission(id: string): PermissionInfo {
    const p =
      this.model.permissionIndex.get(id) ?? this.model.permissionIndex.get(this.model.permissionAliases.get(id) ?? '');
    if (!p) throw new Error(`unknown permission ${id}`);
    return p;
  }

  private level(scope: string | undefined): number {
    if (scope === undefined) return this.model.levels - 1;
    const s = this.model.scopes.find((x) => x.name === scope);
    if (!s) throw new Error(`unknown scope ${scope}`);
    return s.level;
  }
}

/**
 * Whether one declared collection rule allows `path`, known or not. Restated here on purpose
 * (the oracle): a listed entry covers every path below it, so an entry unknown at build time
 * follows the listed entries above it in both `allow` and `except`.
 */
function ruleAllows(rule: CollectionRule, path: string): boolean {
  const listedAbove = rule.entries.some((e) => path === e || path.startsWith(`${e}/`));
  switch (rule.mode) {
    case 'all':
      return true;
    case 'allow':
      return listedAbove;
    case 'except':
      return !listedAbove;
  }
}
