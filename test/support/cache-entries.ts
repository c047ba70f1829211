import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The entries of a build cache folder (src/cache/build-cache.ts). */
export const entries = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** An edit of an entry, as loose JSON. */
// biome-ignore lint/suspicious/noExplicitAny: entries are edited as loose JSON, as a forger would
export type EntryEdit = (entry: Record<string, any>) => void;

/** Rewrites every entry of the cache with `change`, re-signing it when `sign` (a forger who knows the format). */
export function rewriteEntries(dir: string, change: EntryEdit, sign: boolean): void {
  for (const f of entries(dir)) {
    const entry = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    change(entry);
    if (sign) entry.digest = sha256(`${entry.key}\0${JSON.stringify(entry.record)}`);
    writeFileSync(path.join(dir, f), JSON.stringify(entry));
  }
}

/**
 * Ways to spoil every entry of a cache folder, each of which the cache must ignore; `forge`
 * edits a record so that its use would show in the output.
 */
export function hostileEntries(forge: EntryEdit): [string, (dir: string) => void][] {
  return [
    ['garbage', (dir) => entries(dir).forEach((f) => writeFileSync(path.join(dir, f), '\u0000\u00ff garbage {'))],
    [
      'truncated',
      (dir) =>
        entries(dir).forEach((f) => {
          const text = readFileSync(path.join(dir, f), 'utf8');
          writeFileSync(path.join(dir, f), text.slice(0, text.length >> 1));
        }),
    ],
    ['empty', (dir) => entries(dir).forEach((f) => writeFileSync(path.join(dir, f), ''))],
    ['JSON of another shape', (dir) => entries(dir).forEach((f) => writeFileSync(path.join(dir, f), '[1,2,3]'))],
    ['tampered (record edited, digest not)', (dir) => rewriteEntries(dir, forge, false)],
    [
      'of another policyc version (another key)',
      (dir) =>
        rewriteEntries(
          dir,
          (e) => {
            forge(e);
            e.key = sha256('policyc 9.9.9');
          },
          true,
        ),
    ],
    [
      'of another layout',
      (dir) =>
        rewriteEntries(
          dir,
          (e) => {
            forge(e);
            e.format = 999;
          },
          true,
        ),
    ],
    [
      "another set's entry in this set's place",
      (dir) => {
        const [a, b] = entries(dir).map((f) => path.join(dir, f));
        const ta = readFileSync(a!, 'utf8');
        writeFileSync(a!, readFileSync(b!, 'utf8'));
        writeFileSync(b!, ta);
      },
    ],
    [
      'a directory where an entry should be',
      (dir) =>
        entries(dir).forEach((f) => {
          rmSync(path.join(dir, f));
          mkdirSync(path.join(dir, f));
        }),
    ],
  ];
}
