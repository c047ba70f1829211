import { type ANY_LEVEL, type AskedLevel, askedExplicitly, levelNeeded } from '../language/asked-level.js';
import { grantNames, levelGiven } from '../language/grant-gives.js';
import type { GrantInfo, Model, PermissionInfo, RoleInfo, UserInfo } from '../model/model.js';
import { findRole, rolesAccess, type SubjectAccess } from './effective-access.js';

/**
 * Why a subject holds a permission: every way one of its roles, or a role they inherit from,
 * reaches it through a declared grant (directly, by a wildcard, or by an implication).
 * Computed from the declared grants like the reference evaluator, so it explains the
 * effective tables rather than repeating them.
 */
export interface Route {
  /** The inheritance path: the subject's role first, the role that declares the grant last. */
  readonly roles: readonly string[];
  readonly grant: GrantInfo;
  /** The permission the grant gives directly (the one asked, or the one that implies it). */
  readonly named: string;
  /** How the grant names `named`: `*`, `resource:*`, or undefined for the id itself. */
  readonly wildcard: 'all' | 'resource' | undefined;
  /** Actions from the named permission's action to the asked one, both included; empty when `named` is the asked permission. */
  readonly implication: readonly string[];
  /** The level this route gives the asked permission (the widest for an unscoped one). */
  readonly level: number;
}

/**
 * Whom `explain`, `who-can` and `access` speak of: a role, or a user with the roles they hold
 * (not the generated API's run-time `Subject`).
 */
export type ReviewSubject =
  | { readonly kind: 'role'; readonly role: RoleInfo }
  | { readonly kind: 'user'; readonly user: UserInfo };

export function subjectRoles(subject: ReviewSubject): readonly string[] {
  return subject.kind === 'role' ? [subject.role.name] : subject.user.roles;
}

export function subjectName(subject: ReviewSubject): string {
  return subject.kind === 'role' ? subject.role.name : subject.user.name;
}

export function subjectTitle(subject: ReviewSubject): string | undefined {
  return subject.kind === 'role' ? subject.role.title : subject.user.title;
}

/** Each role reachable from `roles` with its shortest inheritance path (the starting role first). */
export function inheritancePaths(model: Model, roles: readonly string[]): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const queue: string[][] = [];
  for (const r of roles) {
    const role = findRole(model, r);
    if (role && !paths.has(role.name)) {
      paths.set(role.name, [role.name]);
      queue.push([role.name]);
    }
  }
  while (queue.length > 0) {
    const path = queue.shift()!;
    const role = model.roleIndex.get(path[path.length - 1]!)!;
    for (const parent of role.inherits) {
      if (paths.has(parent)) continue;
      const next = [...path, parent];
      paths.set(parent, next);
      queue.push(next);
    }
  }
  return paths;
}

const chains = new WeakMap<Model, Map<string, string[] | undefined>>();

/** The shortest chain of actions from `from` to `to` following declared implications, or undefined. Memoised per model. */
export function implicationChain(model: Model, from: string, to: string): string[] | undefined {
  let memo = chains.get(model);
  if (!memo) chains.set(model, (memo = new Map()));
  const key = `${from}\0${to}`;
  if (memo.has(key)) return memo.get(key);
  const chain = searchChain(model, from, to);
  memo.set(key, chain);
  return chain;
}

function searchChain(model: Model, from: string, to: string): string[] | undefined {
  if (from === to) return [from];
  const previous = new Map<string, string>([[from, '']]);
  const queue = [from];
  while (queue.length > 0) {
    const a = queue.shift()!;
    for (const next of model.actions.find((x) => x.name === a)?.implies ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, a);
      if (next === to) {
        const chain = [to];
        let at = a;
        while (at !== '') {
          chain.unshift(at);
          at = previous.get(at)!;
        }
        return chain;
      }
      queue.push(next);
    }
  }
  return undefined;
}

const grantIndexes = new WeakMap<Model, Map<string, Map<string, { grant: GrantInfo; at: number }[]>>>();

/** Each role's declared grants by the resource they name (`*` for grants of everything), in declaration order. Memoised per model. */
function grantIndex(model: Model): Map<string, Map<string, { grant: GrantInfo; at: number }[]>> {
  let index = grantIndexes.get(model);
  if (index) return index;
  index = new Map();
  for (const role of model.roles) {
    const byResource = new Map<string, { grant: GrantInfo; at: number }[]>();
    role.grants.forEach((grant, at) => {
      const t = grant.target;
      const key =
        t.kind === 'all'
          ? '*'
          : t.kind === 'resource'
            ? t.resource
            : (model.permissionIndex.get(t.permission)?.resource ?? '');
      byResource.set(key, [...(byResource.get(key) ?? []), { grant, at }]);
    });
    index.set(role.name, byResource);
  }
  grantIndexes.set(model, index);
  return index;
}

/** The permissions of `resource` a grant names directly (the rule: language/grant-gives.ts). */
function grantNamesOn(model: Model, grant: GrantInfo, resource: string): PermissionInfo[] {
  const ids = model.resources.find((r) => r.name === resource)?.permissions ?? [];
  return ids
    .map((id) => model.permissionIndex.get(id))
    .filter((p): p is PermissionInfo => p !== undefined && grantNames(grant.target, p));
}

/**
 * Every route by which a subject holding `roles` reaches `permission`, best first: the widest
 * level, then the shortest inheritance path, then a direct grant before a wildcard before an
 * implication, then declaration order.
 */
export function findRoutes(model: Model, roles: readonly string[], permission: PermissionInfo): Route[] {
  const widest = model.levels - 1;
  const routes: (Route & { order: number })[] = [];
  let order = 0;
  const index = grantIndex(model);
  for (const [name, path] of inheritancePaths(model, roles)) {
    const byResource = index.get(name);
    const grants = [...(byResource?.get(permission.resource) ?? []), ...(byResource?.get('*') ?? [])].sort(
      (a, b) => a.at - b.at,
    );
    for (const { grant } of grants) {
      for (const q of grantNamesOn(model, grant, permission.resource)) {
        const chain = q.id === permission.id ? [] : implicationChain(model, q.action, permission.action);
        if (chain === undefined) continue;
        const level = levelGiven(grant.level, permission, widest);
        routes.push({
          roles: path,
          grant,
          named: q.id,
          wildcard: grant.target.kind === 'permission' ? undefined : grant.target.kind,
          implication: chain,
          level,
          order: order++,
        });
      }
    }
  }
  const indirection = (r: Route) => (r.implication.length > 0 ? 2 : r.wildcard ? 1 : 0);
  routes.sort(
    (a, b) =>
      b.level - a.level || a.roles.length - b.roles.length || indirection(a) - indirection(b) || a.order - b.order,
  );
  return routes.map(({ order: _order, ...r }) => r);
}

/** The answer to "may SUBJECT do PERMISSION (at SCOPE)?", with the reasons. */
export interface Explanation {
  readonly model: Model;
  readonly subject: ReviewSubject;
  readonly permission: PermissionInfo;
  /** The level asked, made explicit (the widest when no scope was given), or `'any'`; undefined for an unscoped permission. */
  readonly asked: number | typeof ANY_LEVEL | undefined;
  readonly allowed: boolean;
  /** The widest level held, undefined when the permission is not held at all. */
  readonly held: number | undefined;
  /** Routes that reach the asked level (all routes when it is not allowed). Best first. */
  readonly routes: readonly Route[];
  /** When not allowed: the routes that give the permission at a narrower level than asked. */
  readonly nearest: readonly Route[];
  /** When the permission is not held at all: the other permissions of its resource the subject holds. */
  readonly sameResource: readonly { readonly id: string; readonly level: number }[];
  /** Roles of the set that do hold the permission at the asked level. */
  readonly grantedBy: readonly { readonly role: string; readonly level: number }[];
}

/** Whether a subject holds a permission at the level asked (no scope given: the widest, see language/asked-level.ts), and why. */
export function explain(
  model: Model,
  subject: ReviewSubject,
  permission: PermissionInfo,
  asked: AskedLevel,
): Explanation {
  const roles = subjectRoles(subject);
  const access = rolesAccess(model, roles);
  const held = access.permissions.get(permission.id);
  const needed = levelNeeded(permission, asked, model.levels);
  const allowed = held !== undefined && held >= needed;
  const all = findRoutes(model, roles, permission);
  const reaching = all.filter((r) => r.level >= needed);
  const sameResource =
    held === undefined
      ? [...access.permissions]
          .filter(([id]) => model.permissionIndex.get(id)!.resource === permission.resource)
          .map(([id, level]) => ({ id, level }))
      : [];
  const grantedBy = model.roles
    .filter((r) => (r.effective.get(permission.id) ?? -1) >= needed)
    .map((r) => ({ role: r.name, level: r.effective.get(permission.id)! }));
  return {
    model,
    subject,
    permission,
    asked: permission.scoped ? askedExplicitly(asked, model.levels) : undefined,
    allowed,
    held,
    routes: allowed ? reaching : [],
    nearest: allowed ? [] : all,
    sameResource,
    grantedBy,
  };
}

/** A role or user that holds a permission. */
export interface Holder {
  readonly kind: 'role' | 'user';
  readonly name: string;
  readonly title: string | undefined;
  readonly level: number;
  /** For roles: the best route. For users: the roles through which they hold it. */
  readonly route: Route | undefined;
  readonly through: readonly string[];
}

/** Which roles and users hold `permission` at the level asked or wider (no scope given: the widest; see language/asked-level.ts). */
export function whoCan(
  model: Model,
  permission: PermissionInfo,
  asked: AskedLevel,
): { roles: Holder[]; users: Holder[] } {
  const needed = levelNeeded(permission, asked, model.levels);
  const roles: Holder[] = [];
  for (const role of model.roles) {
    const level = role.effective.get(permission.id);
    if (level === undefined || level < needed) continue;
    roles.push({
      kind: 'role',
      name: role.name,
      title: role.title,
      level,
      route: findRoutes(model, [role.name], permission)[0],
      through: [],
    });
  }
  const users: Holder[] = [];
  for (const user of model.users) {
    const through = user.roles.filter((r) => (model.roleIndex.get(r)?.effective.get(permission.id) ?? -1) >= needed);
    if (through.length === 0) continue;
    const level = Math.max(...through.map((r) => model.roleIndex.get(r)!.effective.get(permission.id)!));
    users.push({ kind: 'user', name: user.name, title: user.title, level, route: undefined, through });
  }
  return { roles, users };
}

/** Everything a subject holds, grouped by category in catalog order. */
export interface AccessReport {
  readonly model: Model;
  readonly subject: ReviewSubject;
  /** Every role the subject holds, directly or by inheritance, with the path. */
  readonly roles: readonly { readonly role: string; readonly path: readonly string[] }[];
  readonly categories: readonly {
    readonly category: string | undefined;
    readonly title: string;
    readonly permissions: readonly {
      readonly permission: PermissionInfo;
      readonly level: number;
      readonly route: Route | undefined;
    }[];
  }[];
  readonly access: SubjectAccess;
  readonly count: number;
}

export function accessOf(model: Model, subject: ReviewSubject): AccessReport {
  const roles = subjectRoles(subject);
  const access = rolesAccess(model, roles);
  const categories: {
    category: string | undefined;
    title: string;
    permissions: { permission: PermissionInfo; level: number; route: Route | undefined }[];
  }[] = [];
  const order = [...model.categories.map((c) => c.name), undefined];
  for (const name of order) {
    const permissions = model.permissions
      .filter((p) => p.category === name && access.permissions.has(p.id))
      .map((p) => ({ permission: p, level: access.permissions.get(p.id)!, route: findRoutes(model, roles, p)[0] }));
    if (permissions.length === 0) continue;
    categories.push({
      category: name,
      title: name === undefined ? 'Other' : (model.categories.find((c) => c.name === name)?.title ?? name),
      permissions,
    });
  }
  return {
    model,
    subject,
    roles: [...inheritancePaths(model, roles)].map(([role, path]) => ({ role, path })),
    categories,
    access,
    count: access.permissions.size,
  };
}

/** A grant as it reads in YAML: `records:update: group`, `"records:*": own`, `"*"`. */
export function grantLabel(model: Model, grant: GrantInfo): string {
  const text = grant.text.includes('*') ? `"${grant.text}"` : grant.text;
  return grant.level === undefined ? text : `${text}: ${model.scopes[grant.level]?.name ?? grant.level}`;
}
