import { printable } from '../../diagnostics/printable.js';
import type { Colors } from '../../diagnostics/render.js';
import type { CustomRoleEntry, CustomRoleReview } from '../custom-roles-diff.js';
import { mdInline, tick } from './diff-markdown.js';
import { collectionPhrases, levelChange, plural, routePhrase } from './phrases.js';

/** How `diff --custom-roles` shows its review (src/review/custom-roles-diff.ts) in a terminal and in a pull-request comment. */

/** Lines of one run-time role's change, with `tick` quoting ids. */
function entryLines(e: CustomRoleEntry, t: (s: string) => string, prose: (s: string) => string = (s) => s): string[] {
  const out: string[] = [];
  if (e.status === 'rejected') {
    for (const x of e.errors)
      out.push(
        `✖ rejected: ${prose(x.path || '(the definition)')}: ${prose(x.reason)}${x.hint ? ` (${prose(x.hint)})` : ''}`,
      );
  }
  for (const p of e.access?.permissions ?? []) {
    const more = p.change === 'gained' || p.change === 'widened';
    const via = routePhrase(p.via, true, t);
    const level = p.scoped ? ` ${levelChange(p)}` : '';
    out.push(
      `${more ? '+' : '-'} ${t(p.permission)} ${p.change}${level}${via ? ` — ${more ? 'via' : 'was via'} ${via}` : ''}`,
    );
  }
  for (const c of e.access?.collections ?? []) for (const phrase of collectionPhrases(c, t)) out.push(`~ ${phrase}`);
  for (const x of e.escalations) out.push(`▲ escalation: ${prose(x.message)}`);
  for (const w of e.warnings) out.push(`! ${prose(w.path)}: ${prose(w.reason)} (${prose(`${w.file}:${w.line}`)})`);
  return out;
}

function statusWord(e: CustomRoleEntry): string {
  if (e.status === 'rejected') return 'rejected by HEAD: the application could not load it';
  if (e.status === 'new') return 'loads only at HEAD';
  if (e.status === 'unchanged') return e.warnings.length > 0 ? 'same access' : 'no change';
  const { permissions } = e.access!;
  const gained = permissions.filter((p) => p.change === 'gained' || p.change === 'widened').length;
  const lost = permissions.length - gained;
  return [gained > 0 ? `gains ${gained}` : '', lost > 0 ? `loses ${lost}` : ''].filter(Boolean).join(', ') || 'changed';
}

/** The run-time roles section of `diff` in a terminal. */
export function renderCustomRoleReviewText(r: CustomRoleReview, c: Colors): string {
  const safe = printable;
  const out: string[] = [''];
  out.push(`${c.bold('Run-time roles')} from ${safe(r.source)}: ${plural(r.definitions, 'definition')}`);
  for (const s of r.sets) {
    out.push(`  ${c.bold(safe(s.set))} ${s.base ?? '(new)'} → ${s.head}`);
    for (const e of s.roles) {
      const title = e.title ? ` (${safe(e.title)})` : '';
      const mark = e.status === 'rejected' ? c.red('✖') : e.status === 'changed' ? c.yellow('~') : c.green('✔');
      out.push(`    ${mark} ${c.bold(safe(e.role))}${title}: ${statusWord(e)}  ${c.dim(`${e.file}:${e.line}`)}`);
      for (const line of entryLines(e, (x) => `\`${safe(x)}\``)) out.push(`        ${safe(line)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const MD_SIGN: Readonly<Record<string, string>> = { '+': '➕', '-': '➖', '~': '↔', '!': '⚠', '▲': '⚠', '✖': '✖' };

/** The run-time roles section of `diff` for a pull-request comment. */
export function renderCustomRoleReviewMarkdown(r: CustomRoleReview): string {
  const out: string[] = ['', `### Run-time roles`, ''];
  out.push(`From ${tick(r.source)}: ${plural(r.definitions, 'stored definition')}.`);
  for (const s of r.sets) {
    out.push('', `**${mdInline(s.set)}** ${mdInline(s.base ?? '(new)')} → ${mdInline(s.head)}`, '');
    for (const e of s.roles) {
      const title = e.title ? ` (${mdInline(e.title)})` : '';
      out.push(`- ${tick(e.role)}${title}: ${mdInline(statusWord(e))} — ${tick(`${e.file}:${e.line}`)}`);
      // Signs as symbols a list item cannot mistake for markup ("- -" would nest a list).
      for (const line of entryLines(e, tick, mdInline))
        out.push(`  - ${line.replace(/^([+\-~▲!✖]) /, (_, m: string) => `${MD_SIGN[m] ?? m} `)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
