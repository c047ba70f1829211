import type { Analysis } from '../analyze.js';
import type { Lockfile, NumberTable } from '../allocate/lockfile.js';
import { type Diagnostic, Diagnostics } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { decodeFile, type SetSource, type SourceFile } from '../load/source.js';
import type { Model } from '../model/model.js';
import type { StageTiming } from '../pipeline/run.js';
import type { BuildCache } from './build-cache.js';

/**
 * What `check` reports about one set, whether it analysed the set now or found its analysis in
 * the cache (an entry of kind `check` in the build cache, src/cache/build-cache.ts): the same
 * lines, JSON, SARIF and code frames either way. The generated-output consistency check (PC606)
 * is not part of it: it reads generated/, which is not in the key, so `check` runs it on every
 * run against the lockfile numbers kept here.
 */
export interface CheckedSet {
  readonly name: string;
  readonly dir: string;
  /** Sorted by file and position; PC606 appended by the caller. */
  readonly diagnostics: readonly Diagnostic[];
  /** Decoded files, for code frames (a cache hit decodes only the files its diagnostics point into). */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** The set's facts when it has no errors. */
  readonly model: CheckedModel | undefined;
  /** The committed lockfile's numbers (for PC606); undefined without a valid lockfile. */
  readonly lockfile: Lockfile | undefined;
  /** Empty when the cache answered. */
  readonly timings: readonly StageTiming[];
}

/** The facts `check` prints about a set without errors. */
export interface CheckedModel {
  readonly name: string;
  readonly version: string;
  readonly permissions: number;
  readonly roles: number;
  readonly users: number;
  /** The status line's description: "49 permissions in 9 categories, 6 roles, …". */
  readonly summary: string;
}

interface TableRecord {
  readonly next: number;
  readonly active: readonly (readonly [string, number])[];
  readonly reserved: readonly (readonly [string, number])[];
}

/** What the cache keeps of an analysis. */
export interface CheckRecord {
  readonly name: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly model: CheckedModel | null;
  readonly lockfile: {
    readonly set: string;
    readonly permissions: TableRecord;
    readonly roles: TableRecord;
    readonly scopes: TableRecord;
    readonly collections: readonly (readonly [string, TableRecord])[];
  } | null;
  /** The files the diagnostics point into that the analysis had decoded (for code frames). */
  readonly framed: readonly string[];
}

/** The entries' output folder: a check's record does not depend on one (PC606 is run each time). */
const NO_OUT = '';

/** The set as analysed now, with the record the cache keeps of it. */
export function checkedOf(a: Analysis, summary: (m: Model) => string): { set: CheckedSet; record: CheckRecord } {
  const m = a.model;
  const model: CheckedModel | undefined = m && {
    name: m.name,
    version: m.version,
    permissions: m.permissions.length,
    roles: m.roles.length,
    users: m.users.length,
    summary: summary(m),
  };
  const lockfile = a.lockfile?.lockfile;
  const set: CheckedSet = {
    name: m?.name ?? a.source.name,
    dir: a.source.dir,
    diagnostics: a.diagnostics,
    files: a.files,
    model,
    lockfile,
    timings: a.timings,
  };
  const table = (t: NumberTable): TableRecord => ({ next: t.next, active: [...t.active], reserved: [...t.reserved] });
  const record: CheckRecord = {
    name: set.name,
    diagnostics: a.diagnostics,
    model: model ?? null,
    lockfile: lockfile
      ? {
          set: lockfile.set,
          permissions: table(lockfile.permissions),
          roles: table(lockfile.roles),
          scopes: table(lockfile.scopes),
          collections: [...lockfile.collections].map(([k, t]) => [k, table(t)] as const),
        }
      : null,
    framed: [...pointedInto(a.diagnostics)].filter((p) => a.files.has(p)),
  };
  return { set, record };
}

/** The set as its cached analysis says; nothing is parsed, only the files with code frames are decoded. */
export function checkedOfRecord(source: SetSource, r: CheckRecord): CheckedSet {
  const framed = new Set(r.framed);
  const files = new Map<string, SourceFile>();
  for (const raw of [...source.files, ...(source.lockfile ? [source.lockfile] : [])]) {
    if (!framed.has(raw.path)) continue;
    // The bytes are those the analysis decoded (they are in the key): decoded the same way, the same text.
    const file = decodeFile(raw, new Diagnostics());
    if (file) files.set(raw.path, file);
  }
  const table = (t: TableRecord): NumberTable => ({
    next: t.next,
    active: new Map(t.active),
    reserved: new Map(t.reserved),
  });
  const l = r.lockfile;
  return {
    name: r.name,
    dir: source.dir,
    diagnostics: r.diagnostics,
    files,
    model: r.model ?? undefined,
    lockfile: l
      ? {
          set: l.set,
          permissions: table(l.permissions),
          roles: table(l.roles),
          scopes: table(l.scopes),
          collections: new Map(l.collections.map(([k, t]) => [k, table(t)])),
        }
      : undefined,
    timings: [],
  };
}

/** The cached analysis of a set whose inputs are unchanged; undefined on any doubt. */
export function lookupCheck(cache: BuildCache, source: SetSource): CheckRecord | undefined {
  return cache.lookupEntry('check', source, NO_OUT, isCheckRecord);
}

/** Keeps a set's analysis (the lockfile's bytes are those read: check writes nothing). */
export function storeCheck(cache: BuildCache, source: SetSource, record: CheckRecord): void {
  cache.storeEntry('check', source, NO_OUT, undefined, record);
}

function pointedInto(diagnostics: readonly Diagnostic[]): Set<string> {
  const out = new Set<string>();
  for (const d of diagnostics) {
    if (d.span) out.add(d.span.file);
    for (const x of d.related ?? []) out.add(x.span.file);
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function isSpan(x: unknown): x is Span {
  return (
    isObject(x) &&
    typeof x.file === 'string' &&
    ['line', 'column', 'endLine', 'endColumn', 'offset', 'endOffset'].every((k) => isCount(x[k]))
  );
}

function isDiagnostic(x: unknown): x is Diagnostic {
  return (
    isObject(x) &&
    typeof x.code === 'string' &&
    (x.severity === 'error' || x.severity === 'warning') &&
    typeof x.message === 'string' &&
    (x.span === undefined || isSpan(x.span)) &&
    (x.hint === undefined || typeof x.hint === 'string') &&
    (x.related === undefined ||
      (Array.isArray(x.related) &&
        x.related.every((r: unknown) => isObject(r) && typeof r.message === 'string' && isSpan(r.span))))
  );
}

function isTable(x: unknown): x is TableRecord {
  const pairs = (p: unknown) =>
    Array.isArray(p) && p.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isCount(e[1]));
  return isObject(x) && isCount(x.next) && pairs(x.active) && pairs(x.reserved);
}

function isCheckRecord(x: unknown): x is CheckRecord {
  if (!isObject(x) || typeof x.name !== 'string') return false;
  if (!Array.isArray(x.diagnostics) || !x.diagnostics.every(isDiagnostic)) return false;
  if (!Array.isArray(x.framed) || !x.framed.every((p) => typeof p === 'string')) return false;
  const m = x.model;
  if (
    m !== null &&
    !(
      isObject(m) &&
      typeof m.name === 'string' &&
      typeof m.version === 'string' &&
      typeof m.summary === 'string' &&
      isCount(m.permissions) &&
      isCount(m.roles) &&
      isCount(m.users)
    )
  )
    return false;
  const l = x.lockfile;
  return (
    l === null ||
    (isObject(l) &&
      typeof l.set === 'string' &&
      isTable(l.permissions) &&
      isTable(l.roles) &&
      isTable(l.scopes) &&
      Array.isArray(l.collections) &&
      l.collections.every((c) => Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && isTable(c[1])))
  );
}
