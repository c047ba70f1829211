import type { CollectionAccess, CollectionInfo, CollectionMode } from './model.js';

/** The access of a role that says nothing about a collection: nothing allowed. */
export function noAccess(): CollectionAccess {
  return { mode: 'allow', entries: [], allowed: new Set(), unknownUnder: new Set(), unknownTop: false };
}

/** Every path of the subtrees of `paths`. */
function expand(collection: CollectionInfo, paths: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) for (const q of collection.subtree.get(p) ?? []) out.add(q);
  return out;
}

/** The exact access one declared rule gives. */
export function ruleAccess(
  collection: CollectionInfo,
  mode: CollectionMode,
  entries: readonly string[],
): CollectionAccess {
  const all = collection.entries.map((e) => e.path);
  switch (mode) {
    case 'all':
      return summarize(collection, new Set(all), new Set(all), true);
    case 'allow': {
      // Listing an entry covers its descendants, those added after the build included.
      const listed = expand(collection, entries);
      return summarize(collection, listed, new Set(listed), false);
    }
    case 'except': {
      const excluded = expand(collection, entries);
      const rest = new Set(all.filter((p) => !excluded.has(p)));
      return summarize(collection, rest, new Set(rest), true);
    }
  }
}

/**
 * The union of two accesses: an entry is allowed when either allows it. On known entries this is
 * the algebra of docs/language.md (Collections) (all ∪ X = all; allow A ∪ allow B = allow A∪B; except A ∪ allow B =
 * except A∖B; except A ∪ except B = except A∩B); unknown entries stay allowed only where one
 * side allowed them.
 */
export function unionAccess(collection: CollectionInfo, a: CollectionAccess, b: CollectionAccess): CollectionAccess {
  return summarize(
    collection,
    new Set([...a.allowed, ...b.allowed]),
    new Set([...a.unknownUnder, ...b.unknownUnder]),
    a.unknownTop || b.unknownTop,
  );
}

/** Builds the access from its exact sets, deriving the mode and listed entries people read. */
function summarize(
  collection: CollectionInfo,
  allowed: ReadonlySet<string>,
  unknownUnder: ReadonlySet<string>,
  unknownTop: boolean,
): CollectionAccess {
  const total = collection.entries.length;
  let mode: CollectionMode;
  let entries: string[];
  if (unknownTop && allowed.size === total && unknownUnder.size === total) {
    mode = 'all';
    entries = [];
  } else if (!unknownTop) {
    mode = 'allow';
    entries = compactEntries(collection, allowed);
  } else {
    mode = 'except';
    entries = compactEntries(collection, new Set(collection.entries.map((e) => e.path).filter((p) => !allowed.has(p))));
  }
  return {
    mode,
    entries,
    allowed: sorted(collection, allowed),
    unknownUnder: sorted(collection, unknownUnder),
    unknownTop,
  };
}

/**
 * The fewest entries whose subtrees make up `set`, in catalog order: an entry whose whole
 * subtree is in the set stands for it. An entry in the set only part of whose subtree is
 * (its descendants in the set are then listed too) stands for itself alone.
 */
export function compactEntries(collection: CollectionInfo, set: ReadonlySet<string>): string[] {
  const wholeListed = new Set<string>();
  const out: string[] = [];
  for (const e of collection.entries) {
    if (!set.has(e.path)) continue;
    if (e.parent !== undefined && wholeListed.has(e.parent)) {
      wholeListed.add(e.path);
      continue;
    }
    out.push(e.path);
    if ((collection.subtree.get(e.path) ?? []).every((p) => set.has(p))) wholeListed.add(e.path);
  }
  return out;
}

function sorted(collection: CollectionInfo, set: ReadonlySet<string>): ReadonlySet<string> {
  return new Set(collection.entries.map((e) => e.path).filter((p) => set.has(p)));
}
