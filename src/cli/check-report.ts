import type { CheckedSet } from '../cache/check-record.js';
import type { StageTiming } from '../pipeline/run.js';
import { STAGE_NAMES, type StageName } from '../pipeline/stages.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  type Colors,
  type OutputFormat,
  countLabel,
  type JsonDiagnostic,
  renderGithub,
  renderHuman,
  toJson,
} from '../diagnostics/render.js';
import type { SourceFile } from '../load/source.js';
import type { Model } from '../model/model.js';
import { type Io, println } from './io.js';

/** One line about a clean set: what it holds. */
export function modelSummary(model: Model): string {
  const categories = new Set(model.permissions.map((p) => p.category).filter((c) => c !== undefined)).size;
  const parts = [
    `${plural(model.permissions.length, 'permission')}${categories > 0 ? ` in ${plural(categories, 'category', 'categories')}` : ''}`,
    plural(model.roles.length, 'role'),
    plural(model.users.length, 'user'),
  ];
  if (model.scopes.length > 0) parts.push(`scopes ${model.scopes.map((s) => s.name).join(' < ')}`);
  if (model.collections.length > 0)
    parts.push(`collections ${model.collections.map((c) => `${c.name} (${c.entries.length})`).join(', ')}`);
  return parts.join(', ');
}

/** Prints diagnostics of one set in the chosen format (json is printed by the caller, once for all sets). */
export function printDiagnostics(
  io: Io,
  stream: Io['stdout'],
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  c: Colors,
): void {
  for (const d of diagnostics) {
    if (format === 'github') println(stream, renderGithub(d));
    else if (format === 'human') {
      println(stream, renderHuman(d, files, c));
      println(stream);
    }
  }
  void io;
}

/** Version of the shape of `policyc check --format json`; bumped on any incompatible change. */
export const CHECK_FORMAT_VERSION = 1;

/** One set in `policyc check --format json`. The counts are present when the set is free of errors. */
export interface CheckSetReport {
  readonly name: string;
  readonly dir: string;
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly version?: string;
  readonly permissions?: number;
  readonly roles?: number;
  readonly users?: number;
  readonly diagnostics: readonly JsonDiagnostic[];
}

/** `policyc check --format json` (schemas/check-report-v1.schema.json). */
export interface CheckReport {
  readonly formatVersion: typeof CHECK_FORMAT_VERSION;
  readonly ok: boolean;
  readonly sets: readonly CheckSetReport[];
  /** Problems finding the sets (no folder, no set); present only when no set was found. */
  readonly diagnostics?: readonly JsonDiagnostic[];
}

/** The JSON report of `check` over several analyses. */
export function checkReport(analyses: readonly CheckedSet[]): CheckReport {
  const sets = analyses.map(
    (a): CheckSetReport => ({
      name: a.name,
      dir: a.dir,
      ok: !a.diagnostics.some((d) => d.severity === 'error'),
      errors: a.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: a.diagnostics.filter((d) => d.severity === 'warning').length,
      ...(a.model
        ? {
            version: a.model.version,
            permissions: a.model.permissions,
            roles: a.model.roles,
            users: a.model.users,
          }
        : {}),
      diagnostics: a.diagnostics.map(toJson),
    }),
  );
  return { formatVersion: CHECK_FORMAT_VERSION, ok: sets.every((s) => s.ok), sets };
}

/** Prints the time each stage of the pipeline took, per set, as a table (`--timings`, on stderr). */
export function printTimings(
  stream: Io['stderr'],
  runs: readonly { readonly name: string; readonly timings: readonly StageTiming[] }[],
): void {
  const stages = STAGE_NAMES.filter((s) => runs.some((r) => r.timings.some((t) => t.stage === s)));
  const ms = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(1)} ms`);
  const cell = (r: (typeof runs)[number], s: StageName) => r.timings.find((t) => t.stage === s)?.ms;
  const sum = (xs: readonly (number | undefined)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const rows: string[][] = [['stage', ...runs.map((r) => r.name), ...(runs.length > 1 ? ['all sets'] : [])]];
  for (const s of stages) {
    const cells = runs.map((r) => cell(r, s));
    rows.push([s, ...cells.map(ms), ...(runs.length > 1 ? [ms(sum(cells))] : [])]);
  }
  const totals = runs.map((r) => sum(r.timings.map((t) => t.ms)));
  rows.push(['total', ...totals.map(ms), ...(runs.length > 1 ? [ms(sum(totals))] : [])]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    println(
      stream,
      row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
}

/** "✔ crm: …" or "✖ crm: 2 errors, 0 warnings". */
export function setStatusLine(a: CheckedSet, c: Colors): string {
  const errors = a.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = a.diagnostics.length - errors;
  const name = c.bold(a.name);
  if (errors > 0) return `${c.red('✖')} ${name} ${c.dim(`(${a.dir})`)}: ${countLabel(errors, warnings)}`;
  const tail = warnings > 0 ? c.yellow(` (${warnings} warning${warnings === 1 ? '' : 's'})`) : '';
  return `${c.green('✔')} ${name} ${c.dim(`(${a.dir})`)}: ${a.model ? a.model.summary : 'ok'}${tail}`;
}

/** "40.8 KiB". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** "1 role", "2 roles". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
