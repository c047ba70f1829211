import type { Model, RoleInfo } from '../../model/model.js';
import { emptyAccess, rolesAccess, usersOfRole } from '../effective-access.js';
import { grantLabel } from '../grant-routes.js';
import { accessDelta, deltaEmpty, NO_DELTA } from './access-delta.js';
import type { Ctx } from './context.js';
import type { DeclaredChanges, RoleChange, UserChange } from './types.js';

/*
 * The role and user deltas of a comparison: what each declares and what each can do before and
 * after.
 */

function grantKeys(ctx: Ctx, model: Model, role: RoleInfo, isBase: boolean): string[] {
  return role.grants.map((g) => {
    let text = g.text;
    if (isBase && g.target.kind === 'permission')
      text = ctx.permissionMap.get(g.target.permission) ?? g.target.permission;
    else if (g.target.kind === 'permission') text = g.target.permission;
    return grantLabel(model, { ...g, text });
  });
}

function ruleKey(rule: { mode: string; entries: readonly string[] } | undefined): string {
  return rule === undefined ? '' : `${rule.mode}:${[...rule.entries].sort().join(',')}`;
}

function declaredChanges(ctx: Ctx, before: RoleInfo | undefined, after: RoleInfo | undefined): DeclaredChanges {
  const b = before ? grantKeys(ctx, ctx.base, before, true) : [];
  const a = after ? grantKeys(ctx, ctx.head, after, false) : [];
  const bi = before ? before.inherits.map((r) => ctx.roleMap.get(r) ?? r) : [];
  const ai = after ? after.inherits : [];
  const names = [
    ...new Set([...(before ? before.collectionRules.keys() : []), ...(after ? after.collectionRules.keys() : [])]),
  ].sort();
  return {
    grantsAdded: a.filter((x) => !b.includes(x)),
    grantsRemoved: b.filter((x) => !a.includes(x)),
    inheritsAdded: ai.filter((x) => !bi.includes(x)),
    inheritsRemoved: bi.filter((x) => !ai.includes(x)),
    collections: names.filter(
      (n) => ruleKey(before?.collectionRules.get(n)) !== ruleKey(after?.collectionRules.get(n)),
    ),
  };
}

function declaredEmpty(d: DeclaredChanges): boolean {
  return (
    d.grantsAdded.length +
      d.grantsRemoved.length +
      d.inheritsAdded.length +
      d.inheritsRemoved.length +
      d.collections.length ===
    0
  );
}

export function diffRoles(ctx: Ctx): RoleChange[] {
  const { base, head } = ctx;
  const out: RoleChange[] = [];
  const baseOf = new Map([...ctx.roleMap].map(([b, h]) => [h, b]));
  for (const role of head.roles) {
    const baseName = baseOf.get(role.name);
    const before = baseName === undefined ? undefined : base.roleIndex.get(baseName);
    const access = accessDelta(
      ctx,
      before ? rolesAccess(base, [before.name]) : emptyAccess(base),
      before ? [before.name] : [],
      rolesAccess(head, [role.name]),
      [role.name],
    );
    const declared = declaredChanges(ctx, before, role);
    const renamedFrom = before && before.name !== role.name ? before.name : null;
    const titleFrom = before && before.title !== role.title ? before.title : null;
    const descriptionChanged = before !== undefined && (before.description ?? '') !== (role.description ?? '');
    if (before && deltaEmpty(access) && declaredEmpty(declared) && !renamedFrom && !titleFrom && !descriptionChanged)
      continue;
    out.push({
      role: role.name,
      title: role.title,
      status: before ? 'changed' : 'added',
      renamedFrom,
      titleFrom,
      descriptionChanged,
      transferTo: null,
      declared,
      inheritedOnly: before !== undefined && !deltaEmpty(access) && declaredEmpty(declared),
      access,
      users: usersOfRole(head, role.name),
      transfer: null,
    });
  }
  for (const role of base.roles) {
    if (ctx.roleMap.has(role.name)) continue;
    const retired = head.retiredRoles.find((r) => r.name === role.name);
    const users = usersOfRole(base, role.name);
    const before = rolesAccess(base, [role.name]);
    let transfer: RoleChange['transfer'] = null;
    if (retired && head.roleIndex.has(retired.transferTo)) {
      transfer = {
        to: retired.transferTo,
        users,
        access: accessDelta(ctx, before, [role.name], rolesAccess(head, [retired.transferTo]), [retired.transferTo]),
      };
    }
    out.push({
      role: role.name,
      title: role.title,
      status: 'removed',
      renamedFrom: null,
      titleFrom: null,
      descriptionChanged: false,
      transferTo: retired?.transferTo ?? null,
      declared: declaredChanges(ctx, role, undefined),
      inheritedOnly: false,
      access: accessDelta(ctx, before, [role.name], emptyAccess(head), []),
      users,
      transfer,
    });
  }
  return out;
}

export function diffUsers(ctx: Ctx, roles: readonly RoleChange[]): UserChange[] {
  const { base, head } = ctx;
  const out: UserChange[] = [];
  const sameList = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x) => b.includes(x));
  // A user's access is the union of their roles' access: when they hold the same roles and none
  // of them changed, it did not change either.
  const changedRoles = new Set(roles.filter((r) => r.status !== 'changed' || !deltaEmpty(r.access)).map((r) => r.role));
  for (const user of head.users) {
    const before = base.userIndex.get(user.name);
    const rolesFrom = before ? before.roles.map((r) => ctx.roleMap.get(r) ?? r) : [];
    if (
      before &&
      sameList(rolesFrom, user.roles) &&
      !user.roles.some((r) => changedRoles.has(r)) &&
      before.defaulted === user.defaulted &&
      (before.title ?? null) === (user.title ?? null)
    )
      continue;
    // For a whole set added, users are listed with their roles; their roles' tables say what they hold.
    const access = ctx.explain
      ? accessDelta(
          ctx,
          before ? rolesAccess(base, before.roles) : emptyAccess(base),
          before?.roles ?? [],
          rolesAccess(head, user.roles),
          user.roles,
        )
      : NO_DELTA;
    const defaultedFrom = before?.defaulted ?? false;
    if (
      before &&
      deltaEmpty(access) &&
      sameList(rolesFrom, user.roles) &&
      defaultedFrom === user.defaulted &&
      (before.title ?? null) === (user.title ?? null)
    )
      continue;
    out.push({
      user: user.name,
      title: user.title ?? null,
      status: before ? 'changed' : 'added',
      rolesFrom,
      rolesTo: user.roles,
      defaultedFrom,
      defaultedTo: user.defaulted,
      access,
    });
  }
  for (const user of base.users) {
    if (head.userIndex.has(user.name)) continue;
    out.push({
      user: user.name,
      title: user.title ?? null,
      status: 'removed',
      rolesFrom: user.roles.map((r) => ctx.roleMap.get(r) ?? r),
      rolesTo: [],
      defaultedFrom: user.defaulted,
      defaultedTo: false,
      access: ctx.explain
        ? accessDelta(ctx, rolesAccess(base, user.roles), user.roles, emptyAccess(head), [])
        : NO_DELTA,
    });
  }
  return out;
}
