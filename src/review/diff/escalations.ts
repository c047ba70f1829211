import { holdsEverything, rolesAccess } from '../effective-access.js';
import { type GainHolder, gainReasons } from '../escalation.js';
import type { Ctx } from './context.js';
import type { AccessDelta, CatalogChanges, Escalation, PermissionDelta, RoleChange, UserChange } from './types.js';

/*
 * Which changes of a comparison give someone more than before in a way a reviewer must see (an
 * escalation).
 */

export function gains(d: AccessDelta): PermissionDelta[] {
  return d.permissions.filter((p) => p.change === 'gained' || p.change === 'widened');
}

function levelText(to: string | null): string {
  return to === null ? '' : ` at ${to}`;
}

export function findEscalations(
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
