import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError, writeFilesAtomic } from '../src/output/write.js';

/** The output writer: a set's files (module, manifest, lockfile) are replaced together or not at all. */

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policyc-write-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeFilesAtomic', () => {
  it('writes changed files, creates folders, and leaves files that already hold their text alone', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'same.txt'), 'same');
    const r = writeFilesAtomic([
      { path: path.join(dir, 'same.txt'), text: 'same' },
      { path: path.join(dir, 'new/deep/file.txt'), text: 'new' },
    ]);
    expect(r).toEqual({ written: [path.join(dir, 'new/deep/file.txt')], unchanged: [path.join(dir, 'same.txt')] });
    expect(readFileSync(path.join(dir, 'new/deep/file.txt'), 'utf8')).toBe('new');
  });

  it('touches no file of the group when one of them cannot be written, and leaves no temporary file', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'a.txt'), 'old a');
    writeFileSync(path.join(dir, 'blocker'), 'a file where a folder is needed');
    let thrown: unknown;
    try {
      writeFilesAtomic([
        { path: path.join(dir, 'a.txt'), text: 'new a' },
        { path: path.join(dir, 'blocker/b.txt'), text: 'new b' },
      ]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WriteError);
    expect((thrown as WriteError).file).toBe(path.join(dir, 'blocker/b.txt'));
    expect((thrown as WriteError).reason).toMatch(/^E[A-Z]+$/);
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'blocker']);
  });
});
