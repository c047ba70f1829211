import type { ActionInfo, CollectionRule, GrantInfo, Model, PermissionInfo, RoleInfo } from '../model/model.js';

/**
 * The reference evaluator: answers access questions straight from the roles' declared grants,
 * inheritance and the actions' implications, with no precomputed tables and no bitsets. It is
 * deliberately plain: it is the oracle the generated code is tested against. What it works out
 * once is kept for the evaluator's life (an action's implications, a role list's ancestors,
 * whether a wildcard grant reaches a permission), each computed by the same plain rule, so that
 * asking thousands of questions of one model costs each rule once.
 *
 * INVARIANT: it restates the rules of the language on purpose, and imports nothing from
 * src/language/ (what a grant gives, names by their previous keys, the nearest listed ancestor
 * of an entry, the widest level when no scope is given). Everything else (the resolver,
 * explain, who-can, diff, the steps) calls those modules; an oracle that shared their code
 * would share their bugs (test/language-rules.test.ts checks the imports).
 */
export class ReferenceEvaluator {
  readonly model: Model;
  /** Each action by its name (the first declared, as a search through the list finds it). */
  private readonly actionByName = new Map<string, ActionInfo>();
  /** Each scope's level by its name (the first declared). */
  private readonly levelByScope = new Map<string, number>();
  /** Each resource's permissions, in catalog order: what a `*` or `resource:*` grant names of it. */
  private readonly permissionsByResource = new Map<string, PermissionInfo[]>();
  /** Memo: every action an action implies, transitively (itself only when a cycle leads back to it). */
  private readonly impliedMemo = new Map<string, ReadonlySet<string>>();
  /** Memo: whether naming every permission of a permission's resource gives it (by id or by implication). */
  private readonly wholeResourceMemo = new Map<PermissionInfo, boolean>();
  /** Memo: a role list's roles with their ancestors, by the list. */
  private readonly ancestorsMemo = new Map<string, readonly RoleInfo[]>();
  /** The role list asked last (the array, its names when asked, its ancestors). */
  private lastAsked: { list: readonly string[]; names: readonly string[]; ancestors: readonly RoleInfo[] } | undefined;

  /**
   * The model is read, not copied: it must not change while this evaluator answers (answers are
   * memoised per evaluator; build a new evaluator for a new model).
   */
  constructor(model: Model) {
    this.model = model;
    for (const a of model.actions) if (!this.actionByName.has(a.name)) this.actionByName.set(a.name, a);
    for (const s of model.scopes) if (!this.levelByScope.has(s.name)) this.levelByScope.set(s.name, s.level);
    for (const q of model.permissions) {
      const list = this.permissionsByResource.get(q.resource);
      if (list) list.push(q);
      else this.permissionsByResource.set(q.resource, [q]);
    }
  }

  /**
   * Whether a subject holding `roles` may perform `permission` at `scope` (default: the widest
   * level). With `self`, the subject acts on itself: self-restricted permissions never apply.
   */
  allowed(roles: readonly string[], permission: string, scope?: string, options: { self?: boolean } = {}): boolean {
    const p = this.permission(permission);
    if (p.selfRestricted && options.self === true) return false;
    const needed = this.level(scope);
    for (const role of this.ancestors(roles)) {
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
    for (const role of this.ancestors(roles)) {
      const rule = role.collectionRules.get(collection);
      if (rule && ruleAllows(rule, path)) return true;
    }
    return false;
  }

  /** The roles and every role they inherit from, each once. */
  withAncestors(roles: readonly string[]): RoleInfo[] {
    return [...this.ancestors(roles)];
  }

  /**
   * `withAncestors`, memoised by the role list (the same list is asked about every permission).
   * The list asked last is kept with a copy of its names, so that asking it again costs no key.
   */
  private ancestors(roles: readonly string[]): readonly RoleInfo[] {
    const last = this.lastAsked;
    if (last && last.list === roles && sameNames(last.names, roles)) return last.ancestors;
    // A list's JSON starts with `[`, a one-role key with `1:`: the two kinds never meet.
    const memoKey = roles.length === 1 ? `1:${roles[0]}` : JSON.stringify(roles);
    let out = this.ancestorsMemo.get(memoKey);
    if (!out) {
      out = this.collectAncestors(roles);
      this.ancestorsMemo.set(memoKey, out);
    }
    this.lastAsked = { list: roles, names: [...roles], ancestors: out };
    return out;
  }

  private collectAncestors(roles: readonly string[]): RoleInfo[] {
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
    const target = grant.target;
    // The permissions this grant names directly: all of them (`*`), a resource's, or one. Only
    // those of p's resource can give p: p itself, or one whose action implies p's.
    let gives: boolean;
    if (target.kind === 'permission') {
      const q = this.permission(target.permission);
      gives = q.resource === p.resource && (q.id === p.id || this.implied(q.action).has(p.action));
    } else if (target.kind === 'resource' && target.resource !== p.resource) {
      gives = false;
    } else {
      gives = this.wholeResourceGives(p);
    }
    if (!gives) return false;
    // Whatever a grant gives, directly or by implication, it gives at the level written on it;
    // a grant that names no level (an unscoped permission, `*`) gives the widest.
    const level = grant.level ?? this.model.levels - 1;
    return !p.scoped || level >= needed;
  }

  /** Whether some permission of p's resource is p or implies p's action (what `*` and `resource:*` give of p). */
  private wholeResourceGives(p: PermissionInfo): boolean {
    let gives = this.wholeResourceMemo.get(p);
    if (gives === undefined) {
      gives = (this.permissionsByResource.get(p.resource) ?? []).some(
        (q) => q.id === p.id || this.implied(q.action).has(p.action),
      );
      this.wholeResourceMemo.set(p, gives);
    }
    return gives;
  }

  /** Every action `from` implies, following implications transitively (memoised). */
  private implied(from: string): ReadonlySet<string> {
    let out = this.impliedMemo.get(from);
    if (out) return out;
    const reached = new Set<string>();
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      for (const next of this.actionByName.get(a)?.implies ?? []) {
        reached.add(next);
        stack.push(next);
      }
    }
    out = reached;
    this.impliedMemo.set(from, out);
    return out;
  }

  private permission(id: string): PermissionInfo {
    const p =
      this.model.permissionIndex.get(id) ?? this.model.permissionIndex.get(this.model.permissionAliases.get(id) ?? '');
    if (!p) throw new Error(`unknown permission ${id}`);
    return p;
  }

  private level(scope: string | undefined): number {
    if (scope === undefined) return this.model.levels - 1;
    const level = this.levelByScope.get(scope);
    if (level === undefined) throw new Error(`unknown scope ${scope}`);
    return level;
  }
}

/** Whether two role lists hold the same names in the same order (a caller may have changed its array since). */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
