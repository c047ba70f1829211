import type { Model } from '../../model/model.js';
import { compactEntries } from '../effective-access.js';
import type { Ctx } from './context.js';
import type {
  CatalogActionChange,
  CatalogChanges,
  CatalogCollectionChange,
  CatalogPermissionChange,
  FieldChange,
  PermissionChangeKind,
  RoleChange,
} from './types.js';

/*
 * The catalog and PolicySet deltas of a comparison: permissions, actions, collections, scopes and
 * the set's own fields.
 */

export function field(
  out: FieldChange[],
  name: string,
  from: string | boolean | null | undefined,
  to: string | boolean | null | undefined,
): void {
  if ((from ?? null) !== (to ?? null)) out.push({ field: name, from: from ?? null, to: to ?? null });
}

export function diffCatalog(ctx: Ctx, roles: readonly RoleChange[]): CatalogChanges {
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

export function catalogChanged(c: CatalogChanges): boolean {
  return (
    c.permissions.length > 0 ||
    c.actions.length > 0 ||
    c.collections.length > 0 ||
    c.scopes !== null ||
    c.other.length > 0
  );
}

export function diffSettings(ctx: Ctx, both: boolean): FieldChange[] {
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
