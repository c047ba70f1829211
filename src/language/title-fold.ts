import unhomoglyph from 'unhomoglyph';

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

/** Whether two titles read the same (see foldTitle). */
export function sameTitle(a: string, b: string): boolean {
  return foldTitle(a) === foldTitle(b);
}
