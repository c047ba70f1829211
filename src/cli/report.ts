import type { Analysis } from '../analyze.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  type Colors,
  type OutputFormat,
  countLabel,
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

/** The JSON report of several analyses (a stable, versioned shape). */
export function analysesToJson(
  analyses: readonly Analysis[],
  extra: (a: Analysis) => Record<string, unknown> = () => ({}),
): string {
  const sets = analyses.map((a) => ({
    name: a.model?.name ?? a.source.name,
    dir: a.source.dir,
    ok: !a.diagnostics.some((d) => d.severity === 'error'),
    errors: a.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: a.diagnostics.filter((d) => d.severity === 'warning').length,
    ...(a.model
      ? {
          version: a.model.version,
          permissions: a.model.permissions.length,
          roles: a.model.roles.length,
          users: a.model.users.length,
        }
      : {}),
    ...extra(a),
    diagnostics: a.diagnostics.map(toJson),
  }));
  return JSON.stringify({ formatVersion: 1, ok: sets.every((s) => s.ok), sets }, null, 2);
}

/** "✔ crm: …" or "✖ crm: 2 errors, 0 warnings". */
export function setStatusLine(a: Analysis, c: Colors): string {
  const errors = a.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = a.diagnostics.length - errors;
  const name = c.bold(a.model?.name ?? a.source.name);
  if (errors > 0) return `${c.red('✖')} ${name} ${c.dim(`(${a.source.dir})`)}: ${countLabel(errors, warnings)}`;
  const tail = warnings > 0 ? c.yellow(` (${warnings} warning${warnings === 1 ? '' : 's'})`) : '';
  return `${c.green('✔')} ${name} ${c.dim(`(${a.source.dir})`)}: ${a.model ? modelSummary(a.model) : 'ok'}${tail}`;
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
