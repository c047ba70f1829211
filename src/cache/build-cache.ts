import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  constants as fsConstants,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SetSource } from '../load/source.js';

/**
 * The build cache: what a successful build of a set produced, keyed by the SHA-256 of every input
 * byte (the set's files, its lockfile), policyc's own code and the versions of Node and `yaml`.
 * A warm build whose inputs and outputs are unchanged reads and hashes files; it parses no YAML,
 * resolves nothing and emits nothing.
 *
 * The cache is an accelerator, never a source of truth: an entry is used only when its key is
 * the key computed from the bytes on disk now, its own digest checks out, and every output file
 * it names is on disk with the recorded SHA-256. Anything else (a missing, truncated, corrupt,
 * foreign or tampered entry, a symlink where a file or folder should be, a folder that cannot
 * be read or written) is ignored and the set is compiled as if there were no cache. Deleting the
 * folder at any time is safe.
 */

/** Bumped when the entry's layout changes: entries of another layout are ignored. */
const FORMAT = 1;

/** Entries kept (one per set and output folder); older ones are removed when a build adds one. */
const MAX_ENTRIES = 256;

/** What a build needs to report a set it did not compile again. */
export interface BuildRecord {
  readonly name: string;
  readonly version: string;
  readonly permissions: number;
  readonly roles: number;
  readonly scopes: number;
  /** The content hash the generated module declares. */
  readonly hash: string | undefined;
  /** The generated files, with the path they were written to (as displayed) and their SHA-256. */
  readonly files: readonly {
    readonly name: string;
    readonly path: string;
    readonly bytes: number;
    readonly sha256: string;
  }[];
  /** The set's findings (warnings only: a set with errors is never recorded), in the order printed. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * What an entry answers: a build of the set (`build`), its analysis (`check`, src/cache/check-record.ts),
 * or the JavaScript of the module of a set or of a scenario's changed copy of it (`steps`, src/gherkin/sets.ts).
 */
export type EntryKind = 'build' | 'check' | 'steps';

interface Entry {
  readonly format: number;
  readonly key: string;
  readonly record: unknown;
  /** SHA-256 of the key and the record's JSON: a truncated or edited entry does not match. */
  readonly digest: string;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

let fingerprint: string | undefined;

/**
 * policyc's own code: its version, the size and modification time of every module of the running
 * copy (dist/ or src/), and the versions of Node and `yaml`. A rebuilt or edited policyc never
 * reads the entries of another build of itself.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.dirname(here);
  const parts: string[] = [`node ${process.versions.node}`];
  try {
    const require = createRequire(import.meta.url);
    parts.push(`yaml ${(require('yaml/package.json') as { version: string }).version}`);
  } catch {
    parts.push('yaml ?');
  }
  try {
    parts.push(readFileSync(path.join(root, '..', 'package.json'), 'utf8'));
  } catch {
    parts.push('package.json ?');
  }
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts|json)$/.test(e.name)) {
        const s = statSync(p);
        parts.push(`${path.relative(root, p)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  try {
    walk(root);
  } catch {
    parts.push(`unreadable ${Math.random()}`);
  }
  fingerprint = sha256(parts.join('\n'));
  return fingerprint;
}

/**
 * Where the cache lives: `node_modules/.cache/policyc` of the nearest `node_modules` above the
 * working directory, else `$XDG_CACHE_HOME/policyc` (`~/.cache/policyc`).
 */
export function defaultCacheDir(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    try {
      if (statSync(path.join(dir, 'node_modules')).isDirectory())
        return path.join(dir, 'node_modules', '.cache', 'policyc');
    } catch {
      // not here; look further up
    }
    if (path.dirname(dir) === dir) break;
  }
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'policyc');
}

/** Where one set's entry is: one file per kind, set and output folder, replaced by each build (or check). */
function slotOf(dir: string, kind: EntryKind, source: SetSource, outRoot: string): string {
  const place = `${process.cwd()}\0${path.resolve(source.dir)}\0${path.resolve(outRoot)}`;
  return path.join(dir, `${sha256(kind === 'build' ? place : `${kind}\0${place}`).slice(0, 32)}.json`);
}

/** The key of a set's inputs: the lockfile's bytes are `lockfile` when given (the text a build just wrote). */
function keyOf(kind: EntryKind, source: SetSource, outRoot: string, lockfile?: string): string {
  const h = createHash('sha256');
  h.update(
    `policyc ${kind} cache ${FORMAT}\0${codeFingerprint()}\0${process.cwd()}\0${source.name}\0${source.dir}\0${outRoot}\0`,
  );
  for (const f of source.files) h.update(`${f.path}\0${f.size ?? f.bytes.length}\0${sha256(f.bytes)}\0`);
  const lock = lockfile !== undefined ? Buffer.from(lockfile) : source.lockfile?.bytes;
  // The lockfile's place follows from the set's folder (in the key); its bytes are what matter.
  h.update(lock ? `lockfile\0${sha256(lock)}` : 'no lockfile');
  h.update(JSON.stringify(source.readDiagnostics ?? []));
  return h.digest('hex');
}

/** True when `p` exists and is a symlink: the cache follows none (it could point anywhere). */
export function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads a regular file without following a symlink; undefined when it is anything else. */
export function readRegular(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
    if (!fstatSync(fd).isFile()) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isRecord(x: unknown): x is BuildRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.name === 'string' &&
    typeof r.version === 'string' &&
    typeof r.permissions === 'number' &&
    typeof r.roles === 'number' &&
    typeof r.scopes === 'number' &&
    (r.hash === undefined || typeof r.hash === 'string') &&
    Array.isArray(r.files) &&
    r.files.every(
      (f: unknown) =>
        typeof f === 'object' &&
        f !== null &&
        typeof (f as Record<string, unknown>).name === 'string' &&
        typeof (f as Record<string, unknown>).path === 'string' &&
        typeof (f as Record<string, unknown>).bytes === 'number' &&
        typeof (f as Record<string, unknown>).sha256 === 'string',
    ) &&
    Array.isArray(r.diagnostics) &&
    r.diagnostics.every(
      (d: unknown) =>
        typeof d === 'object' &&
        d !== null &&
        (d as Record<string, unknown>).severity === 'warning' &&
        typeof (d as Record<string, unknown>).code === 'string' &&
        typeof (d as Record<string, unknown>).message === 'string',
    )
  );
}

/** The build cache of one folder. */
export class BuildCache {
  /** The folder, or undefined when it cannot be used (a symlink on the way): then nothing is read or written. */
  readonly dir: string | undefined;

  constructor(dir: string) {
    const parent = path.dirname(dir);
    this.dir = isSymlink(dir) || isSymlink(parent) ? undefined : dir;
  }

  /** The record of a set whose inputs and generated files are exactly as a build recorded them; else undefined. */
  lookup(source: SetSource, outRoot: string): BuildRecord | undefined {
    const record = this.lookupEntry('build', source, outRoot, isRecord);
    if (!record) return undefined;
    for (const f of record.files) {
      const text = readRegular(f.path);
      if (!text || text.length !== f.bytes || sha256(text) !== f.sha256) return undefined;
    }
    return record;
  }

  /**
   * Records a set's successful build; `lockfile` is the lockfile's text on disk after it.
   * Failures (a read-only or missing folder, a full disk) are ignored: the cache only speeds up.
   */
  store(source: SetSource, outRoot: string, lockfile: string | undefined, record: BuildRecord): void {
    this.storeEntry('build', source, outRoot, lockfile, record);
  }

  /**
   * The record of `kind` stored for a set whose inputs are the bytes on disk now, when its key,
   * its digest and `valid` all agree; else undefined.
   */
  lookupEntry<T>(kind: EntryKind, source: SetSource, outRoot: string, valid: (x: unknown) => x is T): T | undefined {
    if (!this.dir) return undefined;
    const bytes = readRegular(slotOf(this.dir, kind, source, outRoot));
    if (!bytes) return undefined;
    let entry: Entry;
    try {
      entry = JSON.parse(bytes.toString('utf8')) as Entry;
    } catch {
      return undefined;
    }
    if (typeof entry !== 'object' || entry === null || entry.format !== FORMAT || !valid(entry.record))
      return undefined;
    if (entry.key !== keyOf(kind, source, outRoot)) return undefined;
    if (entry.digest !== sha256(`${entry.key}\0${JSON.stringify(entry.record)}`)) return undefined;
    return entry.record;
  }

  /** Stores a record of `kind` for a set (written whole or not at all); failures are ignored. */
  storeEntry(kind: EntryKind, source: SetSource, outRoot: string, lockfile: string | undefined, record: unknown): void {
    if (!this.dir) return;
    const key = keyOf(kind, source, outRoot, lockfile);
    const entry: Entry = { format: FORMAT, key, record, digest: sha256(`${key}\0${JSON.stringify(record)}`) };
    const target = slotOf(this.dir, kind, source, outRoot);
    const temp = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      if (isSymlink(this.dir)) return;
      writeFileSync(temp, JSON.stringify(entry), { flag: 'wx' });
      // The rename replaces a symlink planted at the target; it never writes through one.
      renameSync(temp, target);
      this.prune();
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing was written, or it cannot be removed: either way the entry is not used
      }
    }
  }

  /** Keeps the folder small: beyond MAX_ENTRIES entries, the least recently written go. */
  private prune(): void {
    pruneCacheDir(this.dir!);
  }
}

/** Keeps a cache folder small: beyond MAX_ENTRIES entries (of every kind), the least recently written go. */
export function pruneCacheDir(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names.map((n) => ({ n, t: lstatSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, names.length - MAX_ENTRIES)) rmSync(path.join(dir, n), { force: true });
}

/** SHA-256 of a generated file's text, as recorded. */
export function textDigest(text: string): { bytes: number; sha256: string } {
  const b = Buffer.from(text);
  return { bytes: b.length, sha256: sha256(b) };
}
