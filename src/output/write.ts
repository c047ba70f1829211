import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Diagnostic, diagnostic } from '../diagnostics/diagnostic.js';

/** A file to write: its path and its whole text. */
export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

/** What a group write did, file by file. */
interface WriteSummary {
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

/** How a group write reaches the disk; tests replace `rename` to stop a build between two renames, as a kill would. */
interface WriteOptions {
  readonly rename?: (from: string, to: string) => void;
}

/** Temporary files of a write: `.policyc-tmp-<pid>-<random>-<name>` beside their target. */
const TEMP = /^\.policyc-tmp-(\d+)-/;

/**
 * Writes a group of files (a set's lockfile, generated module and manifest) all or nothing.
 * Every file whose text changed is first written to a temporary file in its own folder; only
 * when all of them are on disk are they renamed over their targets, in the order given, and a
 * rename within a folder is atomic: readers see the old file or the new one, never half of one.
 * A kill between two renames leaves some targets new and some old: callers order the group so
 * that every such state is safe (the lockfile first), and `policyc build` repairs it. When a
 * file cannot be written (a read-only folder, a full disk), the temporary files are removed, no
 * target is touched, and a WriteError names the file. Files that already hold their text are not
 * touched (their mtime stays, watchers stay quiet). Temporary files that an interrupted write
 * left in the group's folders are removed first.
 */
export function writeFilesAtomic(files: readonly OutputFile[], options: WriteOptions = {}): WriteSummary {
  const rename = options.rename ?? renameSync;
  removeStaleTemporaries(new Set(files.map((f) => path.dirname(f.path))));
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
    const temp = path.join(
      dir,
      `.policyc-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(f.path)}`,
    );
    staged.push({ temp, file: f.path });
    try {
      // A folder in the way would only fail at the rename, after other files were replaced.
      if (statSync(f.path, { throwIfNoEntry: false })?.isDirectory())
        throw Object.assign(new Error('a folder is in the way'), { code: 'EISDIR' });
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
      rename(s.temp, s.file);
    } catch (error) {
      // Only a folder changed by someone else between the two steps gets here.
      discard(i);
      throw new WriteError(s.file, reasonOf(error));
    }
    written.push(s.file);
  }
  return { written, unchanged };
}

/**
 * Removes the temporary files a killed write left in `dirs`: those of a process that is no
 * longer running (a write in progress in another process keeps its own).
 */
function removeStaleTemporaries(dirs: Iterable<string>): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP.exec(name);
      if (!m || isRunning(Number(m[1]))) continue;
      try {
        rmSync(path.join(dir, name), { force: true });
        removed.push(path.join(dir, name));
      } catch {
        // Not ours to remove after all (permissions): it stays, and harms nothing.
      }
    }
  }
  return removed;
}

/** Whether another process with this id runs. This process's own temporary files are never in use between writes: writes are synchronous. */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes one file atomically (see writeFilesAtomic): `fmt`, `vectors` and `report` write single files. */
export function writeFileAtomic(file: string, text: string): void {
  writeFilesAtomic([{ path: file, text }]);
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
