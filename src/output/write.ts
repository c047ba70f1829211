import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What happened to a file: written (new or changed), or left alone because it already had the text. */
export type WriteResult = 'written' | 'unchanged';

/**
 * Writes a file atomically: the text goes to a temporary file in the same folder, which is then
 * renamed over the target, so readers see the old file or the new one, never half of one.
 * A file that already holds the text is not touched (its mtime stays, watchers stay quiet).
 */
export function writeFileAtomic(file: string, text: string): WriteResult {
  if (readText(file) === text) return 'unchanged';
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.policyc-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(file)}`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return 'written';
}

/** The file's text, or undefined when it does not exist or cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
