import { BIDI_CONTROL } from '../../load/source.js';
import type {
  AccessDelta,
  CatalogChanges,
  Escalation,
  FieldChange,
  PermissionDelta,
  RoleChange,
  UserChange,
} from '../diff.js';
import {
  collectionPhrases,
  deltaCounts,
  levelChange,
  modeText,
  plural,
  reportHeadline,
  routePhrase,
  setSummary,
  sideLabel,
} from './phrases.js';
import type { DiffReport, SetReport } from '../diff-report.js';

/**
 * The diff as a pull-request comment (GitHub-flavoured markdown). The first line is a marker
 * (`<!-- policyc-diff -->`) so that a workflow can find and update its previous comment.
 * Everything is in a fixed order, so the same change always gives the same comment.
 */
export const MARKDOWN_MARKER = '<!-- policyc-diff -->';

/** GitHub refuses comments longer than this; the rendering shrinks to fit. */
const COMMENT_LIMIT = 65_000;

/** Tables longer than this go into a collapsible block. */
const LONG = 12;

/** Text written by policy authors (titles), made inert: no markup, no HTML, no mentions, no invisible reordering. */
export function mdInline(s: string): string {
  return s
    .replace(BIDI_CONTROL, '\ufffd')
    .replace(/\s+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~@])/g, '\\$1');
}

export function mdText(s: string): string {
  return mdInline(s).trim();
}

/** A key (role, permission, user, entry) as code. */
export function tick(s: string): string {
  const clean = s.replace(BIDI_CONTROL, '\ufffd').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function collapsibleTable(header: string[], rows: string[][], what: string): string {
  const t = table(header, rows);
  return rows.length > LONG ? details(plural(rows.length, what), t) : t;
}

interface Options {
  /** Leave out the tables of users and of roles that change only through inheritance (for very large diffs). */
  readonly compact: boolean;
}

export function renderMarkdown(report: DiffReport): string {
  let text = render(report, { compact: false });
  if (text.length > COMMENT_LIMIT) text = render(report, { compact: true });
  if (text.length > COMMENT_LIMIT) {
    const cut = text.lastIndexOf('\n', COMMENT_LIMIT - 400);
    text = `${text.slice(0, cut)}\n\n> [!NOTE]\n> This comment was cut to fit GitHub's size limit. Run \`policyc diff\` locally for the whole report.\n`;
  }
  return text;
}

function render(report: DiffReport, options: Options): string {
  const out: string[] = [MARKDOWN_MARKER, '### Policy changes', ''];
  out.push(
    `${tick(sideLabel(report.base))} → ${tick(sideLabel(report.head))} · **${mdText(reportHeadline(report))}**`,
    '',
  );
  for (const s of report.sets) out.push(`- ${setLine(s)}`);
  out.push('');

  const failed = report.sets.filter((s) => s.status === 'error');
  if (failed.length > 0) {
    const lines = [
      '> [!CAUTION]',
      `> **${plural(failed.length, 'policy set')} ${failed.length === 1 ? 'does' : 'do'} not compile**: ${failed.length === 1 ? 'its' : 'their'} changes cannot be shown until the errors are fixed.`,
    ];
    for (const s of failed) {
      for (const [side, info] of [
        [report.base, s.base],
        [report.head, s.head],
      ] as const) {
        if (!info || info.ok) continue;
        lines.push(`> - **${mdText(s.name)}** at ${tick(sideLabel(side))}: ${plural(info.errors.length, 'error')}`);
        for (const e of info.errors.slice(0, 10)) {
          const where = typeof e.file === 'string' ? `${tick(`${e.file}:${e.line}:${e.column}`)} ` : '';
          lines.push(`>   - ${where}${tick(String(e.code))} ${mdText(String(e.message))}`);
        }
        if (info.errors.length > 10) lines.push(`>   - and ${info.errors.length - 10} more`);
      }
    }
    out.push(...lines, '');
  }

  const renumbered = report.sets.filter((s) => s.numbering.length > 0);
  if (renumbered.length > 0) {
    const n = report.summary.renumbered;
    out.push(
      '> [!CAUTION]',
      `> **Breaking: ${plural(n, 'lockfile number')} ${n === 1 ? 'changes' : 'change'} meaning.** Numbers are stored by applications (tokens, database rows, cached bitsets); a changed or reused number silently gives stored data another meaning. Restore the lockfile from the base branch (\`git checkout <base> -- <lockfile>\`) and run \`policyc build\`.`,
    );
    for (const s of renumbered) {
      for (const c of s.numbering.slice(0, 20))
        out.push(`> - ${report.sets.length > 1 ? `**${mdText(s.name)}** · ` : ''}${messageMd(c.message)}`);
      if (s.numbering.length > 20) out.push(`> - and ${s.numbering.length - 20} more in ${mdText(s.name)}`);
    }
    out.push('');
  }

  if (report.escalations.length > 0) {
    out.push(
      '> [!WARNING]',
      `> **${plural(report.escalations.length, 'escalation')}**: access to manage access, the widest scope, a whole collection or everything. Review these first.`,
    );
    const added = new Set(
      report.sets.flatMap((s) => [
        ...s.roles.filter((r) => r.status === 'added').map((r) => `${s.name}\0role\0${r.role}`),
        ...s.users.filter((u) => u.status === 'added').map((u) => `${s.name}\0user\0${u.user}`),
      ]),
    );
    for (const line of escalationLines(report.escalations, report.sets.length > 1, added)) out.push(`> - ${line}`);
    out.push('');
  }

  for (const s of report.sets) {
    if (s.status === 'unchanged' || s.status === 'error') continue;
    out.push(...renderSet(s, options));
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

function setLine(s: SetReport): string {
  const name = `**${mdText(s.name)}**${s.renamedFrom !== null ? ` (renamed from **${mdText(s.renamedFrom)}**)` : ''}`;
  switch (s.status) {
    case 'unchanged':
      return `${name}: no change`;
    case 'error':
      return `${name}: ❌ does not compile${s.base && !s.base.ok ? ' at BASE' : ''}${s.head && !s.head.ok ? ' at HEAD' : ''}`;
    case 'added':
      return `${name}: ➕ new set (version ${s.head?.version ?? '?'}), ${plural(s.roles.length, 'role')}, ${plural(s.users.length, 'user')}`;
    case 'removed':
      return `${name}: ➖ set removed (was version ${s.base?.version ?? '?'})`;
    case 'changed': {
      const esc = s.escalations.length > 0 ? ` · ⚠️ ${plural(s.escalations.length, 'escalation')}` : '';
      return `${name} ${versionShort(s)}: ${mdText(setSummary(s))}${esc}`;
    }
  }
}

function versionShort(s: SetReport): string {
  const v = s.version;
  if (!v) return '';
  const versions = v.from === v.to ? v.to : `${v.from} → ${v.to}`;
  return v.ok ? `(${versions})` : `(${versions}, ❗ needs a ${v.required} bump)`;
}

/** One line per escalation; a subject with several (a new role holding many sensitive permissions) gets one line listing them. */
function escalationLines(escalations: readonly Escalation[], showSet: boolean, added: ReadonlySet<string>): string[] {
  const groups = new Map<string, Escalation[]>();
  for (const e of escalations) {
    const key = `${e.set}\0${e.subject.kind}\0${e.subject.name}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: string[] = [];
  for (const group of groups.values()) {
    if (group.length < 3) {
      for (const e of group) out.push(escalationLine(e, showSet));
      continue;
    }
    const e = group[0]!;
    const fresh = added.has(`${e.set}\0${e.subject.kind}\0${e.subject.name}`) ? 'new ' : '';
    const noun =
      fresh +
      { role: 'role', user: 'user', transfer: 'users of removed role', permission: 'permission' }[e.subject.kind];
    const items = group.map((x) => {
      if (x.reasons.includes('grants-everything')) return '**every permission**';
      if (x.collection) return `all of ${tick(x.collection)}`;
      const flags = x.reasons.filter((r) => r === 'sensitive').length > 0 ? ' ⚠️' : '';
      return `${tick(x.permission ?? '')}${x.to ? ` at ${mdText(x.to)}` : ''}${flags}`;
    });
    const users = e.users.length > 0 ? ` · users: ${e.users.map(tick).join(', ')}` : '';
    out.push(
      `${showSet ? `**${mdText(e.set)}** · ` : ''}${noun} ${tick(e.subject.name)}${e.subject.title ? ` (${mdText(e.subject.title)})` : ''}: ${plural(group.length, 'escalation')}: ${items.join(', ')}${users}`,
    );
  }
  return out;
}

function escalationLine(e: Escalation, showSet: boolean): string {
  const users = e.users.length > 0 ? ` · users: ${e.users.map(tick).join(', ')}` : '';
  return `${showSet ? `**${mdText(e.set)}** · ` : ''}${messageMd(e.message)}${users}`;
}

/** A diff message (keys in backticks, titles in parentheses) as markdown: keys stay code, the rest is made inert. */
function messageMd(message: string): string {
  return message
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? tick(part.slice(1, -1)) : mdInline(part)))
    .join('')
    .trim();
}

function renderSet(s: SetReport, options: Options): string[] {
  const out: string[] = [`#### ${mdText(s.name)}`, ''];
  if (s.status === 'added' || s.status === 'removed') {
    const verb = s.status === 'added' ? 'New policy set' : 'Removed policy set';
    out.push(`${verb}, version ${s.status === 'added' ? (s.head?.version ?? '?') : (s.base?.version ?? '?')}.`, '');
    const rows = s.roles.map((r) => {
      const c = deltaCounts(r.access);
      return [
        tick(r.role),
        mdText(r.title),
        String(s.status === 'added' ? c.gained : c.lost),
        r.users.map(tick).join(', ') || '—',
      ];
    });
    out.push(collapsibleTable(['Role', 'Title', 'Permissions and collections', 'Users'], rows, 'role'), '');
    return out;
  }
  if (s.version) {
    const v = s.version;
    const declared = v.from === v.to ? `still ${v.to}` : `${v.from} → ${v.to}`;
    if (v.ok)
      out.push(
        `✅ Version ${declared}${v.required !== 'none' ? ` covers this change (needs ${v.required}${v.reason ? `: ${messageMd(v.reason)}` : ''})` : ''}.`,
      );
    else if (v.declared === 'invalid') out.push(`❗ Version ${declared}: not a semantic version.`);
    else
      out.push(
        `❗ Version ${declared}: this change calls for a **${v.required}** bump${v.suggested ? ` (${tick(v.suggested)})` : ''}${v.reason ? ` because ${messageMd(v.reason)}` : ''}${v.declared === 'downgrade' ? '; the version went down' : ''}.`,
      );
    out.push('');
  }
  const settings = s.settings.filter((f) => f.field !== 'version');
  if (settings.length > 0) {
    for (const f of settings) out.push(`- ${fieldLine(f)}`);
    out.push('');
  }

  const own = s.roles.filter((r) => !r.inheritedOnly);
  const inherited = s.roles.filter((r) => r.inheritedOnly);
  if (s.roles.length > 0) out.push('##### Roles', '');
  for (const r of own) out.push(...renderRole(r), '');
  if (inherited.length > 0) {
    const names = inherited.map((r) => tick(r.role)).join(', ');
    const summary = `${plural(inherited.length, 'role')} ${inherited.length === 1 ? 'changes' : 'change'} only through the roles ${inherited.length === 1 ? 'it inherits' : 'they inherit'} or the catalog: ${names}`;
    if (options.compact) out.push(`${summary}.`, '');
    else out.push(details(summary, inherited.map((r) => renderRole(r).join('\n')).join('\n\n')), '');
  }

  if (s.users.length > 0) {
    out.push('##### Users', '');
    if (options.compact)
      out.push(`${plural(s.users.length, 'user')} affected: ${s.users.map((u) => tick(u.user)).join(', ')}.`, '');
    else out.push(collapsibleTable(['User', 'Roles', 'Gains', 'Loses'], s.users.map(userRow), 'user'), '');
  }

  const catalog = catalogRows(s.catalog);
  if (catalog.length > 0) {
    out.push('##### Catalog', '');
    out.push(
      collapsibleTable(['Change', 'What', 'Details', 'Roles whose access changes'], catalog, 'catalog change'),
      '',
    );
  }
  return out;
}

function fieldLine(f: FieldChange): string {
  const v = (x: string | boolean | null) => (x === null ? 'none' : typeof x === 'boolean' ? String(x) : tick(x));
  if (f.field === 'description') return 'description changed';
  return `${mdText(f.field)}: ${v(f.from)} → ${v(f.to)}`;
}

const CHANGE_LABEL: Record<PermissionDelta['change'], string> = {
  gained: '🟢 gained',
  lost: '🔴 lost',
  widened: '⬆️ widened',
  narrowed: '⬇️ narrowed',
};

function permissionRows(d: AccessDelta, subjectIsRole: boolean): string[][] {
  const rows: string[][] = [];
  if (d.everything)
    rows.push([
      d.everything.to ? '🟢 gained' : '🔴 lost',
      '**every permission**',
      d.everything.to ? 'everything' : '—',
      '',
    ]);
  for (const p of d.permissions) {
    const sensitive = p.sensitive ? ' · ⚠️ _sensitive_' : '';
    const level = levelChange(p);
    rows.push([
      CHANGE_LABEL[p.change],
      `${tick(p.permission)} ${mdText(p.title)}${sensitive}`,
      p.change === 'gained' || p.change === 'widened' ? level.replace(/(\w+)$/, '**$1**') : level,
      routePhrase(p.via, subjectIsRole, tick),
    ]);
  }
  for (const c of d.collections) {
    const gained = c.gained.length > 0 || c.unknownTop?.to === true || c.unknownUnderGained.length > 0;
    const lost = c.lost.length > 0 || c.unknownTop?.to === false || c.unknownUnderLost.length > 0;
    const label = gained && lost ? '🔄 changed' : gained ? '🟢 gained' : '🔴 lost';
    rows.push([
      label,
      `${mdText(c.title)} (collection)`,
      `${modeText(c.from, tick)} → ${c.to.mode === 'all' ? '**all**' : modeText(c.to, tick)}`,
      collectionPhrases(c, tick).join('; '),
    ]);
  }
  return rows;
}

const HEADER = ['Change', 'Permission or collection', 'Access', 'Through'];

function renderRole(r: RoleChange): string[] {
  const out: string[] = [];
  const status = r.status === 'added' ? ' · ➕ new role' : r.status === 'removed' ? ' · ➖ removed' : '';
  out.push(`**${tick(r.role)}** ${mdText(r.title)}${status}`);
  const facts: string[] = [];
  if (r.renamedFrom) facts.push(`renamed from ${tick(r.renamedFrom)}`);
  if (r.titleFrom !== null) facts.push(`title was “${mdText(r.titleFrom)}”`);
  if (r.descriptionChanged) facts.push('description changed');
  if (r.status === 'removed')
    facts.push(r.transferTo ? `its users move to ${tick(r.transferTo)}` : 'no transfer declared');
  if (r.users.length > 0) facts.push(`users: ${r.users.map(tick).join(', ')}`);
  if (r.status === 'changed') {
    const d = r.declared;
    if (d.inheritsAdded.length > 0) facts.push(`now inherits ${d.inheritsAdded.map(tick).join(', ')}`);
    if (d.inheritsRemoved.length > 0) facts.push(`no longer inherits ${d.inheritsRemoved.map(tick).join(', ')}`);
    if (d.grantsAdded.length > 0) facts.push(`grants added: ${d.grantsAdded.map(tick).join(', ')}`);
    if (d.grantsRemoved.length > 0) facts.push(`grants removed: ${d.grantsRemoved.map(tick).join(', ')}`);
    if (d.collections.length > 0) facts.push(`collection rules changed: ${d.collections.map(tick).join(', ')}`);
  }
  if (facts.length > 0) out.push(`${facts.join(' · ')}`);
  out.push('');
  if (r.status === 'removed') {
    if (r.transfer) {
      const rows = permissionRows(r.transfer.access, false);
      if (rows.length === 0) out.push(`Moving to ${tick(r.transfer.to)} changes nothing for its users.`);
      else {
        out.push(`What its users gain and lose by moving to ${tick(r.transfer.to)}:`, '');
        out.push(collapsibleTable(HEADER, rows, 'change'));
      }
    }
    const lost = permissionRows(r.access, true);
    if (lost.length > 0)
      out.push('', details(`Everything ${tick(r.role)} granted (${plural(lost.length, 'row')})`, table(HEADER, lost)));
    return out;
  }
  const rows = permissionRows(r.access, true);
  if (rows.length === 0) {
    out.push('No change to effective access.');
    return out;
  }
  if (r.status === 'added' && rows.length > LONG)
    out.push(details(`Everything ${tick(r.role)} grants (${plural(rows.length, 'row')})`, table(HEADER, rows)));
  else out.push(collapsibleTable(HEADER, rows, 'change'));
  return out;
}

function shortList(d: AccessDelta, gained: boolean): string {
  const items: string[] = [];
  if (d.everything && d.everything.to === gained) items.push('**everything**');
  for (const p of d.permissions) {
    const isGain = p.change === 'gained' || p.change === 'widened';
    if (isGain !== gained) continue;
    const level = p.change === 'gained' || p.change === 'lost' ? (p.to ?? p.from) : `${p.from} → ${p.to}`;
    items.push(`${tick(p.permission)}${level ? ` (${level})` : ''}${p.sensitive && gained ? ' ⚠️' : ''}`);
  }
  for (const c of d.collections) {
    const phrases = collectionPhrases(c, tick, 4).filter((x) =>
      gained ? /^gains|now allowed$/.test(x) : /^loses|no longer allowed$/.test(x),
    );
    if (phrases.length > 0) items.push(`${mdText(c.title)}: ${phrases.join('; ').replace(/^(gains|loses) /, '')}`);
  }
  if (items.length > 8) return `${items.slice(0, 8).join(', ')} and ${items.length - 8} more`;
  return items.join(', ') || '—';
}

function userRow(u: UserChange): string[] {
  const name = `${tick(u.user)}${u.title ? ` ${mdText(u.title)}` : ''}${u.status === 'added' ? ' (new)' : u.status === 'removed' ? ' (removed)' : ''}`;
  const same = u.rolesFrom.length === u.rolesTo.length && u.rolesFrom.every((r) => u.rolesTo.includes(r));
  const list = (rs: readonly string[], defaulted: boolean) =>
    rs.length === 0 ? 'none' : rs.map(tick).join(', ') + (defaulted ? ' (default)' : '');
  const roles =
    same || u.status !== 'changed'
      ? list(u.status === 'removed' ? u.rolesFrom : u.rolesTo, u.status === 'removed' ? u.defaultedFrom : u.defaultedTo)
      : `${list(u.rolesFrom, u.defaultedFrom)} → ${list(u.rolesTo, u.defaultedTo)}`;
  return [name, roles, shortList(u.access, true), shortList(u.access, false)];
}

function catalogRows(c: CatalogChanges): string[][] {
  const rows: string[][] = [];
  const roles = (rs: readonly string[]) =>
    (rs.length > 8 ? `${rs.slice(0, 8).map(tick).join(', ')} and ${rs.length - 8} more` : rs.map(tick).join(', ')) ||
    '—';
  for (const p of c.permissions) {
    const sensitive = p.sensitive ? ' · ⚠️ _sensitive_' : '';
    const fields = p.fields
      .filter((f) => f.field !== 'description')
      .map(
        (f) =>
          `${f.field}: ${f.from === null ? 'none' : typeof f.from === 'boolean' ? f.from : `“${mdText(f.from)}”`} → ${f.to === null ? 'none' : typeof f.to === 'boolean' ? f.to : `“${mdText(f.to)}”`}`,
      );
    if (p.fields.some((f) => f.field === 'description')) fields.push('description changed');
    const label = {
      added: '➕ permission added',
      removed: '➖ permission removed',
      renamed: '✏️ permission renamed',
      changed: '✏️ permission changed',
    }[p.change];
    const what =
      p.change === 'renamed'
        ? `${tick(p.renamedFrom!)} → ${tick(p.permission)} ${mdText(p.title)}`
        : `${tick(p.permission)} ${mdText(p.title)}`;
    rows.push([
      label,
      `${what}${sensitive}`,
      fields.join('; ') || (p.change === 'renamed' ? 'the old id stays an alias' : '—'),
      roles(p.roles),
    ]);
  }
  for (const a of c.actions) {
    const implies = (xs: readonly string[]) => (xs.length === 0 ? 'nothing' : xs.map(tick).join(', '));
    if (a.change !== 'changed') {
      // A new or removed action: what it implies, once.
      const list = a.change === 'added' ? a.impliesTo : a.impliesFrom;
      const label = a.change === 'added' ? '➕ action added' : '➖ action removed';
      rows.push([
        label,
        `action ${tick(a.action)}`,
        list.length > 0 ? `${a.change === 'added' ? 'implies' : 'implied'} ${list.map(tick).join(', ')}` : '—',
        roles(a.roles),
      ]);
      continue;
    }
    const detail = [`implies ${implies(a.impliesFrom)} → ${implies(a.impliesTo)}`];
    const resources = (ids: readonly string[], actions: readonly string[]) =>
      new Set(
        ids.filter((id) => actions.includes(id.slice(id.indexOf(':') + 1))).map((id) => id.slice(0, id.indexOf(':'))),
      ).size;
    if (a.closureAdded.length > 0)
      detail.push(
        `${tick(a.action)} now also implies ${a.closureAdded.map(tick).join(', ')} (on ${plural(resources(a.permissions, a.closureAdded), 'resource')})`,
      );
    if (a.closureRemoved.length > 0)
      detail.push(
        `${tick(a.action)} no longer implies ${a.closureRemoved.map(tick).join(', ')} (on ${plural(resources(a.permissions, a.closureRemoved), 'resource')})`,
      );
    rows.push(['🔁 implication changed', `action ${tick(a.action)}`, detail.join('; '), roles(a.roles)]);
  }
  for (const col of c.collections) {
    const detail: string[] = [];
    if (col.entriesAdded.length > 0) detail.push(`entries added: ${col.entriesAdded.map(tick).join(', ')}`);
    if (col.entriesRemoved.length > 0) detail.push(`entries removed: ${col.entriesRemoved.map(tick).join(', ')}`);
    if (col.entriesRetitled.length > 0)
      detail.push(`${plural(col.entriesRetitled.length, 'entry', 'entries')} retitled`);
    if (col.modesFrom.length + col.modesTo.length > 0 && col.change === 'changed')
      detail.push(`modes ${col.modesFrom.join(', ')} → ${col.modesTo.join(', ')}`);
    for (const f of col.fields) detail.push(f.field === 'description' ? 'description changed' : `${f.field} changed`);
    const label = { added: '➕ collection added', removed: '➖ collection removed', changed: '✏️ collection changed' }[
      col.change
    ];
    rows.push([label, tick(col.collection), detail.join('; '), '—']);
  }
  if (c.scopes)
    rows.push([
      '✏️ scopes changed',
      'scope levels',
      `${c.scopes.from.map(tick).join(' < ') || 'none'} → ${c.scopes.to.map(tick).join(' < ') || 'none'}`,
      '—',
    ]);
  for (const f of c.other) {
    const quote = (v: string | boolean | null) => `“${mdText(String(v))}”`;
    if (f.from === null) rows.push(['➕ added', mdText(f.field), quote(f.to), '—']);
    else if (f.to === null) rows.push(['➖ removed', mdText(f.field), `was ${quote(f.from)}`, '—']);
    else rows.push(['✏️ renamed', mdText(f.field), `${quote(f.from)} → ${quote(f.to)}`, '—']);
  }
  return rows;
}
