/**
 * Collection tables of the generated module's runtime: known entries by path, and the rule for
 * an entry unknown at build time (it follows its nearest known ancestor). Copied into every
 * generated module without `export` (src/emit/runtime.ts); pure, so it imports no data.
 */
import { hasBit } from "./bits.js";

/** One collection: its entries' numbers and the three bit tables the emitter wrote (see src/emit/tables.ts). */
export interface CollectionTable {
  readonly index: ReadonlyMap<string, number>;
  /** Entry numbers by the hash of their path (hashStep over its characters): finds an unknown entry's ancestors without slicing strings. */
  readonly byHash: ReadonlyMap<number, readonly number[]>;
  readonly paths: readonly (string | null)[];
  readonly words: number;
  /** Per role row: the known entries allowed. */
  readonly allowed: Uint32Array;
  /** Per role row: the entries under which an unknown entry is allowed. */
  readonly under: Uint32Array;
  /** One bit per role: whether an unknown top-level entry is allowed. */
  readonly top: Uint32Array;
}

/** One step of a path's 30-bit hash (a small integer, so no number is allocated). */
export function hashStep(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) & 0x3fffffff;
}

/** Whether `entry` starts with `path` (character by character: plain loads on the hot path). */
export function isPrefix(path: string, entry: string): boolean {
  for (let k = 0; k < path.length; k++) if (path.charCodeAt(k) !== entry.charCodeAt(k)) return false;
  return true;
}

/** Builds the collections of a module from their entry paths (null for reserved numbers) and decoded words, for `rows` role rows. */
export function collectionTables(rows: number, list: readonly (readonly [string, readonly (string | null)[], Uint32Array])[]): ReadonlyMap<string, CollectionTable> {
  const tables = new Map<string, CollectionTable>();
  for (const [name, paths, data] of list) {
    const words = Math.max(1, Math.ceil(paths.length / 32));
    const index = new Map<string, number>();
    const byHash = new Map<number, number[]>();
    paths.forEach((path, no) => {
      if (path === null) return;
      index.set(path, no);
      let hash = 0;
      for (let i = 0; i < path.length; i++) hash = hashStep(hash, path.charCodeAt(i));
      const same = byHash.get(hash);
      if (same === undefined) byHash.set(hash, [no]);
      else same.push(no);
    });
    tables.set(name, {
      index,
      byHash,
      paths,
      words,
      allowed: data.subarray(0, rows * words),
      under: data.subarray(rows * words, 2 * rows * words),
      top: data.subarray(2 * rows * words),
    });
  }
  return tables;
}

/**
 * Whether an entry is allowed, given a row of `allowed` and `under` bits starting at `start` and
 * the rule for unknown top-level entries. A known entry reads its bit; an unknown one follows
 * its nearest known ancestor (the longest known prefix that ends before a "/"), or `top` when
 * it has none. Allocation-free: ancestors are found by a running hash of the entry's prefixes,
 * then compared in place. A string that is not a path (empty, or with an empty segment: "",
 * "a/", "/a", "a//b") is denied.
 */
export function entryAllowed(table: CollectionTable, allowed: Uint32Array, under: Uint32Array, top: boolean, start: number, entry: string): boolean {
  const no = table.index.get(entry);
  if (no !== undefined) return hasBit(allowed, start, no);
  if (entry.length === 0 || entry.charCodeAt(entry.length - 1) === 47) return false;
  let nearest = -1;
  let hash = 0;
  let segmentStart = 0;
  for (let i = 0; i < entry.length; i++) {
    const code = entry.charCodeAt(i);
    if (code === 47) {
      if (i === segmentStart) return false;
      segmentStart = i + 1;
      const candidates = table.byHash.get(hash);
      if (candidates !== undefined) {
        for (let c = 0; c < candidates.length; c++) {
          const path = table.paths[candidates[c]!];
          if (path !== null && path !== undefined && path.length === i && isPrefix(path, entry)) nearest = candidates[c]!;
        }
      }
    }
    hash = hashStep(hash, code);
  }
  return nearest < 0 ? top : hasBit(under, start, nearest);
}
