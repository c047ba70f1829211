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

/**
 * The `unhomoglyph` package's mapping, applied one code point at a time (its keys are all single
 * code points). Same result as the package's function, which compiles a regular expression of
 * 6,000 alternatives on first use (~15 ms of every `check`); the table is read on first use.
 */
function unhomoglyph(text: string): string {
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
