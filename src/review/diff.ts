import type {
  CollectionAccess,
  CollectionInfo,
  CollectionMode,
  Model,
  PermissionInfo,
  RoleInfo,
} from '../model/model.js';
import { currentKey } from '../language/previous-names.js';
import { noAccess } from '../model/collections.js';
import {
  compactEntries,
  emptyAccess,
  entryAllowed,
  holdsEverything,
  levelName,
  rolesAccess,
  type SubjectAccess,
  unknownAllowed,
  usersOfRole,
} from './access.js';
import { type EscalationReason, gainReasons, type GainHolder } from './escalation.js';
import { findRoutes, grantLabel, type Route } from './explain.js';
import type { NumberChange } from './numbering.js';
import { type Bump, BUMP_RANK, checkVersion, type VersionCheck } from './version.js';

/*
 * The semantic diff of two versions of one policy set, on effective access: what each role and
 * each user can do before and after, after inheritance, wildcards, implications, scopes and
 * collection modes. Renamed roles and permissions are matched through previousNames, so a rename
 * is a rename and not a removal plus an addition. Every list is in a stable order (catalog order
 * for permissions and entries, source order for roles and users, removed items after the others
 * in their old order), so that the same inputs always give the same report.
 *
 * These types are the JSON output (docs/diff-json-schema.md): optional facts are null, never
 * missing.
 */

/** How a subject reaches a permission: the best route of `policyc explain`, summarised. */
export interface RouteSummary {
  /** Inheritance path: the subject's role first, the role that declares the grant last. */
  readonly roles: readonly string[];
  /** The grant as written, with its level (`"records:*": own`). */
  readonly grant: string;
  readonly file: string;
  readonly line: number;
  /** The permission the grant gives directly, when the asked one is implied by it. */
  readonly impliedBy: string | null;
  /** Actions from the granted action to the asked one, when implied (`["create", "view"]`). */
  readonly implication: readonly string[];
  readonly wildcard: 'all' | 'resource' | null;
}

export type PermissionChangeKind = 'gained' | 'lost' | 'widened' | 'narrowed';

export interface PermissionDelta {
  /** The permission's id at HEAD (at BASE when it was removed from the catalog). */
  readonly permission: string;
  readonly title: string;
  readonly category: string | null;
  readonly sensitive: boolean;
  readonly scoped: boolean;
  readonly change: PermissionChangeKind;
  /** Level held before and after (scope names); null when not held, or for an unscoped permission. */
  readonly from: string | null;
  readonly to: string | null;
  /** Why it is held after (gained, widened) or was held before (lost, narrowed). */
  readonly via: RouteSummary | null;
}

/** Mode `none`: nothing allowed, not even entries added later. */
export type AccessMode = CollectionMode | 'none';

export interface CollectionDelta {
  readonly collection: string;
  readonly title: string;
  readonly from: { readonly mode: AccessMode; readonly entries: readonly string[] };
  readonly to: { readonly mode: AccessMode; readonly entries: readonly string[] };
  /** Known entries (at HEAD) newly allowed / no longer allowed, each standing for its subtree where the whole subtree changed. */
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  /** Whether entries added to the catalog later (with no known ancestor) are allowed, before and after; null when unchanged. */
  readonly unknownTop: { readonly from: boolean; readonly to: boolean } | null;
  /** Known entries below which entries added later are now allowed / no longer allowed. */
  readonly unknownUnderGained: readonly string[];
  readonly unknownUnderLost: readonly string[];
}

export interface AccessDelta {
  readonly permissions: readonly PermissionDelta[];
  readonly collections: readonly CollectionDelta[];
  /** Whether the subject holds every permission at the widest level, before and after; null when unchanged. */
  readonly everything: { readonly from: boolean; readonly to: boolean } | null;
}

export interface DeclaredChanges {
  readonly grantsAdded: readonly string[];
  readonly grantsRemoved: readonly string[];
  readonly inheritsAdded: readonly string[];
  readonly inheritsRemoved: readonly string[];
  /** Collections whose declared rule (mode or entries) changed. */
  readonly collections: readonly string[];
}

export interface RoleChange {
  /** The role's key at HEAD (at BASE when removed). */
  readonly role: string;
  readonly title: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly renamedFrom: string | null;
  readonly titleFrom: string | null;
  readonly descriptionChanged: boolean;
  /** Removed roles: where their users go (PolicySet retiredRoles); null when no transfer is declared. */
  readonly transferTo: string | null;
  readonly declared: DeclaredChanges;
  /** True when the role's own document changes none of its access: every access change comes from a role it inherits or from the catalog. */
  readonly inheritedOnly: boolean;
  /** Effective access: for an added role everything it holds (gained), for a removed one everything it held (lost). */
  readonly access: AccessDelta;
  /** Users holding the role (at HEAD; at BASE for a removed role). */
  readonly users: readonly string[];
  /** Removed roles with a transfer: what their users gain and lose by moving to the target role. */
  readonly transfer: { readonly to: string; readonly users: readonly string[]; readonly access: AccessDelta } | null;
}

export interface UserChange {
  readonly user: string;
  readonly title: string | null;
  readonly status: 'added' | 'removed' | 'changed';
  /** Roles before (renamed roles under their HEAD key) and after. */
  readonly rolesFrom: readonly string[];
  readonly rolesTo: readonly string[];
  /** Whether the user had no role and got the default role, before and after. */
  readonly defaultedFrom: boolean;
  readonly defaultedTo: boolean;
  readonly access: AccessDelta;
}

export interface FieldChange {
  readonly field: string;
  readonly from: string | boolean | null;
  readonly to: string | boolean | null;
}

export interface CatalogPermissionChange {
  readonly permission: string;
  readonly title: string;
  readonly change: 'added' | 'removed' | 'renamed' | 'changed';
  readonly renamedFrom: string | null;
  readonly sensitive: boolean;
  /** Field changes (title, description, category, scoped, sensitive, selfRestricted). */
  readonly fields: readonly FieldChange[];
  /** Roles whose effective access to this permission changes (for field changes that matter: the roles holding it). */
  readonly roles: readonly string[];
}

export interface CatalogActionChange {
  readonly action: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly impliesFrom: readonly string[];
  readonly impliesTo: readonly string[];
  /** Implied actions (transitively) gained and lost. */
  readonly closureAdded: readonly string[];
  readonly closureRemoved: readonly string[];
  /** Permissions that are now implied, or no longer, by a permission of the same resource with this action. */
  readonly permissions: readonly string[];
  /** Roles whose effective access changes through this rule. */
  readonly roles: readonly string[];
}

export interface CatalogCollectionChange {
  readonly collection: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly entriesAdded: readonly string[];
  readonly entriesRemoved: readonly string[];
  readonly entriesRetitled: readonly string[];
  readonly modesFrom: readonly string[];
  readonly modesTo: readonly string[];
  readonly fields: readonly FieldChange[];
}

export interface CatalogChanges {
  readonly permissions: readonly CatalogPermissionChange[];
  readonly actions: readonly CatalogActionChange[];
  readonly collections: readonly CatalogCollectionChange[];
  /** Scope levels, narrowest first, when they changed. */
  readonly scopes: { readonly from: readonly string[]; readonly to: readonly string[] } | null;
  /** Titles of categories and resources that changed, as field changes (`category groups title`). */
  readonly other: readonly FieldChange[];
}

export type { EscalationReason } from './escalation.js';

export interface Escalation {
  readonly set: string;
  readonly subject: {
    readonly kind: 'role' | 'user' | 'transfer' | 'permission';
    readonly name: string;
    readonly title: string | null;
  };
  readonly reasons: readonly EscalationReason[];
  readonly permission: string | null;
  readonly collection: string | null;
  readonly from: string | null;
  readonly to: string | null;
  /** Users who get this access (holders of the role, transferred users, the user). */
  readonly users: readonly string[];
  /** One sentence for people. */
  readonly message: string;
}

export interface SetChanges {
  readonly escalations: readonly Escalation[];
  readonly roles: readonly RoleChange[];
  readonly users: readonly UserChange[];
  readonly catalog: CatalogChanges;
  /** PolicySet fields: version, title, description, defaultRole, ownerRole. */
  readonly settings: readonly FieldChange[];
  /** Breaking changes of the lockfile numbers (a changed, dropped or reused number). */
  readonly numbering: readonly NumberChange[];
  readonly version: VersionCheck | null;
  /** Whether anything was lost or removed (what `--fail-on removal` matches). */
  readonly removals: number;
  readonly changed: boolean;
}

/** Context shared by one comparison. */
interface Ctx {
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
function emptyModel(like: Model): Model {
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

// ---------------------------------------------------------------------------------------------
// Matching keys across versions.

function mapPermissions(base: Model, head: Model): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of base.permissions) {
    const current = currentKey(head.permissionIndex, head.permissionAliases, p.id);
    if (current !== undefined) map.set(p.id, current);
  }
  return map;
}

function mapRoles(base: Model, head: Model): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of base.roles) {
    const current = currentKey(head.roleIndex, head.roleAliases, r.name);
    if (current !== undefined) map.set(r.name, current);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Effective access.

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
function accessDelta(
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

const NO_DELTA: AccessDelta = { permissions: [], collections: [], everything: null };

export function deltaEmpty(d: AccessDelta): boolean {
  return d.permissions.length === 0 && d.collections.length === 0 && d.everything === null;
}

// ---------------------------------------------------------------------------------------------
// Roles and users.

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

function diffRoles(ctx: Ctx): RoleChange[] {
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

function diffUsers(ctx: Ctx, roles: readonly RoleChange[]): UserChange[] {
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

// ---------------------------------------------------------------------------------------------
// The catalog and the PolicySet.

function field(
  out: FieldChange[],
  name: string,
  from: string | boolean | null | undefined,
  to: string | boolean | null | undefined,
): void {
  if ((from ?? null) !== (to ?? null)) out.push({ field: name, from: from ?? null, to: to ?? null });
}

function diffCatalog(ctx: Ctx, roles: readonly RoleChange[]): CatalogChanges {
  const { base, head } = ctx;
  // Permission id → the roles (not removed) with a change to it, in role order.
  const changes = new Map<string, { role: string; change: PermissionChangeKind }[]>();
  for (const r of roles) {
    if (r.status === 'removed') continue;
    for (const d of r.access.permissions)
      changes.set(d.permission, [...(changes.get(d.permission) ?? []), { role: r.role, change: d.change }]);
  }
  const rolesWith = (permission: string, kind?: PermissionChangeKind) =>
    (changes.get(permission) ?? []).filter((c) => kind === undefined || c.change === kind).map((c) => c.role);

  const permissions: CatalogPermissionChange[] = [];
  const baseIds = new Map<string, string[]>();
  for (const [b, h] of ctx.permissionMap) baseIds.set(h, [...(baseIds.get(h) ?? []), b]);
  for (const hp of head.permissions) {
    const olds = baseIds.get(hp.id) ?? [];
    if (olds.length === 0) {
      permissions.push({
        permission: hp.id,
        title: hp.title,
        change: 'added',
        renamedFrom: null,
        sensitive: hp.sensitive,
        fields: [],
        roles: rolesWith(hp.id, 'gained'),
      });
      continue;
    }
    const bp = base.permissionIndex.get(olds.includes(hp.id) ? hp.id : olds[0]!)!;
    const fields: FieldChange[] = [];
    field(fields, 'title', bp.title, hp.title);
    field(fields, 'description', bp.description, hp.description);
    field(fields, 'category', bp.category, hp.category);
    field(fields, 'scoped', bp.scoped, hp.scoped);
    field(fields, 'sensitive', bp.sensitive, hp.sensitive);
    field(fields, 'selfRestricted', bp.selfRestricted, hp.selfRestricted);
    const renamedFrom = bp.id !== hp.id ? bp.id : null;
    if (fields.length === 0 && !renamedFrom) continue;
    const matters = fields.some((f) => f.field === 'scoped' || f.field === 'selfRestricted');
    permissions.push({
      permission: hp.id,
      title: hp.title,
      change: renamedFrom ? 'renamed' : 'changed',
      renamedFrom,
      sensitive: hp.sensitive,
      fields,
      roles: matters ? head.roles.filter((r) => r.effective.has(hp.id)).map((r) => r.name) : rolesWith(hp.id),
    });
  }
  for (const bp of base.permissions) {
    if (ctx.permissionMap.has(bp.id)) continue;
    permissions.push({
      permission: bp.id,
      title: bp.title,
      change: 'removed',
      renamedFrom: null,
      sensitive: bp.sensitive,
      fields: [],
      roles: base.roles.filter((r) => r.effective.has(bp.id)).map((r) => ctx.roleMap.get(r.name) ?? r.name),
    });
  }

  const actions: CatalogActionChange[] = [];
  const actionNames = [
    ...head.actions.map((a) => a.name),
    ...base.actions.map((a) => a.name).filter((n) => !head.actions.some((a) => a.name === n)),
  ];
  for (const name of actionNames) {
    const b = base.actions.find((a) => a.name === name);
    const h = head.actions.find((a) => a.name === name);
    const impliesFrom = b?.implies ?? [];
    const impliesTo = h?.implies ?? [];
    const closureFrom = b?.closure ?? [];
    const closureTo = h?.closure ?? [];
    const closureAdded = closureTo.filter((x) => !closureFrom.includes(x));
    const closureRemoved = closureFrom.filter((x) => !closureTo.includes(x));
    const sameImplies = impliesFrom.length === impliesTo.length && impliesFrom.every((x) => impliesTo.includes(x));
    if (b && h && sameImplies && closureAdded.length === 0 && closureRemoved.length === 0) continue;
    // Permissions of a resource that has this action, whose action comes or goes from its closure.
    const implied = (model: Model, actions: readonly string[]) =>
      model.permissions
        .filter((p) => actions.includes(p.action) && model.permissionIndex.has(`${p.resource}:${name}`))
        .map((p) => p.id);
    const gainedPerms = implied(head, closureAdded);
    const lostPerms = implied(base, closureRemoved).map((id) => ctx.permissionMap.get(id) ?? id);
    const affected = roles
      .filter((r) => r.status === 'changed')
      .filter((r) =>
        r.access.permissions.some(
          (d) =>
            ((d.change === 'gained' || d.change === 'widened') && gainedPerms.includes(d.permission)) ||
            ((d.change === 'lost' || d.change === 'narrowed') && lostPerms.includes(d.permission)),
        ),
      )
      .map((r) => r.role);
    actions.push({
      action: name,
      change: !b ? 'added' : !h ? 'removed' : 'changed',
      impliesFrom,
      impliesTo,
      closureAdded,
      closureRemoved,
      permissions: [...gainedPerms, ...lostPerms.filter((p) => !gainedPerms.includes(p))],
      roles: affected,
    });
  }
  // Actions that only exist as names (no permission, no implication) are not worth a line.
  const meaningfulActions = actions.filter(
    (a) => a.change === 'changed' || a.impliesFrom.length + a.impliesTo.length > 0 || a.permissions.length > 0,
  );

  const collections: CatalogCollectionChange[] = [];
  for (const hc of head.collections) {
    const bc = base.collectionIndex.get(hc.name);
    if (!bc) {
      collections.push({
        collection: hc.name,
        change: 'added',
        entriesAdded: compactEntries(hc, new Set(hc.entries.map((e) => e.path))),
        entriesRemoved: [],
        entriesRetitled: [],
        modesFrom: [],
        modesTo: hc.modes,
        fields: [],
      });
      continue;
    }
    const added = new Set(hc.entries.filter((e) => !bc.entryIndex.has(e.path)).map((e) => e.path));
    const removed = new Set(bc.entries.filter((e) => !hc.entryIndex.has(e.path)).map((e) => e.path));
    const retitled = hc.entries
      .filter((e) => bc.entryIndex.has(e.path) && bc.entryIndex.get(e.path)!.title !== e.title)
      .map((e) => e.path);
    const fields: FieldChange[] = [];
    field(fields, 'title', bc.title, hc.title);
    field(fields, 'description', bc.description, hc.description);
    const sameModes = bc.modes.length === hc.modes.length && bc.modes.every((m) => hc.modes.includes(m));
    if (added.size === 0 && removed.size === 0 && retitled.length === 0 && fields.length === 0 && sameModes) continue;
    collections.push({
      collection: hc.name,
      change: 'changed',
      entriesAdded: compactEntries(hc, added),
      entriesRemoved: compactEntries(bc, removed),
      entriesRetitled: retitled,
      modesFrom: sameModes ? [] : bc.modes,
      modesTo: sameModes ? [] : hc.modes,
      fields,
    });
  }
  for (const bc of base.collections) {
    if (head.collectionIndex.has(bc.name)) continue;
    collections.push({
      collection: bc.name,
      change: 'removed',
      entriesAdded: [],
      entriesRemoved: compactEntries(bc, new Set(bc.entries.map((e) => e.path))),
      entriesRetitled: [],
      modesFrom: bc.modes,
      modesTo: [],
      fields: [],
    });
  }

  const bs = base.scopes.map((s) => s.name);
  const hs = head.scopes.map((s) => s.name);
  const scopes =
    bs.join('<') === hs.join('<') || base.permissions.length === 0 || head.permissions.length === 0
      ? null
      : { from: bs, to: hs };

  const other: FieldChange[] = [];
  if (base.permissions.length > 0 && head.permissions.length > 0) {
    for (const c of head.categories) {
      const b = base.categories.find((x) => x.name === c.name);
      if (b) field(other, `category ${c.name} title`, b.title, c.title);
      else other.push({ field: `category ${c.name}`, from: null, to: c.title });
    }
    for (const c of base.categories)
      if (!head.categories.some((x) => x.name === c.name))
        other.push({ field: `category ${c.name}`, from: c.title, to: null });
    for (const r of head.resources) {
      const b = base.resources.find((x) => x.name === r.name);
      if (b) field(other, `resource ${r.name} title`, b.title, r.title);
      else other.push({ field: `resource ${r.name}`, from: null, to: r.title });
    }
    for (const r of base.resources)
      if (!head.resources.some((x) => x.name === r.name))
        other.push({ field: `resource ${r.name}`, from: r.title, to: null });
    for (const s of head.scopes) {
      const b = base.scopes.find((x) => x.name === s.name);
      if (b) field(other, `scope ${s.name} title`, b.title, s.title);
    }
  }
  return { permissions, actions: meaningfulActions, collections, scopes, other };
}

function catalogChanged(c: CatalogChanges): boolean {
  return (
    c.permissions.length > 0 ||
    c.actions.length > 0 ||
    c.collections.length > 0 ||
    c.scopes !== null ||
    c.other.length > 0
  );
}

function diffSettings(ctx: Ctx, both: boolean): FieldChange[] {
  if (!both) return [];
  const { base, head } = ctx;
  const out: FieldChange[] = [];
  field(out, 'version', base.version, head.version);
  field(out, 'title', base.title, head.title);
  field(out, 'description', base.description, head.description);
  field(
    out,
    'defaultRole',
    base.defaultRole && (ctx.roleMap.get(base.defaultRole) ?? base.defaultRole),
    head.defaultRole,
  );
  field(out, 'ownerRole', base.ownerRole && (ctx.roleMap.get(base.ownerRole) ?? base.ownerRole), head.ownerRole);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Escalations, removals and the version bump.

function gains(d: AccessDelta): PermissionDelta[] {
  return d.permissions.filter((p) => p.change === 'gained' || p.change === 'widened');
}

function levelText(to: string | null): string {
  return to === null ? '' : ` at ${to}`;
}

function findEscalations(
  ctx: Ctx,
  roles: readonly RoleChange[],
  users: readonly UserChange[],
  catalog: CatalogChanges,
): Escalation[] {
  const { head } = ctx;
  const set = head.name;
  const widest = head.scopes[head.levels - 1]?.name;
  const out: Escalation[] = [];

  const describe = (noun: string, subject: Escalation['subject']) =>
    `${noun} \`${subject.name}\`${subject.title ? ` (${subject.title})` : ''}`;
  // The owner role holds everything by design: when the same role held everything before, what it (or a user holding it) gains is routine.
  const owner = head.ownerRole;
  const baseOwner = ctx.base.ownerRole;
  const ownerContinues =
    owner !== undefined &&
    baseOwner !== undefined &&
    (ctx.roleMap.get(baseOwner) ?? baseOwner) === owner &&
    holdsEverything(ctx.base, rolesAccess(ctx.base, [baseOwner]));
  const fromDelta = (
    subject: Escalation['subject'],
    who: string,
    delta: AccessDelta,
    users: readonly string[],
    holder: GainHolder,
  ): Escalation[] => {
    const list: Escalation[] = [];
    const verb = (one: string, many: string) => (subject.kind === 'transfer' ? many : one);
    if (delta.everything?.to === true) {
      list.push({
        set,
        subject,
        reasons: ['grants-everything'],
        permission: null,
        collection: null,
        from: null,
        to: null,
        users,
        message: `${who} ${verb('now holds', 'now hold')} every permission${widest ? ` at ${widest}` : ''}`,
      });
    } else {
      for (const p of gains(delta)) {
        const reasons = gainReasons(
          head,
          { permission: p.permission, change: p.change as 'gained' | 'widened', to: p.to },
          holder,
        );
        if (reasons.length === 0) continue;
        const what =
          p.change === 'widened'
            ? `${verb('widens', 'widen')} \`${p.permission}\` (${p.title}) from ${p.from ?? 'held'} to ${p.to ?? 'unscoped'}`
            : `${verb('gains', 'gain')} \`${p.permission}\` (${p.title})${levelText(p.to)}`;
        list.push({
          set,
          subject,
          reasons,
          permission: p.permission,
          collection: null,
          from: p.from,
          to: p.to,
          users,
          message: `${who} ${what}${p.sensitive ? ': it manages access itself (sensitive)' : ''}`,
        });
      }
    }
    for (const c of delta.collections) {
      if (c.to.mode !== 'all' || c.from.mode === 'all') continue;
      list.push({
        set,
        subject,
        reasons: ['collection-all'],
        permission: null,
        collection: c.collection,
        from: c.from.mode,
        to: 'all',
        users,
        message: `${who} ${verb('now has', 'now have')} access to all ${c.title}, including entries added later (was ${c.from.mode === 'none' ? 'none' : `${c.from.mode === 'allow' ? 'only' : 'all except'} ${c.from.entries.join(', ')}`})`,
      });
    }
    return list;
  };

  const roleEscalations = new Map<string, Escalation[]>();
  for (const r of roles) {
    if (r.status === 'removed') continue;
    const subject = { kind: 'role', name: r.role, title: r.title } as const;
    const holder = { ownerBefore: ownerContinues && r.status === 'changed' && r.role === owner };
    const list = fromDelta(
      subject,
      describe(r.status === 'added' ? 'new role' : 'role', subject),
      r.access,
      r.users,
      holder,
    );
    roleEscalations.set(r.role, list);
    out.push(...list);
  }
  // Users moved by a transfer: what the transfer gives them is listed once, for the transfer.
  const transferEscalations = new Map<string, Escalation[]>();
  for (const r of roles) {
    if (!r.transfer) continue;
    const who = `users of removed role \`${r.role}\` (moved to \`${r.transfer.to}\`)`;
    const list = fromDelta(
      { kind: 'transfer', name: r.role, title: r.title },
      who,
      r.transfer.access,
      r.transfer.users,
      { ownerBefore: false },
    );
    for (const u of r.transfer.users) transferEscalations.set(u, [...(transferEscalations.get(u) ?? []), ...list]);
    out.push(...list);
  }
  const key = (e: Escalation) =>
    e.reasons.includes('grants-everything') ? '*' : `${e.permission ?? ''}|${e.collection ?? ''}`;
  for (const u of users) {
    if (u.status === 'removed') continue;
    const covered = new Set(
      [...u.rolesTo.flatMap((r) => roleEscalations.get(r) ?? []), ...(transferEscalations.get(u.user) ?? [])].map(key),
    );
    const subject = { kind: 'user', name: u.user, title: u.title } as const;
    const holder = {
      ownerBefore:
        ownerContinues && u.status === 'changed' && u.rolesFrom.includes(owner!) && u.rolesTo.includes(owner!),
    };
    const list = fromDelta(
      subject,
      describe(u.status === 'added' ? 'new user' : 'user', subject),
      u.access,
      [u.user],
      holder,
    ).filter((e) => !covered.has(key(e)) && !(covered.has('*') && e.permission !== null));
    out.push(...list);
  }
  for (const p of catalog.permissions) {
    const lifted = p.fields.find((f) => f.field === 'selfRestricted' && f.from === true && f.to === false);
    if (!lifted || p.roles.length === 0) continue;
    const holders = head.users
      .filter((u) => u.roles.some((r) => head.roleIndex.get(r)?.effective.has(p.permission)))
      .map((u) => u.name);
    out.push({
      set,
      subject: { kind: 'permission', name: p.permission, title: p.title },
      reasons: ['self-restriction-lifted', ...(p.sensitive ? (['sensitive'] as const) : [])],
      permission: p.permission,
      collection: null,
      from: 'selfRestricted',
      to: null,
      users: holders,
      message: `\`${p.permission}\` (${p.title}) is no longer self-restricted: holders can now apply it to themselves (roles ${p.roles.map((r) => `\`${r}\``).join(', ')})`,
    });
  }
  return out;
}

function lossCount(d: AccessDelta): number {
  return (
    d.permissions.filter((p) => p.change === 'lost' || p.change === 'narrowed').length +
    d.collections.filter((c) => c.lost.length > 0 || c.unknownUnderLost.length > 0 || c.unknownTop?.to === false).length
  );
}

function countRemovals(roles: readonly RoleChange[], users: readonly UserChange[], catalog: CatalogChanges): number {
  let n = 0;
  for (const r of roles) n += r.status === 'removed' ? 1 : lossCount(r.access);
  for (const u of users) n += u.status === 'removed' ? 1 : lossCount(u.access);
  n += catalog.permissions.filter((p) => p.change === 'removed').length;
  n += catalog.collections.filter((c) => c.change === 'removed' || c.entriesRemoved.length > 0).length;
  if (catalog.scopes?.from.some((s) => !catalog.scopes!.to.includes(s))) n++;
  return n;
}

function requiredBump(
  roles: readonly RoleChange[],
  users: readonly UserChange[],
  catalog: CatalogChanges,
  settings: readonly FieldChange[],
): { bump: Bump; reason: string | null } {
  let bump: Bump = 'none';
  let reason: string | null = null;
  const need = (b: Bump, why: string) => {
    if (BUMP_RANK[b] > BUMP_RANK[bump]) {
      bump = b;
      reason = why;
    }
  };
  for (const p of catalog.permissions) {
    if (p.change === 'removed') need('major', `permission \`${p.permission}\` was removed`);
    if (p.change === 'added') need('minor', `permission \`${p.permission}\` was added`);
    if (p.change === 'renamed') need('minor', `permission \`${p.renamedFrom}\` was renamed to \`${p.permission}\``);
  }
  for (const c of catalog.collections) {
    if (c.change === 'removed' || c.entriesRemoved.length > 0)
      need(
        'major',
        c.change === 'removed'
          ? `collection \`${c.collection}\` was removed`
          : `${c.collection} entry \`${c.entriesRemoved[0]}\` was removed`,
      );
    if (c.change === 'added' || c.entriesAdded.length > 0)
      need(
        'minor',
        c.change === 'added'
          ? `collection \`${c.collection}\` was added`
          : `${c.collection} entry \`${c.entriesAdded[0]}\` was added`,
      );
  }
  if (catalog.scopes) {
    const gone = catalog.scopes.from.find((s) => !catalog.scopes!.to.includes(s));
    const added = catalog.scopes.to.find((s) => !catalog.scopes!.from.includes(s));
    if (gone) need('major', `scope \`${gone}\` was removed`);
    if (added) need('minor', `scope \`${added}\` was added`);
    need('patch', 'the scopes were reordered');
  }
  for (const r of roles) {
    if (r.status === 'removed') need('major', `role \`${r.role}\` was removed`);
    if (r.status === 'added') need('minor', `role \`${r.role}\` was added`);
    if (r.renamedFrom) need('minor', `role \`${r.renamedFrom}\` was renamed to \`${r.role}\``);
    const lost = r.access.permissions.find((p) => p.change === 'lost' || p.change === 'narrowed');
    if (r.status !== 'removed' && lost)
      need('major', `role \`${r.role}\` ${lost.change === 'lost' ? 'loses' : 'narrows'} \`${lost.permission}\``);
    if (
      r.status !== 'removed' &&
      r.access.collections.some((c) => c.lost.length > 0 || c.unknownTop?.to === false || c.unknownUnderLost.length > 0)
    )
      need('major', `role \`${r.role}\` loses collection access`);
    const gained = gains(r.access)[0];
    if (r.status === 'changed' && gained)
      need('minor', `role \`${r.role}\` ${gained.change === 'gained' ? 'gains' : 'widens'} \`${gained.permission}\``);
    if (
      r.status === 'changed' &&
      r.access.collections.some(
        (c) => c.gained.length > 0 || c.unknownTop?.to === true || c.unknownUnderGained.length > 0,
      )
    )
      need('minor', `role \`${r.role}\` gains collection access`);
    need('patch', `role \`${r.role}\` changed`);
  }
  for (const u of users) {
    if (u.status === 'removed') need('major', `user \`${u.user}\` was removed`);
    if (u.status === 'added') need('minor', `user \`${u.user}\` was added`);
    if (lossCount(u.access) > 0) need('major', `user \`${u.user}\` loses access`);
    if (gains(u.access).length > 0 || u.access.collections.length > 0) need('minor', `user \`${u.user}\` gains access`);
    need('patch', `user \`${u.user}\` changed`);
  }
  for (const p of catalog.permissions)
    if (p.change === 'changed') need('patch', `permission \`${p.permission}\` changed`);
  for (const a of catalog.actions) need('patch', `action \`${a.action}\` changed`);
  for (const c of catalog.collections) need('patch', `collection \`${c.collection}\` changed`);
  for (const o of catalog.other) need('patch', `${o.field} changed`);
  for (const s of settings) if (s.field !== 'version') need('patch', `${s.field} changed`);
  return { bump, reason };
}
