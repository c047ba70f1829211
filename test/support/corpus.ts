import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Analysis, analyzeSet } from '../../src/analyze.js';
import { type Diagnostic, Diagnostics } from '../../src/diagnostics/diagnostic.js';
import { readSetFolder } from '../../src/load/discover.js';
import type { RawFile, SetSource } from '../../src/load/source.js';
import { ROOT } from './sets.js';

/**
 * The bad-input corpus (test/corpus/): a valid base set (`_base/`) and one folder per case
 * holding only the files it adds or replaces, plus a `case.json` saying what else to change
 * and exactly which diagnostics the result must produce.
 */
export const CORPUS_DIR = path.join(ROOT, 'test/corpus');
export const BASE_DIR = path.join(CORPUS_DIR, '_base');
/** The name of the base set: its folder name in memory, and its PolicySet's metadata.name. */
export const SET_NAME = 'shop';

/** A file built by the test rather than committed: binary, huge or invisible content. */
export interface GeneratedFile {
  /** The whole text of the file. */
  readonly text?: string;
  /** Text replacements applied to the base (or overlay) file of the same path, in order: [find, replace]. */
  readonly edit?: readonly (readonly [string, string])[];
  /** How the text becomes bytes (default utf-8). */
  readonly encoding?: 'utf-8' | 'latin1' | 'utf-16le' | 'utf-16be';
  /** Prefix the byte order mark of the encoding. */
  readonly bom?: boolean;
  /** Append `#` comment lines until the file has at least this many bytes. */
  readonly padTo?: number;
  /** Raw bytes in hex, appended after the text. */
  readonly hex?: string;
  /** Placeholders in the text replaced by a string repeated n times, for inputs too large to write out. */
  readonly repeat?: Readonly<Record<string, readonly [string, number]>>;
}

/**
 * One diagnostic a case must produce. `file` is relative to the set's folder; `file`, `line`,
 * `column` and `text` are null for a diagnostic about the set as a whole (no span).
 */
export interface ExpectedDiagnostic {
  readonly code: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  /** The exact source text the span covers (what the code frame underlines); "" when the file could not be decoded. */
  readonly text: string | null;
  /** Substrings the message must contain. */
  readonly message?: string | readonly string[];
  /** Substrings the hint must contain. */
  readonly hint?: string | readonly string[];
  /** Other places the diagnostic points at, in order. */
  readonly related?: readonly {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly message?: string;
  }[];
}

export interface CaseSpec {
  /** What the case proves, in a sentence. */
  readonly description: string;
  /** Base files the case removes. */
  readonly delete?: readonly string[];
  /** Files built from a description instead of committed bytes. */
  readonly files?: Readonly<Record<string, GeneratedFile>>;
  /** Symbolic links to create (path to target). A case with links is written to disk and read back like `policyc check` reads it. */
  readonly symlinks?: Readonly<Record<string, string>>;
  /** Every diagnostic, in report order (sorted by file and position). */
  readonly expect: readonly ExpectedDiagnostic[];
}

export interface CorpusCase {
  readonly name: string;
  readonly spec: CaseSpec;
  /** Set-relative path to bytes. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Every file below `dir`, relative to it with `/` separators, sorted; skips case.json. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else if (rel !== 'case.json') out.push(rel);
  }
  return out.sort();
}

/** The base set's files. */
export function baseFiles(): Map<string, Uint8Array> {
  return new Map(listFiles(BASE_DIR).map((f) => [f, readFileSync(path.join(BASE_DIR, f))]));
}

/** The names of every case folder, in order. */
export function caseNames(): string[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
}

/** Builds a case: base, then the folder's files, then deletions, then generated files. */
export function loadCase(name: string): CorpusCase {
  const dir = path.join(CORPUS_DIR, name);
  const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  const files = baseFiles();
  for (const f of listFiles(dir)) files.set(f, readFileSync(path.join(dir, f)));
  for (const f of spec.delete ?? []) {
    if (!files.delete(f)) throw new Error(`${name}: case.json deletes ${f}, which the base does not have`);
  }
  for (const [f, g] of Object.entries(spec.files ?? {})) files.set(f, generate(name, f, g, files.get(f)));
  return { name, spec, files };
}

function generate(caseName: string, file: string, g: GeneratedFile, existing: Uint8Array | undefined): Uint8Array {
  let text = g.text;
  if (g.edit) {
    if (existing === undefined) throw new Error(`${caseName}: ${file} has edits but no base file`);
    text = text ?? new TextDecoder().decode(existing);
    for (const [find, replace] of g.edit) {
      if (!text.includes(find)) throw new Error(`${caseName}: ${file} does not contain ${JSON.stringify(find)}`);
      text = text.replace(find, replace);
    }
  }
  text ??= '';
  for (const [placeholder, [unit, n]] of Object.entries(g.repeat ?? {}))
    text = text.replace(placeholder, unit.repeat(n));
  if (g.padTo !== undefined) {
    const line = `# ${'padding '.repeat(12)}\n`;
    const need = Math.max(0, g.padTo - Buffer.byteLength(text, 'utf8'));
    text += line.repeat(Math.ceil(need / line.length));
  }
  const encoding = g.encoding ?? 'utf-8';
  let bytes: Buffer;
  if (encoding === 'utf-16be') bytes = Buffer.from(text, 'utf16le').swap16();
  else bytes = Buffer.from(text, encoding === 'utf-8' ? 'utf8' : encoding);
  const bom =
    g.bom === true
      ? encoding === 'utf-8'
        ? [0xef, 0xbb, 0xbf]
        : encoding === 'utf-16le'
          ? [0xff, 0xfe]
          : encoding === 'utf-16be'
            ? [0xfe, 0xff]
            : []
      : [];
  return new Uint8Array(Buffer.concat([Buffer.from(bom), bytes, Buffer.from(g.hex ?? '', 'hex')]));
}

/** The files of a case as an in-memory set, as `readSetFolder` would give them. */
export function toSetSource(files: ReadonlyMap<string, Uint8Array>): SetSource {
  const raw: RawFile[] = [...files]
    .filter(([f]) => /\.ya?ml$/.test(f))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([f, bytes]) => ({ path: `${SET_NAME}/${f}`, bytes }));
  // A case may add a lockfile: the roles it numbers are the ones the set had before.
  const lock = files.get('policyc.lock.json');
  return {
    name: SET_NAME,
    dir: SET_NAME,
    files: raw,
    ...(lock ? { lockfile: { path: `${SET_NAME}/policyc.lock.json`, bytes: lock } } : {}),
  };
}

/**
 * Runs a case through the front end: in memory, or, when it has symbolic links, written to a
 * temporary folder and read back from disk.
 */
export async function analyzeCase(c: CorpusCase): Promise<Analysis> {
  if (!c.spec.symlinks) return analyzeSet(toSetSource(c.files));
  const root = mkdtempSync(path.join(tmpdir(), 'policyc-corpus-'));
  try {
    const dir = writeSet(root, c.files);
    for (const [link, target] of Object.entries(c.spec.symlinks)) {
      mkdirSync(path.dirname(path.join(dir, link)), { recursive: true });
      symlinkSync(target, path.join(dir, link));
    }
    return analyzeSet(await readSetFolder(dir, new Diagnostics()));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Writes a set's files below `root/shop/`; returns that folder. */
export function writeSet(root: string, files: ReadonlyMap<string, Uint8Array>): string {
  const dir = path.join(root, SET_NAME);
  for (const [f, bytes] of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), bytes);
  }
  return dir;
}

/** A diagnostic in the shape of an expectation, with the text its span covers. */
export function actualOf(d: Diagnostic, analysis: Analysis): ExpectedDiagnostic & { message: string; hint?: string } {
  const dir = analysis.source.dir;
  const rel = (file: string) => (file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file);
  const span = d.span;
  const source = span ? analysis.files.get(span.file) : undefined;
  return {
    code: d.code,
    file: span ? rel(span.file) : null,
    line: span?.line ?? null,
    column: span?.column ?? null,
    text: span ? (source ? source.text.slice(span.offset, span.endOffset) : '') : null,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.related
      ? {
          related: d.related.map((r) => ({
            file: rel(r.span.file),
            line: r.span.line,
            column: r.span.column,
            message: r.message,
          })),
        }
      : {}),
  };
}
