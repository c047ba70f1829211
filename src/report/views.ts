import { compactEntries } from '../model/collections.js';
import type { CollectionAccess, CollectionInfo, Model, PermissionInfo, RoleInfo } from '../model/model.js';
import { rolesAccess } from '../review/effective-access.js';
import type { CollectionDelta, Escalation, PermissionChangeKind, UserChange } from '../review/diff.js';
import { findRoutes, grantLabel, type Route } from '../review/grant-routes.js';
import type { SetReport, SetStatus } from '../review/diff-report.js';
import type { VersionCheck } from '../review/version-bump.js';
import { roleGraph, type RoleGraph } from './graph.js';

/*
 * The data `policyc report` draws: one view per policy set, computed from the resolved model
 * (the tables `access`, `explain` and `who-can` read) and, in change mode, from the diff report
 * of `policyc diff` (its deltas and escalations mark the cells: one computation, two renderings).
 * Nothing here knows about HTML.
 */

/**
 * Above this many role × permission cells a set is too large for a per-cell explanation and for a
 * fully static table: the view keeps levels only, and the page shows the matrix a page at a time.
 */
export const DETAIL_CELL_LIMIT = 100_000;

/** How a cell's level is reached: the best route of `policyc explain`. */
type CellVia = 'direct' | 'implied' | 'wildcard';

/** One (permission, role) cell of the matrix. */
export interface MatrixCell {
  /** Widest level held at HEAD (-1: not held). */
  readonly level: number;
  /** The level's scope name, or null for an unscoped permission (held in full) or when not held. */
  readonly levelName: string | null;
  readonly via: CellVia | null;
  /** The role whose grant gives it, when inherited (not the column's role itself). */
  readonly inheritedFrom: string | null;
  /** The inheritance path, the column's role first. */
  readonly path: readonly string[];
  /** The grant as written (`"records:*": own`). */
  readonly grant: string | null;
  /** The permission the grant names when this one is implied by it, and the action chain. */
  readonly impliedBy: string | null;
  readonly implication: readonly string[];
  /** `file:line` of the grant. */
  readonly at: string | null;
  /** In change mode: what the change does to this cell. */
  readonly change: CellChange | null;
}

export interface CellChange {
  readonly kind: PermissionChangeKind;
  /** Scope names before and after; null when not held, or for an unscoped permission. */
  readonly from: string | null;
  readonly to: string | null;
  /** Whether `policyc diff` counts this change as an escalation. */
  readonly escalation: boolean;
}

export interface RoleColumn {
  readonly name: string;
  readonly title: string;
  readonly description: string | null;
  readonly inherits: readonly string[];
  /** Users holding the role directly (by assignment or as the default role). */
  readonly users: readonly string[];
  readonly isDefault: boolean;
  readonly isOwner: boolean;
  /** In change mode: added, removed (a BASE-only column) or changed; null when unchanged or not comparing. */
  readonly status: 'added' | 'removed' | 'changed' | null;
  readonly renamedFrom: string | null;
  readonly escalated: boolean;
}

export interface MatrixRow {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly resource: string;
  readonly scoped: boolean;
  readonly selfRestricted: boolean;
  readonly sensitive: boolean;
  /** `removed` for a BASE permission no longer in the catalog (change mode). */
  readonly status: 'removed' | null;
  /** Level per role column (-1: not held), in column order. Always present, also for large sets. */
  readonly levels: readonly number[];
  /** Per-cell explanation, in column order; null for a set above DETAIL_CELL_LIMIT. */
  readonly cells: readonly MatrixCell[] | null;
  /** Column index to its change (change mode; sparse). */
  readonly changes: ReadonlyMap<number, CellChange>;
  readonly changed: boolean;
  readonly escalated: boolean;
}

interface CategoryGroup {
  readonly name: string | null;
  readonly title: string;
  readonly rows: readonly MatrixRow[];
}

/** A role's access to one collection, with what an entry unknown at build time gets. */
interface CollectionCell {
  readonly role: string;
  readonly mode: 'all' | 'allow' | 'except' | 'none';
  /** Allowed entries (allow) or excluded entries (except); each stands for its subtree. */
  readonly entries: readonly string[];
  /** Whether a new top-level entry (no known ancestor) would be allowed. */
  readonly unknownTop: boolean;
  /**
   * What an entry added to the catalog after the build gets (it follows its nearest known
   * ancestor): allowed anywhere, anywhere but below `entries`, only below `entries`, or nowhere.
   */
  readonly unknown: {
    readonly rule: 'anywhere' | 'except-below' | 'only-below' | 'denied';
    readonly entries: readonly string[];
  };
  readonly change: CollectionDelta | null;
  readonly escalated: boolean;
}

export interface CollectionView {
  readonly name: string;
  readonly title: string;
  readonly description: string | null;
  readonly modes: readonly string[];
  readonly entries: readonly { readonly path: string; readonly title: string; readonly depth: number }[];
  readonly roles: readonly CollectionCell[];
}

export interface UserView {
  readonly name: string;
  readonly title: string | null;
  readonly roles: readonly string[];
  /** True when the user holds the default role because none was assigned. */
  readonly defaulted: boolean;
  /** Number of permissions held (any level). */
  readonly held: number;
  /** What the user holds, by category (category title, then `id: level`); empty for large sets. */
  readonly access: readonly {
    readonly category: string;
    readonly permissions: readonly { readonly id: string; readonly level: string | null }[];
  }[];
  readonly collections: readonly { readonly collection: string; readonly summary: string }[];
  readonly change: UserChange | null;
  readonly escalated: boolean;
}

export interface SetView {
  readonly name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly version: string;
  readonly scopes: readonly string[];
  readonly defaultRole: string | null;
  readonly ownerRole: string | null;
  readonly permissionCount: number;
  /** Whether every cell carries its explanation (sets up to DETAIL_CELL_LIMIT cells). */
  readonly detailed: boolean;
  readonly roles: readonly RoleColumn[];
  readonly categories: readonly CategoryGroup[];
  readonly collections: readonly CollectionView[];
  readonly users: readonly UserView[];
  readonly graph: RoleGraph;
  readonly change: SetChange | null;
}

/** What change mode adds to a set: the diff's status, escalations and version advice. */
interface SetChange {
  readonly status: SetStatus;
  readonly baseVersion: string | null;
  readonly escalations: readonly Escalation[];
  readonly version: VersionCheck | null;
  /** One sentence: the version advice. */
  readonly advice: string | null;
  /** Number of changed cells (permission and collection). */
  readonly changedCells: number;
}

/** A cell not held, with nothing to explain. */
const EMPTY_CELL: MatrixCell = {
  level: -1,
  levelName: null,
  via: null,
  inheritedFrom: null,
  path: [],
  grant: null,
  impliedBy: null,
  implication: [],
  at: null,
  change: null,
};

/** How a route reads in a cell. */
function cellOf(
  model: Model,
  role: RoleInfo,
  permission: PermissionInfo,
  level: number,
  route: Route | undefined,
): MatrixCell {
  const levelName = level >= 0 && permission.scoped ? (model.scopes[level]?.name ?? null) : null;
  if (level < 0 || !route) return { ...EMPTY_CELL, level, levelName };
  const declaring = route.roles[route.roles.length - 1]!;
  return {
    level,
    levelName,
    via: route.implication.length > 0 ? 'implied' : route.wildcard ? 'wildcard' : 'direct',
    inheritedFrom: declaring === role.name ? null : declaring,
    path: route.roles,
    grant: grantLabel(model, route.grant),
    impliedBy: route.implication.length > 0 ? route.named : null,
    implication: route.implication,
    at: `${route.grant.span.file}:${route.grant.span.line}`,
    change: null,
  };
}

/**
 * What an entry added to the catalog after the build gets under an access: the rule, and the
 * known entries it names (compacted: an entry stands for its subtree).
 */
function unknownEntryRule(collection: CollectionInfo, access: CollectionAccess): CollectionCell['unknown'] {
  const paths = collection.entries.map((e) => e.path);
  if (access.unknownTop) {
    const below = new Set(paths.filter((p) => !access.unknownUnder.has(p)));
    return below.size === 0
      ? { rule: 'anywhere', entries: [] }
      : { rule: 'except-below', entries: compactEntries(collection, below) };
  }
  if (access.unknownUnder.size === 0) return { rule: 'denied', entries: [] };
  return { rule: 'only-below', entries: compactEntries(collection, access.unknownUnder) };
}

function collectionCell(model: Model, name: string, role: string, access: CollectionAccess): CollectionCell {
  const collection = model.collectionIndex.get(name)!;
  const none =
    access.mode === 'allow' && access.entries.length === 0 && !access.unknownTop && access.unknownUnder.size === 0;
  return {
    role,
    mode: none ? 'none' : access.mode,
    entries: access.entries,
    unknownTop: access.unknownTop,
    unknown: unknownEntryRule(collection, access),
    change: null,
    escalated: false,
  };
}

/** The level of a permission as words for a user's list: the scope name, or null when unscoped. */
function levelWord(model: Model, p: PermissionInfo, level: number): string | null {
  return p.scoped ? (model.scopes[level]?.name ?? null) : null;
}

/** The catalog facts a row shows about its permission. */
function permissionFacts(
  p: PermissionInfo,
): Pick<MatrixRow, 'id' | 'title' | 'description' | 'resource' | 'scoped' | 'selfRestricted' | 'sensitive'> {
  return {
    id: p.id,
    title: p.title,
    description: p.description ?? null,
    resource: p.resource,
    scoped: p.scoped,
    selfRestricted: p.selfRestricted,
    sensitive: p.sensitive,
  };
}

/** A category's title; `Other` for permissions without one. */
function categoryTitle(model: Model, name: string | undefined): string {
  return name === undefined ? 'Other' : (model.categories.find((c) => c.name === name)?.title ?? name);
}

/** How many permissions a holder of `roles` has at any level: the union of the roles' effective tables. */
function heldCount(model: Model, roles: readonly string[]): number {
  const tables = roles.map((r) => model.roleIndex.get(r)?.effective).filter((t) => t !== undefined);
  let n = 0;
  for (let i = 0; i < model.permissions.length; i++) if (tables.some((t) => t.at(i) >= 0)) n++;
  return n;
}

/** The view of one set, without changes: what `policyc report PATH` draws. */
export function setView(model: Model): SetView {
  const detailed = model.roles.length * model.permissions.length <= DETAIL_CELL_LIMIT;
  const roles: RoleColumn[] = model.roles.map((r) => ({
    name: r.name,
    title: r.title,
    description: r.description ?? null,
    inherits: r.inherits,
    users: model.users.filter((u) => u.roles.includes(r.name)).map((u) => u.name),
    isDefault: model.defaultRole === r.name,
    isOwner: model.ownerRole === r.name,
    status: null,
    renamedFrom: null,
    escalated: false,
  }));
  const rowOf = (p: PermissionInfo, position: number): MatrixRow => {
    const levels = model.roles.map((r) => r.effective.at(position));
    const cells = detailed
      ? model.roles.map((r, i) =>
          cellOf(model, r, p, levels[i]!, levels[i]! >= 0 ? findRoutes(model, [r.name], p)[0] : undefined),
        )
      : null;
    return {
      ...permissionFacts(p),
      status: null,
      levels,
      cells,
      changes: new Map(),
      changed: false,
      escalated: false,
    };
  };
  const rows = model.permissions.map(rowOf);
  const categories: CategoryGroup[] = [];
  for (const name of [...model.categories.map((c) => c.name), undefined]) {
    const inCategory = rows.filter((_, i) => model.permissions[i]!.category === name);
    if (inCategory.length === 0) continue;
    categories.push({ name: name ?? null, title: categoryTitle(model, name), rows: inCategory });
  }
  const collections: CollectionView[] = model.collections.map((c) => {
    const depthOf = (path: string) => path.split('/').length - 1;
    return {
      name: c.name,
      title: c.title,
      description: c.description ?? null,
      modes: c.modes,
      entries: c.entries.map((e) => ({ path: e.path, title: e.title, depth: depthOf(e.path) })),
      roles: model.roles.map((r) => collectionCell(model, c.name, r.name, r.collections.get(c.name)!)),
    };
  });
  const titleOf = new Map(categories.map((c) => [c.name, c.title]));
  const users: UserView[] = model.users.map((u) => {
    // A large set lists no user's permissions: the count alone is read from the roles' tables, by position.
    const access = detailed || model.collections.length > 0 ? rolesAccess(model, u.roles) : undefined;
    const byCategory = new Map<string, { id: string; level: string | null }[]>();
    if (detailed && access) {
      for (const [id, level] of access.permissions) {
        const p = model.permissionIndex.get(id)!;
        const title = titleOf.get(p.category ?? null) ?? 'Other';
        byCategory.set(title, [...(byCategory.get(title) ?? []), { id, level: levelWord(model, p, level) }]);
      }
    }
    return {
      name: u.name,
      title: u.title ?? null,
      roles: u.roles,
      defaulted: u.defaulted,
      held: access ? access.permissions.size : heldCount(model, u.roles),
      access: [...byCategory].map(([category, permissions]) => ({ category, permissions })),
      collections: model.collections.map((c) => {
        const cell = collectionCell(model, c.name, u.name, access!.collections.get(c.name)!);
        return {
          collection: c.name,
          summary:
            cell.mode === 'all' || cell.mode === 'none'
              ? cell.mode
              : `${cell.mode === 'allow' ? 'only' : 'all except'} ${cell.entries.join(', ')}`,
        };
      }),
      change: null,
      escalated: false,
    };
  });
  return {
    name: model.name,
    title: model.title ?? null,
    description: model.description ?? null,
    version: model.version,
    scopes: model.scopes.map((s) => s.name),
    defaultRole: model.defaultRole ?? null,
    ownerRole: model.ownerRole ?? null,
    permissionCount: model.permissions.length,
    detailed,
    roles,
    categories,
    collections,
    users,
    graph: roleGraph(model),
    change: null,
  };
}

/** The version advice of a diff, as one sentence. */
function versionAdvice(v: VersionCheck | null): string | null {
  if (!v) return null;
  if (v.ok)
    return v.required === 'none'
      ? `version ${v.to}: no bump needed`
      : `version ${v.from} → ${v.to} covers this change (${v.required})`;
  const declared =
    v.declared === 'invalid'
      ? 'is not valid semver'
      : v.declared === 'downgrade'
        ? 'goes down'
        : v.declared === 'none'
          ? 'is unchanged'
          : `is a ${v.declared} bump`;
  return `this change calls for a ${v.required} bump${v.suggested ? ` (${v.suggested})` : ''}${v.reason ? ` because ${v.reason}` : ''}; the declared version ${v.from} → ${v.to} ${declared}`;
}

/**
 * The view of one set in change mode: the HEAD matrix (BASE's for a removed set) with the diff's
 * deltas and escalations on its cells. Roles removed at HEAD and permissions removed from the
 * catalog stay as BASE-only columns and rows, so what is lost stays visible.
 */
export function changeView(set: SetReport, base: Model | undefined, head: Model | undefined): SetView {
  const model = head ?? base!;
  const view = setView(model);
  const escalations = set.escalations;
  const roleEscalation = new Set(
    escalations.filter((e) => e.subject.kind === 'role' || e.subject.kind === 'transfer').map((e) => e.subject.name),
  );
  const cellEscalation = new Set(
    escalations
      .filter((e) => e.subject.kind === 'role' && e.permission)
      .map((e) => `${e.subject.name}\0${e.permission}`),
  );
  const collectionEscalation = new Set(
    escalations
      .filter((e) => e.subject.kind === 'role' && e.collection)
      .map((e) => `${e.subject.name}\0${e.collection}`),
  );
  const permissionEscalation = new Set(
    escalations.filter((e) => e.subject.kind === 'permission').map((e) => e.permission ?? e.subject.name),
  );
  const userEscalation = new Set(escalations.filter((e) => e.subject.kind === 'user').map((e) => e.subject.name));

  // Columns: HEAD's roles, then the removed ones (BASE only).
  const roleChanges = new Map(set.roles.map((r) => [r.role, r]));
  const removedRoles = head ? set.roles.filter((r) => r.status === 'removed') : [];
  const columns: RoleColumn[] = [
    ...view.roles.map((c) => {
      const rc = roleChanges.get(c.name);
      const status = !head ? ('removed' as const) : set.status === 'added' ? ('added' as const) : (rc?.status ?? null);
      return { ...c, status, renamedFrom: rc?.renamedFrom ?? null, escalated: roleEscalation.has(c.name) };
    }),
    ...removedRoles.map((rc) => {
      const b = base?.roleIndex.get(rc.role);
      return {
        name: rc.role,
        title: rc.title,
        description: b?.description ?? null,
        inherits: b?.inherits ?? [],
        users: rc.users,
        isDefault: false,
        isOwner: false,
        status: 'removed' as const,
        renamedFrom: null,
        escalated: roleEscalation.has(rc.role),
      };
    }),
  ];
  const columnIndex = new Map(columns.map((c, i) => [c.name, i]));

  // Each role's permission deltas by column. An added or removed set: every held cell is gained or lost.
  const deltas = new Map<string, Map<number, CellChange>>();
  const note = (permission: string, column: number, change: CellChange) => {
    let m = deltas.get(permission);
    if (!m) deltas.set(permission, (m = new Map()));
    m.set(column, change);
  };
  for (const rc of set.roles) {
    const column = columnIndex.get(rc.role);
    if (column === undefined) continue;
    for (const p of rc.access.permissions) {
      note(p.permission, column, {
        kind: p.change,
        from: p.from,
        to: p.to,
        escalation: cellEscalation.has(`${rc.role}\0${p.permission}`),
      });
    }
  }

  // Rows: HEAD's permissions, then BASE permissions the catalog no longer has (in their category).
  const removedPermissions = head && base ? set.catalog.permissions.filter((p) => p.change === 'removed') : [];
  const extra = columns.length - view.roles.length;
  const mark = (row: MatrixRow): MatrixRow => {
    const changes = deltas.get(row.id) ?? new Map<number, CellChange>();
    const pad = <T>(xs: readonly T[], fill: (i: number) => T): T[] => [
      ...xs,
      ...Array.from({ length: extra }, (_, i) => fill(view.roles.length + i)),
    ];
    const levels = pad(row.levels, () => -1);
    const cells = row.cells
      ? pad(row.cells, () => EMPTY_CELL).map((c, i) => (changes.has(i) ? { ...c, change: changes.get(i)! } : c))
      : null;
    const escalated = [...changes.values()].some((c) => c.escalation) || permissionEscalation.has(row.id);
    return { ...row, levels, cells, changes, changed: changes.size > 0, escalated };
  };
  const categories: CategoryGroup[] = view.categories.map((g) => ({ ...g, rows: g.rows.map(mark) }));
  for (const rp of removedPermissions) {
    const p = base!.permissionIndex.get(rp.permission);
    if (!p) continue;
    const title = categoryTitle(base!, p.category);
    const changes = deltas.get(p.id) ?? new Map<number, CellChange>();
    const row: MatrixRow = {
      ...permissionFacts(p),
      status: 'removed',
      levels: columns.map(() => -1),
      cells: view.detailed ? columns.map((_, i) => ({ ...EMPTY_CELL, change: changes.get(i) ?? null })) : null,
      changes,
      changed: true,
      escalated: false,
    };
    const group = categories.find((g) => g.title === title);
    if (group) categories[categories.indexOf(group)] = { ...group, rows: [...group.rows, row] };
    else categories.push({ name: p.category ?? null, title, rows: [row] });
  }

  const collections: CollectionView[] = view.collections.map((c) => ({
    ...c,
    roles: c.roles.map((cell) => {
      const delta = roleChanges.get(cell.role)?.access.collections.find((d) => d.collection === c.name) ?? null;
      return { ...cell, change: delta, escalated: collectionEscalation.has(`${cell.role}\0${c.name}`) };
    }),
  }));
  const userChanges = new Map(set.users.map((u) => [u.user, u]));
  const users: UserView[] = view.users.map((u) => ({
    ...u,
    change: userChanges.get(u.name) ?? null,
    escalated: userEscalation.has(u.name),
  }));
  const changedCells =
    categories.reduce((n, g) => n + g.rows.reduce((m, r) => m + r.changes.size, 0), 0) +
    collections.reduce((n, c) => n + c.roles.filter((r) => r.change !== null).length, 0);
  return {
    ...view,
    roles: columns,
    categories,
    collections,
    users,
    change: {
      status: set.status,
      baseVersion: set.base?.version ?? null,
      escalations,
      version: set.version,
      advice: versionAdvice(set.version),
      changedCells,
    },
  };
}
