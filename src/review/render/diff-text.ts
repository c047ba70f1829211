import type { Colors } from '../../diagnostics/render.js';
import { printable } from '../../diagnostics/printable.js';
import type { AccessDelta, CatalogChanges, PermissionDelta, RoleChange, UserChange } from '../diff.js';
import {
  collectionPhrases,
  levelChange,
  modeText,
  plural,
  reportHeadline,
  routePhrase,
  setSummary,
  sideLabel,
} from './phrases.js';
import type { DiffReport, SetReport } from '../diff-report.js';

/** The diff for a terminal: one line per change, coloured when the stream is a terminal. */
export function renderText(report: DiffReport, c: Colors): string {
  const safe = printable;
  const key = (s: string) => c.bold(safe(s));
  const out: string[] = [];
  out.push(`${c.bold('policyc diff')} ${safe(sideLabel(report.base))} → ${safe(sideLabel(report.head))}`);
  out.push('');

  const failed = report.sets.filter((s) => s.status === 'error');
  for (const s of failed) {
    for (const [side, info] of [
      [report.base, s.base],
      [report.head, s.head],
    ] as const) {
      if (!info || info.ok) continue;
      out.push(
        `${c.red('✖')} ${key(s.name)} does not compile at ${safe(sideLabel(side))}: ${plural(info.errors.length, 'error')} (diagnostics on stderr)`,
      );
    }
  }
  if (failed.length > 0) out.push('');

  const renumbered = report.sets.filter((s) => s.numbering.length > 0);
  if (renumbered.length > 0) {
    out.push(
      c.red(
        c.bold(
          `✖ breaking: ${plural(report.summary.renumbered, 'lockfile number')} changed meaning (restore the lockfile from BASE and run policyc build)`,
        ),
      ),
    );
    for (const s of renumbered)
      for (const n of s.numbering)
        out.push(`  ${c.red('✖')} ${report.sets.length > 1 ? `${safe(s.name)}: ` : ''}${safe(n.message)}`);
    out.push('');
  }

  if (report.escalations.length > 0) {
    out.push(c.yellow(c.bold(`⚠ ${plural(report.escalations.length, 'escalation')}`)));
    for (const e of report.escalations) {
      out.push(
        `  ${c.yellow('⚠')} ${report.sets.length > 1 ? `${safe(e.set)}: ` : ''}${safe(e.message)}${e.users.length > 0 ? c.dim(` (users: ${e.users.map(safe).join(', ')})`) : ''}`,
      );
    }
    out.push('');
  }

  for (const s of report.sets) out.push(...renderSet(s, c, key, safe));
  out.push(c.bold(reportHeadline(report)));
  return `${out.join('\n')}\n`;
}

function renderSet(s: SetReport, c: Colors, key: (s: string) => string, safe: (s: string) => string): string[] {
  const out: string[] = [];
  const head = `${key(s.name)}${s.renamedFrom !== null ? ` (renamed from ${key(s.renamedFrom)})` : ''}`;
  switch (s.status) {
    case 'unchanged':
      return [`${c.green('✔')} ${head}: no change`, ''];
    case 'error':
      return [];
    case 'added':
      out.push(
        `${c.green('+')} ${head}: new set (version ${s.head?.version ?? '?'}), ${plural(s.roles.length, 'role')}, ${plural(s.users.length, 'user')}`,
      );
      for (const r of s.roles) out.push(`    ${c.green('+')} role ${key(r.role)} ${c.dim(safe(r.title))}`);
      return [...out, ''];
    case 'removed':
      out.push(`${c.red('-')} ${head}: set removed (was version ${s.base?.version ?? '?'})`);
      return [...out, ''];
    case 'changed':
      break;
  }
  const v = s.version;
  const versions = v ? ` ${v.from === v.to ? v.to : `${v.from} → ${v.to}`}` : '';
  out.push(`${c.cyan('●')} ${head}${c.dim(versions)}: ${setSummary(s)}`);
  if (v && !v.ok) {
    out.push(
      `    ${c.red(`version: this change calls for a ${v.required} bump${v.suggested ? ` (${v.suggested})` : ''}`)}${v.reason ? ` because ${safe(v.reason)}` : ''}`,
    );
  }
  for (const f of s.settings)
    if (f.field !== 'version')
      out.push(`    ${f.field}: ${f.field === 'description' ? 'changed' : `${f.from ?? 'none'} → ${f.to ?? 'none'}`}`);
  for (const r of s.roles) out.push(...renderRole(r, c, key, safe));
  for (const u of s.users) out.push(...renderUser(u, c, key, safe));
  out.push(...renderCatalog(s.catalog, c, key, safe));
  out.push('');
  return out;
}

function deltaLines(
  d: AccessDelta,
  subjectIsRole: boolean,
  c: Colors,
  safe: (s: string) => string,
  indent: string,
): string[] {
  const out: string[] = [];
  const tick = (s: string) => safe(s);
  if (d.everything) out.push(`${indent}${d.everything.to ? c.green('+') : c.red('-')} every permission`);
  const mark = (p: PermissionDelta) =>
    p.change === 'gained'
      ? c.green('+')
      : p.change === 'lost'
        ? c.red('-')
        : p.change === 'widened'
          ? c.yellow('↑')
          : c.yellow('↓');
  for (const p of d.permissions) {
    const level = p.scoped || p.change === 'widened' || p.change === 'narrowed' ? ` ${levelChange(p)}` : '';
    const via = routePhrase(p.via, subjectIsRole, tick);
    const sensitive = p.sensitive ? c.yellow(' [sensitive]') : '';
    out.push(
      `${indent}${mark(p)} ${safe(p.permission)}${level}${sensitive}${c.dim(` ${safe(p.title)}`)}${via ? c.dim(`  ← ${via}${p.via ? ` (${p.via.file}:${p.via.line})` : ''}`) : ''}`,
    );
  }
  for (const col of d.collections) {
    out.push(
      `${indent}${c.cyan('~')} ${safe(col.title)}: ${modeText(col.from, tick)} → ${modeText(col.to, tick)}${c.dim(`  ${collectionPhrases(col, tick).join('; ')}`)}`,
    );
  }
  return out;
}

function renderRole(r: RoleChange, c: Colors, key: (s: string) => string, safe: (s: string) => string): string[] {
  const out: string[] = [];
  const mark = r.status === 'added' ? c.green('+') : r.status === 'removed' ? c.red('-') : c.cyan('~');
  const facts: string[] = [];
  if (r.renamedFrom) facts.push(`renamed from ${r.renamedFrom}`);
  if (r.titleFrom !== null) facts.push(`title was "${safe(r.titleFrom)}"`);
  if (r.status === 'removed') facts.push(r.transferTo ? `users move to ${r.transferTo}` : 'no transfer');
  if (r.inheritedOnly) facts.push('changes through inheritance or the catalog');
  if (r.users.length > 0) facts.push(`users: ${r.users.map(safe).join(', ')}`);
  out.push(`  ${mark} role ${key(r.role)} ${c.dim(safe(r.title))}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}`);
  const d = r.declared;
  if (r.status === 'changed') {
    if (d.inheritsAdded.length > 0) out.push(`      inherits + ${d.inheritsAdded.join(', ')}`);
    if (d.inheritsRemoved.length > 0) out.push(`      inherits - ${d.inheritsRemoved.join(', ')}`);
    if (d.grantsAdded.length > 0) out.push(`      grants + ${d.grantsAdded.map(safe).join(', ')}`);
    if (d.grantsRemoved.length > 0) out.push(`      grants - ${d.grantsRemoved.map(safe).join(', ')}`);
  }
  if (r.status === 'removed') {
    if (r.transfer) {
      const lines = deltaLines(r.transfer.access, false, c, safe, '      ');
      out.push(`    moving to ${r.transfer.to}${lines.length === 0 ? ' changes nothing' : ':'}`, ...lines);
    }
    return out;
  }
  if (r.status === 'added') {
    const n = r.access.permissions.length;
    out.push(
      `      holds ${plural(n, 'permission')}${r.access.collections.length > 0 ? ` and ${plural(r.access.collections.length, 'collection')}` : ''}`,
    );
    out.push(
      ...deltaLines(
        { ...r.access, permissions: r.access.permissions.filter((p) => p.sensitive) },
        true,
        c,
        safe,
        '      ',
      ),
    );
    return out;
  }
  out.push(...deltaLines(r.access, true, c, safe, '      '));
  return out;
}

function renderUser(u: UserChange, c: Colors, key: (s: string) => string, safe: (s: string) => string): string[] {
  const mark = u.status === 'added' ? c.green('+') : u.status === 'removed' ? c.red('-') : c.cyan('~');
  const same = u.rolesFrom.length === u.rolesTo.length && u.rolesFrom.every((r) => u.rolesTo.includes(r));
  const roles =
    u.status === 'removed'
      ? u.rolesFrom.join(', ')
      : same
        ? u.rolesTo.join(', ')
        : `${u.rolesFrom.join(', ') || 'none'} → ${u.rolesTo.join(', ') || 'none'}`;
  const out = [`  ${mark} user ${key(u.user)}${u.title ? c.dim(` ${safe(u.title)}`) : ''} (roles: ${safe(roles)})`];
  if (u.status === 'changed') out.push(...deltaLines(u.access, false, c, safe, '      '));
  return out;
}

function renderCatalog(
  cat: CatalogChanges,
  c: Colors,
  key: (s: string) => string,
  safe: (s: string) => string,
): string[] {
  const out: string[] = [];
  const roles = (rs: readonly string[]) => (rs.length > 0 ? c.dim(` (roles: ${rs.join(', ')})`) : '');
  for (const p of cat.permissions) {
    const mark = p.change === 'added' ? c.green('+') : p.change === 'removed' ? c.red('-') : c.cyan('~');
    const what = p.change === 'renamed' ? `${p.renamedFrom} → ${p.permission}` : p.permission;
    const fields = p.fields.map((f) =>
      f.field === 'description'
        ? 'description changed'
        : `${f.field}: ${safe(String(f.from ?? 'none'))} → ${safe(String(f.to ?? 'none'))}`,
    );
    out.push(
      `  ${mark} permission ${key(what)} ${c.dim(safe(p.title))}${p.sensitive ? c.yellow(' [sensitive]') : ''}${fields.length > 0 ? ` ${fields.join('; ')}` : ''}${roles(p.roles)}`,
    );
  }
  for (const a of cat.actions) {
    if (a.change === 'added')
      out.push(
        `  ${c.green('+')} action ${key(a.action)}${a.impliesTo.length > 0 ? ` implies ${a.impliesTo.join(', ')}` : ''}${roles(a.roles)}`,
      );
    else if (a.change === 'removed')
      out.push(
        `  ${c.red('-')} action ${key(a.action)}${a.impliesFrom.length > 0 ? ` (implied ${a.impliesFrom.join(', ')})` : ''}${roles(a.roles)}`,
      );
    else
      out.push(
        `  ${c.cyan('~')} action ${key(a.action)} implies ${a.impliesFrom.join(', ') || 'nothing'} → ${a.impliesTo.join(', ') || 'nothing'}${roles(a.roles)}`,
      );
  }
  for (const col of cat.collections) {
    const bits: string[] = [];
    if (col.entriesAdded.length > 0) bits.push(`+ ${col.entriesAdded.join(', ')}`);
    if (col.entriesRemoved.length > 0) bits.push(`- ${col.entriesRemoved.join(', ')}`);
    if (col.entriesRetitled.length > 0) bits.push(`${plural(col.entriesRetitled.length, 'entry', 'entries')} retitled`);
    if (col.change === 'changed' && col.modesFrom.length + col.modesTo.length > 0)
      bits.push(`modes ${col.modesFrom.join(', ')} → ${col.modesTo.join(', ')}`);
    out.push(
      `  ${col.change === 'added' ? c.green('+') : col.change === 'removed' ? c.red('-') : c.cyan('~')} collection ${key(col.collection)} ${bits.join('; ')}`,
    );
  }
  if (cat.scopes)
    out.push(
      `  ${c.cyan('~')} scopes ${cat.scopes.from.join(' < ') || 'none'} → ${cat.scopes.to.join(' < ') || 'none'}`,
    );
  for (const f of cat.other) {
    if (f.from === null) out.push(`  ${c.green('+')} ${f.field}: ${safe(String(f.to))}`);
    else if (f.to === null) out.push(`  ${c.red('-')} ${f.field}: ${safe(String(f.from))}`);
    else out.push(`  ${c.cyan('~')} ${f.field}: ${safe(String(f.from))} → ${safe(String(f.to))}`);
  }
  return out;
}
