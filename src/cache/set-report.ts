import type { Compilation } from '../compile.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/span.js';
import type { SetSource, SourceFile } from '../load/source.js';
import { type BuildRecord, textDigest } from './build-cache.js';

/**
 * What `build` reports about one set, whether it compiled the set now or found its build in the
 * cache: the same lines, JSON and diagnostics (code frames included) either way.
 */
export interface SetReport {
  readonly name: string;
  readonly dir: string;
  readonly ok: boolean;
  readonly hash: string | undefined;
  /** The set's version and counts; undefined when it has errors. */
  readonly facts: { version: string; permissions: number; roles: number; scopes: number } | undefined;
  readonly files: readonly { readonly name: string; readonly path: string; readonly bytes: number }[];
  readonly diagnostics: readonly Diagnostic[];
  /** Decoded files, for code frames. */
  readonly sourceFiles: ReadonlyMap<string, SourceFile>;
  readonly lockfileChanged: boolean;
  /** What allocation changed in the lockfile. */
  readonly changes: readonly string[];
}

/** The report of a set compiled now. */
export function reportOf(c: Compilation): SetReport {
  const m = c.model;
  return {
    name: m?.name ?? c.analysis.source.name,
    dir: c.analysis.source.dir,
    ok: c.ok,
    hash: c.hash,
    facts: m && {
      version: m.version,
      permissions: m.permissions.length,
      roles: m.roles.length,
      scopes: m.scopes.length,
    },
    files: c.files.map((f) => ({ name: f.name, path: f.path, bytes: Buffer.byteLength(f.text) })),
    diagnostics: c.diagnostics,
    sourceFiles: c.analysis.files,
    lockfileChanged: c.lockfileChanged,
    changes: c.allocation?.changes ?? [],
  };
}

/** What the cache keeps of a successful compilation. */
export function recordOf(c: Compilation): BuildRecord {
  const m = c.model!;
  return {
    name: m.name,
    version: m.version,
    permissions: m.permissions.length,
    roles: m.roles.length,
    scopes: m.scopes.length,
    hash: c.hash,
    files: c.files.map((f) => ({ name: f.name, path: f.path, ...textDigest(f.text) })),
    diagnostics: c.diagnostics,
  };
}

/** As decodeFile decodes (UTF-8, a leading BOM dropped), without its checks: these bytes passed them when the entry was recorded. */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * The report of a set found in the cache. Only the files its diagnostics point into are decoded
 * (for their code frames); nothing is parsed.
 */
export function reportOfRecord(source: SetSource, r: BuildRecord): SetReport {
  const wanted = new Set<string>();
  for (const d of r.diagnostics) {
    if (d.span) wanted.add(d.span.file);
    for (const x of d.related ?? []) wanted.add(x.span.file);
  }
  const sourceFiles = new Map<string, SourceFile>();
  for (const raw of [...source.files, ...(source.lockfile ? [source.lockfile] : [])]) {
    if (!wanted.has(raw.path)) continue;
    const text = decoder.decode(raw.bytes);
    sourceFiles.set(raw.path, { path: raw.path, text, lines: new LineIndex(text) });
  }
  return {
    name: r.name,
    dir: source.dir,
    ok: true,
    hash: r.hash,
    facts: { version: r.version, permissions: r.permissions, roles: r.roles, scopes: r.scopes },
    files: r.files.map((f) => ({ name: f.name, path: f.path, bytes: f.bytes })),
    diagnostics: r.diagnostics,
    sourceFiles,
    lockfileChanged: false,
    changes: [],
  };
}
