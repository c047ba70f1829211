import { coveredBy } from '../../language/nearest-ancestor.js';
import type { AccessDelta, CollectionDelta, PermissionDelta, RouteSummary } from '../diff.js';
import type { DiffReport, SetReport, SideInfo } from '../diff-report.js';

/** Helpers shared by the markdown and text renderings of a diff. */

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "main (1a2b3c4)", "working tree", "../old". */
export function sideLabel(side: SideInfo): string {
  return side.revision ? `${side.label} (${side.revision.slice(0, 7)})` : side.label;
}

/** The level a change moves between, as words: "group → all", "own", "held". */
export function levelChange(p: PermissionDelta): string {
  const from = p.from ?? (p.change === 'gained' ? 'none' : 'held');
  const to = p.to ?? (p.change === 'lost' ? 'none' : 'held');
  if (p.change === 'gained') return p.to ?? 'held';
  return `${from} → ${to}`;
}

/** Where a permission comes from, in one phrase: "`records:*: own` in `sales-agent` (inherited)". */
export function routePhrase(via: RouteSummary | null, subjectIsRole: boolean, tick: (s: string) => string): string {
  if (!via) return '';
  const declaring = via.roles[via.roles.length - 1]!;
  const parts = [tick(via.grant)];
  if (subjectIsRole && via.roles.length > 1)
    parts.push(
      `inherited from ${tick(declaring)}${via.roles.length > 2 ? ` (via ${via.roles.slice(1, -1).map(tick).join(' → ')})` : ''}`,
    );
  if (!subjectIsRole)
    parts.push(
      `in ${tick(declaring)}${via.roles.length > 1 ? ` (through ${via.roles.slice(0, -1).map(tick).join(' → ')})` : ''}`,
    );
  const implied = via.impliedBy ? ` (${via.implication.join(' ⇒ ')})` : '';
  return `${parts[0]}${implied}${parts.length > 1 ? `, ${parts.slice(1).join(', ')}` : ''}`;
}

/** A collection access as words: "all", "none", "allow slack, gmail", "all except stripe". */
export function modeText(m: CollectionDelta['from'], tick: (s: string) => string, limit = 6): string {
  if (m.mode === 'all' || m.mode === 'none') return m.mode;
  const list =
    m.entries.length > limit
      ? `${m.entries.slice(0, limit).map(tick).join(', ')} and ${m.entries.length - limit} more`
      : m.entries.map(tick).join(', ');
  return m.mode === 'allow' ? `only ${list}` : `all except ${list}`;
}

/**
 * Entries for people: an entry that only contains changed entries (a container like `salesforce`
 * when only `salesforce/triggers/new-lead` changes below it) is left out when its descendants
 * are listed.
 */
export function displayEntries(entries: readonly string[]): string[] {
  return entries.filter((e) => !entries.some((x) => x !== e && x.startsWith(`${e}/`)));
}

function within(path: string, roots: readonly string[]): boolean {
  return coveredBy(path, roots);
}

/** What a collection change does, as phrases: gained entries, lost entries, entries added later. */
export function collectionPhrases(c: CollectionDelta, tick: (s: string) => string, limit = 8): string[] {
  const list = (xs: readonly string[]) =>
    xs.length > limit
      ? `${xs.slice(0, limit).map(tick).join(', ')} and ${xs.length - limit} more`
      : xs.map(tick).join(', ');
  const gained = displayEntries(c.gained);
  const lost = displayEntries(c.lost);
  const out: string[] = [];
  if (gained.length > 0) out.push(`gains ${list(gained)}`);
  if (lost.length > 0) out.push(`loses ${list(lost)}`);
  if (c.unknownTop)
    out.push(
      c.unknownTop.to
        ? 'entries added to the catalog later: now allowed'
        : 'entries added to the catalog later: no longer allowed',
    );
  else {
    const underGained = displayEntries(c.unknownUnderGained.filter((e) => !within(e, c.gained)));
    const underLost = displayEntries(c.unknownUnderLost.filter((e) => !within(e, c.lost)));
    if (underGained.length > 0) out.push(`entries added later under ${list(underGained)}: now allowed`);
    if (underLost.length > 0) out.push(`entries added later under ${list(underLost)}: no longer allowed`);
  }
  return out;
}

export function deltaCounts(d: AccessDelta): { gained: number; lost: number } {
  let gained = 0;
  let lost = 0;
  for (const p of d.permissions) {
    if (p.change === 'gained' || p.change === 'widened') gained++;
    else lost++;
  }
  for (const c of d.collections) {
    if (c.gained.length > 0 || c.unknownTop?.to === true || c.unknownUnderGained.length > 0) gained++;
    if (c.lost.length > 0 || c.unknownTop?.to === false || c.unknownUnderLost.length > 0) lost++;
  }
  return { gained, lost };
}

/** "2 roles changed, 1 added · 3 users affected". */
export function setSummary(s: SetReport): string {
  const parts: string[] = [];
  if (s.renamedFrom !== null) parts.push(`renamed from ${s.renamedFrom}`);
  if (s.numbering.length > 0) parts.push(`${plural(s.numbering.length, 'lockfile number')} changed meaning`);
  const changed = s.roles.filter((r) => r.status === 'changed').length;
  const added = s.roles.filter((r) => r.status === 'added').length;
  const removed = s.roles.filter((r) => r.status === 'removed').length;
  const roleBits = [
    changed > 0 ? `${changed} changed` : '',
    added > 0 ? `${added} added` : '',
    removed > 0 ? `${removed} removed` : '',
  ].filter(Boolean);
  if (roleBits.length > 0) parts.push(`roles: ${roleBits.join(', ')}`);
  if (s.users.length > 0) parts.push(`${plural(s.users.length, 'user')} affected`);
  const catalog =
    s.catalog.permissions.length +
    s.catalog.actions.length +
    s.catalog.collections.length +
    (s.catalog.scopes ? 1 : 0) +
    s.catalog.other.length;
  if (catalog > 0) parts.push(plural(catalog, 'catalog change'));
  if (s.settings.some((f) => f.field !== 'version'))
    parts.push(`${plural(s.settings.filter((f) => f.field !== 'version').length, 'setting')} changed`);
  return parts.join(' · ');
}

/** One line for the whole report: "2 escalations · 1 removal · crm changed, platform unchanged". */
export function reportHeadline(r: DiffReport): string {
  const s = r.summary;
  if (s.changed === 0 && s.failed === 0) return `No changes to effective access in ${plural(s.sets, 'policy set')}.`;
  const parts: string[] = [];
  if (s.failed > 0) parts.push(`${plural(s.failed, 'set')} failed to compile`);
  if (s.renumbered > 0) parts.push(`${plural(s.renumbered, 'lockfile number')} changed meaning`);
  parts.push(plural(s.escalations, 'escalation'));
  parts.push(`${plural(s.removals, 'removal')}`);
  if (s.rolesAdded + s.rolesRemoved + s.rolesChanged > 0)
    parts.push(
      [
        s.rolesChanged > 0 ? `${s.rolesChanged} changed` : '',
        s.rolesAdded > 0 ? `${s.rolesAdded} added` : '',
        s.rolesRemoved > 0 ? `${s.rolesRemoved} removed` : '',
      ]
        .filter(Boolean)
        .join(', ')
        .replace(/^/, 'roles: '),
    );
  if (s.usersChanged > 0) parts.push(`${plural(s.usersChanged, 'user')} affected`);
  return parts.join(' · ');
}
