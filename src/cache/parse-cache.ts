import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedFileSession, ParsedFileStore } from '../load/parsed-files.js';
import type { RawFile, SetSource, SourceFile } from '../load/source.js';
import {
  type DocumentRecord,
  documentFromRecord,
  documentRecord,
  PARSER_MODULE,
  type YamlDocument,
} from '../load/yaml.js';
import { isSymlink, pruneCacheDir, readRegular } from './build-cache.js';
import { recordsMatchText } from './verify-record.js';

/**
 * The parse cache: the YAML documents of policy files, keyed by the SHA-256 of each file's bytes,
 * so that an unchanged file is never parsed twice, whichever command reads it (check, build,
 * explain, who-can, access, diff, test, report, vectors: the pipeline's `parse` stage asks it,
 * src/pipeline/stages.ts, once the command line has set it with useParsedFileStore). A run whose files are all known does not load the `yaml` package.
 *
 * One entry per set folder, in the build cache's folder (src/cache/build-cache.ts), holding the
 * documents of the files the set had when it was last parsed. Only files that decoded and parsed
 * without any finding are kept, as plain data with their source positions (src/load/yaml.ts
 * documentRecord). Everything after `parse` runs on the documents as on freshly parsed ones:
 * control characters, the JSON Schema, the semantic rules.
 *
 * Like the build cache it is an accelerator, never a source of truth: an entry is used only when
 * its key (the cache's format, policyc's version and parser module, `yaml`'s version) is this
 * policyc's, its digest matches its bytes, its documents are shaped exactly as documentRecord
 * makes them, and they read back from the text of the file whose hash they are filed under
 * (./verify-record.ts: every scalar says at its recorded place what the record says, and nothing
 * between them is data), so that an entry edited to grant more, even with its digest recomputed,
 * is not used. Anything else (missing, truncated, corrupt, foreign, oversized, a symlink) is
 * ignored and the files are parsed. Deleting the folder is safe.
 */

/** Bumped when the entry's layout or the documents' records change. */
const FORMAT = 1;

/** Entries larger than this are neither written nor read (a 12 MiB set's entry is about 40 MiB). */
const MAX_ENTRY_BYTES = 128 * 1024 * 1024;

/** Besides the set's current files, an entry keeps this many records of files it had before (a diff's other side, an undone edit). */
const EXTRA_FILES = 64;

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

let parserKey: string | undefined;

/**
 * What the cached documents depend on: this cache's format, policyc's package.json, the size and
 * time of the module that converts YAML to documents (src/load/yaml.ts, or its build), and `yaml`'s
 * version. Cheap on purpose (a few stats, no walk of policyc's files): it is computed on every run.
 */
function parserFingerprint(): string {
  if (parserKey) return parserKey;
  const parts = [`policyc parse cache ${FORMAT}`];
  const here = path.dirname(fileURLToPath(import.meta.url));
  try {
    parts.push(readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8'));
  } catch {
    parts.push('package.json ?');
  }
  try {
    const s = statSync(fileURLToPath(PARSER_MODULE));
    parts.push(`parser ${s.size} ${s.mtimeMs}`);
  } catch {
    parts.push(`parser ? ${Math.random()}`);
  }
  try {
    const file = createRequire(import.meta.url).resolve('yaml/package.json');
    parts.push(`yaml ${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`);
  } catch {
    parts.push(`yaml ? ${Math.random()}`);
  }
  parserKey = sha256(parts.join('\n'));
  return parserKey;
}

/** The first line of an entry; the second is the JSON of its files, whose SHA-256 is `digest`. */
interface Header {
  readonly format: number;
  readonly key: string;
  readonly digest: string;
}

/** The documents of one file, as kept. */
type FileRecords = readonly DocumentRecord[];

/** The parse cache of one folder. */
export class ParsedFiles implements ParsedFileStore {
  /** The folder, or undefined when it cannot be used (a symlink on the way): then nothing is read or written. */
  readonly dir: string | undefined;

  constructor(dir: string) {
    this.dir = isSymlink(dir) || isSymlink(path.dirname(dir)) ? undefined : dir;
  }

  /** The cache's answers for one pipeline run on `source`; `close()` it after parsing to keep what was parsed. */
  open(source: SetSource): SetParses {
    const slot = this.dir && path.join(this.dir, `parse-${sha256(path.resolve(source.dir)).slice(0, 32)}.json`);
    return new SetParses(this, slot, slot ? readEntry(slot) : new Map());
  }

  /** Writes an entry whole or not at all; failures (a read-only folder, a full disk) are ignored. */
  write(slot: string, files: ReadonlyMap<string, FileRecords>): void {
    if (!this.dir) return;
    const temp = `${slot}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const body = JSON.stringify(Object.fromEntries(files));
      if (body.length > MAX_ENTRY_BYTES) return;
      const header: Header = { format: FORMAT, key: parserFingerprint(), digest: sha256(body) };
      mkdirSync(this.dir, { recursive: true });
      if (isSymlink(this.dir)) return;
      writeFileSync(temp, `${JSON.stringify(header)}\n${body}`, { flag: 'wx' });
      // The rename replaces a symlink planted at the target; it never writes through one.
      renameSync(temp, slot);
      pruneCacheDir(this.dir);
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing was written, or it cannot be removed: either way the entry is not used
      }
    }
  }
}

/** An entry's files by content hash; empty when the entry is missing or not to be trusted. */
function readEntry(slot: string): Map<string, unknown> {
  const none = new Map<string, unknown>();
  const bytes = readRegular(slot);
  if (!bytes || bytes.length > MAX_ENTRY_BYTES) return none;
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return none;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
  } catch {
    return none;
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT) return none;
  if (header.key !== parserFingerprint()) return none;
  const body = bytes.subarray(newline + 1);
  if (header.digest !== sha256(body)) return none;
  let files: unknown;
  try {
    files = JSON.parse(body.toString('utf8'));
  } catch {
    return none;
  }
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return none;
  return new Map(Object.entries(files).filter(([hash]) => /^[0-9a-f]{64}$/.test(hash)));
}

/** The cache's answers for one run on one set, and what the run parsed, kept by `close()`. */
export class SetParses implements ParsedFileSession {
  private readonly cache: ParsedFiles;
  private readonly slot: string | undefined;
  private readonly known: ReadonlyMap<string, unknown>;
  /** The records of this run's files (found or parsed), by content hash. */
  private readonly current = new Map<string, FileRecords>();
  private changed = false;

  constructor(cache: ParsedFiles, slot: string | undefined, known: ReadonlyMap<string, unknown>) {
    this.cache = cache;
    this.slot = slot;
    this.known = known;
  }

  /**
   * The documents of a file whose bytes were parsed cleanly before, in `file` (the bytes, decoded
   * without findings); undefined when the cache does not know them or any record fails its checks.
   */
  documents(raw: RawFile, file: SourceFile): YamlDocument[] | undefined {
    const hash = sha256(raw.bytes);
    const records = this.known.get(hash);
    if (!Array.isArray(records) || records.length === 0) return undefined;
    const documents: YamlDocument[] = [];
    let index = -1;
    for (const record of records) {
      const doc = documentFromRecord(file, record);
      // Documents come in file order, each once.
      if (!doc || doc.index <= index) return undefined;
      index = doc.index;
      documents.push(doc);
    }
    try {
      if (!recordsMatchText(file.text, records as FileRecords)) return undefined;
    } catch {
      // Nesting deep enough to exhaust the stack: parse the file instead.
      return undefined;
    }
    this.current.set(hash, records as FileRecords);
    return documents;
  }

  /** Keeps the documents of a file that decoded and parsed without any finding. */
  keep(raw: RawFile, documents: readonly YamlDocument[]): void {
    if (documents.length === 0) return;
    const records: DocumentRecord[] = [];
    for (const doc of documents) {
      const record = documentRecord(doc);
      if (!record) return;
      records.push(record);
    }
    this.current.set(sha256(raw.bytes), records);
    this.changed = true;
  }

  /** Writes the entry when the run parsed something the cache did not know. */
  close(): void {
    if (!this.changed || !this.slot) return;
    const files = new Map(this.current);
    let extra = 0;
    for (const [hash, records] of this.known) {
      if (extra >= EXTRA_FILES) break;
      if (files.has(hash) || !Array.isArray(records)) continue;
      files.set(hash, records as FileRecords);
      extra++;
    }
    this.cache.write(this.slot, files);
  }
}
