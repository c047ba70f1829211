import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Diagnostic, diagnostic } from '../diagnostics/diagnostic.js';

/** What happened to a file: written (new or changed), or left alone because it already had the text. */
export type WriteResult = 'written' | 'unchanged';

/** A file to write: its path and its whole text. */
export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

/** What a group write did, file by file. */
export interface WriteSummary {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
}

/** A file of a group could not be written; none of the group's targets was touched. */
export class WriteError extends Error {
  readonly file: string;
  /** The system's error code (`EACCES`, `ENOSPC`, `ENOTDIR`…), or the error's message. */
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'WriteError';
    this.file = file;
    this.reason = reason;
  }
}

/** The PC605 finding for a set whose output could not be written. */
export function writeFailure(error: WriteError): Diagnostic {
  return diagnostic('PC605', error.message, undefined, {
    hint: 'check that the output folder is writable and the disk is not full; nothing of this set was written, its last output stays in place',
  });
}

/**
 * Writes a group of files (a set's generated module, manifest and lockfile) all or nothing.
 * Every file whose text changed is first written to a temporary file in its own folder; only
 * when all of them are on disk are they renamed over their targets, and a rename within a folder
 * is atomic: readers see the old file or the new one, never half of one. When a file cannot be
 * written (a read-only folder, a full disk), the temporary files are removed, no target is
 * touched, and a WriteError names the file. Files that already hold their text are not touched
 * (their mtime stays, watchers stay quiet).
 */
export function writeFilesAtomic(files: readonly OutputFile[]): WriteSummary {
  const unchanged: string[] = [];
  const staged: { temp: string; file: string }[] = [];
  const discard = (from: number) => {
    for (const s of staged.slice(from)) {
      try {
        rmSync(s.temp, { force: true });
      } catch {
        // The temporary file was never created (its folder could not be).
      }
    }
  };
  for (const f of files) {
    if (readText(f.path) === f.text) {
      unchanged.push(f.path);
      continue;
    }
    const dir = path.dirname(f.path);
    const temp = path.join(dir, `.policyc-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(f.path)}`);
    staged.push({ temp, file: f.path });
    try {
      // A folder in the way would only fail at the rename, after other files were replaced.
      if (statSync(f.path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('a folder is in the way'), { code: 'EISDIR' });
      mkdirSync(dir, { recursive: true });
      writeFileSync(temp, f.text);
    } catch (error) {
      discard(0);
      throw new WriteError(f.path, reasonOf(error));
    }
  }
  const written: string[] = [];
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.temp, s.file);
    } catch (error) {
      // Only a folder changed by someone else between the two steps gets here.
      discard(i);
      throw new WriteError(s.file, reasonOf(error));
    }
    written.push(s.file);
  }
  return { written, unchanged };
}

/** Writes one file atomically (see writeFilesAtomic). */
export function writeFileAtomic(file: string, text: string): WriteResult {
  return writeFilesAtomic([{ path: file, text }]).written.length > 0 ? 'written' : 'unchanged';
}

/** The file's text, or undefined when it does not exist or cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
