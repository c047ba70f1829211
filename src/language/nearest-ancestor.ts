/*
 * The rule for entries of a collection, known or not: an entry is covered by what is said of the
 * entries above it (granting `app` covers `app/triggers/x`), and an entry unknown at build time
 * (added to the catalog later) follows its nearest known ancestor. Paths are `/`-separated; an
 * entry's ancestors are the prefixes that end before one of its `/`. The compiler side (review
 * access, explain, who-can, the steps) calls these functions. Two places restate the rule on
 * purpose: the generated module's runtime (src/runtime/collection-table.ts `entryAllowed`,
 * copied verbatim into every generated module, which must not import anything and must not
 * allocate on the hot path), and the reference evaluator (the independent oracle).
 * test/language-rules.test.ts checks that the runtime and this module pick the same ancestor.
 */

/** The nearest proper ancestor of `path` for which `known` holds (the longest such prefix ending before a `/`), or undefined. */
export function nearestAncestor(path: string, known: (ancestor: string) => boolean): string | undefined {
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    const ancestor = path.slice(0, slash);
    if (known(ancestor)) return ancestor;
  }
  return undefined;
}

/** `path` itself when `known` holds for it, else its nearest ancestor for which it does: the listed entry that covers `path`. */
export function coveringEntry(path: string, known: (entry: string) => boolean): string | undefined {
  return known(path) ? path : nearestAncestor(path, known);
}

/** Whether `path` is one of `listed` or below one of them. */
export function coveredBy(path: string, listed: Iterable<string>): boolean {
  const set = listed instanceof Set ? (listed as ReadonlySet<string>) : new Set(listed);
  return coveringEntry(path, (e) => set.has(e)) !== undefined;
}
