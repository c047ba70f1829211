import { createRequire } from 'node:module';

/*
 * The rule for comparing titles (of roles, users, permissions, scopes, collections and their
 * entries): two titles are the same when they fold to the same string. The compiler uses it to
 * reject titles people cannot tell apart (PC402); the command line and the Gherkin steps use it
 * to find a thing by its title, so a title that one of them accepts the other accepts too.
 */

/** Characters that change nothing a reader sees: zero-width spaces and joiners, direction marks, the byte-order mark. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Folds a title for comparison: Unicode compatibility forms, invisible characters, case, white
 * space and look-alike characters (Cyrillic `А` and Latin `A`, curly and straight quotes) do not
 * count.
 */
export function foldTitle(title: string): string {
  const compatible = title.normalize('NFKC').replace(INVISIBLE, '');
  const collapsed = compatible.trim().replace(/\s+/g, ' ');
  return unhomoglyph(collapsed.toLowerCase()).toLowerCase();
}

let homoglyphs: Map<string, string> | undefined;

/** The rows of the `unhomoglyph` package's table whose key is ASCII. */
export const ASCII_HOMOGLYPHS: Readonly<Record<string, string>> = {
  '0': 'O',
  '1': 'l',
  '`': "'",
  '"': "''",
  '|': 'l',
  I: 'l',
  '%': 'º/₀',
  m: 'rn',
};

/**
 * The `unhomoglyph` package's mapping, applied one code point at a time (its keys are all single
 * code points). Same result as the package's function, which compiles a regular expression of
 * 6,000 alternatives on first use (~15 ms of every `check`); the table is read on first use.
 */
function unhomoglyph(text: string): string {
  // Most titles are ASCII: the table's ASCII rows are enough (test/title-fold.test.ts checks them
  // against the package), and reading the 100 KiB table costs every run that resolves a set.
  if (/^[\x00-\x7f]*$/.test(text)) return text.replace(/[01`"|I%m]/g, (ch) => ASCII_HOMOGLYPHS[ch]!);
  homoglyphs ??= new Map(
    Object.entries(createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>),
  );
  let out = '';
  for (const ch of text) out += homoglyphs.get(ch) ?? ch;
  return out;
}

/** Whether two titles read the same (see foldTitle). */
export function sameTitle(a: string, b: string): boolean {
  return foldTitle(a) === foldTitle(b);
}
