import { type Bump, BUMP_RANK } from '../version-bump.js';
import { gains } from './escalations.js';
import type { AccessDelta, CatalogChanges, FieldChange, RoleChange, UserChange } from './types.js';

/* Removals and the version bump a comparison calls for (semantic versioning of the policy set). */

function lossCount(d: AccessDelta): number {
  return (
    d.permissions.filter((p) => p.change === 'lost' || p.change === 'narrowed').length +
    d.collections.filter((c) => c.lost.length > 0 || c.unknownUnderLost.length > 0 || c.unknownTop?.to === false).length
  );
}

export function countRemovals(
  roles: readonly RoleChange[],
  users: readonly UserChange[],
  catalog: CatalogChanges,
): number {
  let n = 0;
  for (const r of roles) n += r.status === 'removed' ? 1 : lossCount(r.access);
  for (const u of users) n += u.status === 'removed' ? 1 : lossCount(u.access);
  n += catalog.permissions.filter((p) => p.change === 'removed').length;
  n += catalog.collections.filter((c) => c.change === 'removed' || c.entriesRemoved.length > 0).length;
  if (catalog.scopes?.from.some((s) => !catalog.scopes!.to.includes(s))) n++;
  return n;
}

export function requiredBump(
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
