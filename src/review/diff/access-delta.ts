import { noAccess } from '../../model/collections.js';
import type { CollectionAccess, CollectionInfo, Model, PermissionInfo } from '../../model/model.js';
import {
  compactEntries,
  entryAllowed,
  holdsEverything,
  levelName,
  type SubjectAccess,
  unknownAllowed,
} from '../effective-access.js';
import { findRoutes, grantLabel, type Route } from '../grant-routes.js';
import type { Ctx } from './context.js';
import type { AccessDelta, AccessMode, CollectionDelta, PermissionDelta, RouteSummary } from './types.js';

/*
 * Effective access before and after, per subject: which permissions and collection entries a role
 * or user gains or loses.
 */

/** A level in HEAD's terms: a BASE level keeps its scope name when HEAD still has it. */
function headRank(ctx: Ctx, basePermission: PermissionInfo, level: number, headPermission: PermissionInfo): number {
  const headWidest = ctx.head.levels - 1;
  if (!headPermission.scoped) return headWidest;
  // An unscoped permission was held in full: it counts as the widest level.
  if (!basePermission.scoped) return headWidest;
  const name = ctx.base.scopes[level]?.name;
  const same = name === undefined ? undefined : ctx.head.scopes.find((s) => s.name === name);
  return same ? same.level : Math.min(level, headWidest);
}

function summarizeRoute(model: Model, route: Route | undefined): RouteSummary | null {
  if (!route) return null;
  return {
    roles: route.roles,
    grant: grantLabel(model, route.grant),
    file: route.grant.span.file,
    line: route.grant.span.line,
    impliedBy: route.implication.length > 0 ? route.named : null,
    implication: route.implication,
    wildcard: route.wildcard ?? null,
  };
}

function accessMode(access: CollectionAccess): { mode: AccessMode; entries: readonly string[] } {
  if (access.mode === 'allow' && access.entries.length === 0 && !access.unknownTop && access.unknownUnder.size === 0)
    return { mode: 'none', entries: [] };
  return { mode: access.mode, entries: access.entries };
}

/**
 * What a subject gains and loses between `before` (BASE, holding `baseRoles`) and `after`
 * (HEAD, holding `headRoles`); the roles are used to explain each change.
 */
export function accessDelta(
  ctx: Ctx,
  before: SubjectAccess,
  baseRoles: readonly string[],
  after: SubjectAccess,
  headRoles: readonly string[],
): AccessDelta {
  const { base, head } = ctx;
  const permissions: PermissionDelta[] = [];
  // BASE levels in HEAD terms, by HEAD id.
  const mapped = new Map<string, number>();
  const removed: [PermissionInfo, number][] = [];
  for (const [id, level] of before.permissions) {
    const bp = base.permissionIndex.get(id)!;
    const hid = ctx.permissionMap.get(id);
    if (hid === undefined) {
      removed.push([bp, level]);
      continue;
    }
    const hp = head.permissionIndex.get(hid)!;
    mapped.set(hid, Math.max(headRank(ctx, bp, level, hp), mapped.get(hid) ?? -1));
  }
  const baseOf = (hid: string): PermissionInfo | undefined => {
    const b = ctx.baseOf.get(hid);
    return b === undefined ? undefined : base.permissionIndex.get(b);
  };
  const baseLevelName = (hid: string): string | null => {
    const bp = baseOf(hid);
    if (!bp) return null;
    const level = before.permissions.get(bp.id);
    return level === undefined ? null : (levelName(base, bp, level) ?? null);
  };
  const viaHead = (p: PermissionInfo) => (ctx.explain ? summarizeRoute(head, findRoutes(head, headRoles, p)[0]) : null);
  const viaBase = (p: PermissionInfo) => (ctx.explain ? summarizeRoute(base, findRoutes(base, baseRoles, p)[0]) : null);
  for (const hp of head.permissions) {
    const now = after.permissions.get(hp.id);
    const was = mapped.get(hp.id);
    if (now === undefined && was === undefined) continue;
    const common = {
      permission: hp.id,
      title: hp.title,
      category: hp.category ?? null,
      sensitive: hp.sensitive,
      scoped: hp.scoped,
    };
    if (was === undefined) {
      permissions.push({
        ...common,
        change: 'gained',
        from: null,
        to: levelName(head, hp, now!) ?? null,
        via: viaHead(hp),
      });
    } else if (now === undefined) {
      const bp = baseOf(hp.id)!;
      permissions.push({ ...common, change: 'lost', from: baseLevelName(hp.id), to: null, via: viaBase(bp) });
    } else if (now > was) {
      permissions.push({
        ...common,
        change: 'widened',
        from: baseLevelName(hp.id),
        to: levelName(head, hp, now) ?? null,
        via: viaHead(hp),
      });
    } else if (now < was) {
      const bp = baseOf(hp.id)!;
      permissions.push({
        ...common,
        change: 'narrowed',
        from: baseLevelName(hp.id),
        to: levelName(head, hp, now) ?? null,
        via: viaBase(bp),
      });
    }
  }
  for (const [bp, level] of removed) {
    permissions.push({
      permission: bp.id,
      title: bp.title,
      category: bp.category ?? null,
      sensitive: bp.sensitive,
      scoped: bp.scoped,
      change: 'lost',
      from: levelName(base, bp, level) ?? null,
      to: null,
      via: viaBase(bp),
    });
  }

  const collections: CollectionDelta[] = [];
  for (const c of head.collections) {
    const bc = base.collectionIndex.get(c.name);
    const was = (bc && before.collections.get(c.name)) || noAccess();
    const now = after.collections.get(c.name) ?? noAccess();
    const d = collectionDelta(c, bc, was, now);
    if (d) collections.push(d);
  }
  for (const bc of base.collections) {
    if (head.collectionIndex.has(bc.name)) continue;
    const was = before.collections.get(bc.name) ?? noAccess();
    if (was.allowed.size === 0 && !was.unknownTop && was.unknownUnder.size === 0) continue;
    collections.push({
      collection: bc.name,
      title: bc.title,
      from: accessMode(was),
      to: { mode: 'none', entries: [] },
      gained: [],
      lost: compactEntries(bc, was.allowed),
      unknownTop: was.unknownTop ? { from: true, to: false } : null,
      unknownUnderGained: [],
      unknownUnderLost: [],
    });
  }

  const everythingBefore = base.permissions.length > 0 && holdsEverything(base, before);
  const everythingAfter = holdsEverything(head, after);
  return {
    permissions,
    collections,
    everything: everythingBefore !== everythingAfter ? { from: everythingBefore, to: everythingAfter } : null,
  };
}

function collectionDelta(
  c: CollectionInfo,
  bc: CollectionInfo | undefined,
  was: CollectionAccess,
  now: CollectionAccess,
): CollectionDelta | undefined {
  const gained = new Set<string>();
  const lost = new Set<string>();
  const underGained = new Set<string>();
  const underLost = new Set<string>();
  for (const e of c.entries) {
    const before = bc ? entryAllowed(bc, was, e.path) : false;
    const after = now.allowed.has(e.path);
    if (after && !before) gained.add(e.path);
    if (before && !after) lost.add(e.path);
    const underBefore = bc
      ? bc.entryIndex.has(e.path)
        ? was.unknownUnder.has(e.path)
        : unknownAllowed(bc, was, `${e.path}/\u0000`)
      : false;
    const underAfter = now.unknownUnder.has(e.path);
    if (underAfter && !underBefore) underGained.add(e.path);
    if (underBefore && !underAfter) underLost.add(e.path);
  }
  const topBefore = bc ? was.unknownTop : false;
  const topChanged = topBefore !== now.unknownTop;
  if (gained.size === 0 && lost.size === 0 && underGained.size === 0 && underLost.size === 0 && !topChanged)
    return undefined;
  return {
    collection: c.name,
    title: c.title,
    from: accessMode(was),
    to: accessMode(now),
    gained: compactEntries(c, gained),
    lost: compactEntries(c, lost),
    unknownTop: topChanged ? { from: topBefore, to: now.unknownTop } : null,
    unknownUnderGained: compactEntries(c, underGained),
    unknownUnderLost: compactEntries(c, underLost),
  };
}

export const NO_DELTA: AccessDelta = { permissions: [], collections: [], everything: null };

export function deltaEmpty(d: AccessDelta): boolean {
  return d.permissions.length === 0 && d.collections.length === 0 && d.everything === null;
}
