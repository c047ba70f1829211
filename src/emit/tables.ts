import type { Numbering } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';
import { setBit, wordsFor } from './bitset.js';

/**
 * The bit tables of a set, laid out as the generated module reads them.
 *
 * Access: one plane per scope number; a plane is `rows` role rows of `words` 32-bit words; bit
 * `p` of row `r` in plane `s` is word `s * rows * words + r * words + (p >>> 5)`, bit `p & 31`.
 * A grant at a level sets its bit in that level's plane and in every narrower one. Role, scope
 * and permission numbers come from the lockfile, so retired numbers leave zero rows and bits.
 *
 * Collections: per collection, `rows` rows of allowed known entries, then `rows` rows of entries
 * under which unknown entries are allowed, then one bit per role for unknown top-level entries.
 */
export interface Tables {
  readonly words: number;
  readonly rows: number;
  readonly planes: number;
  /** Plane number of the widest scope (0 for a set without scopes). */
  readonly widest: number;
  /** Plane numbers of the scope levels, narrowest first ([0] for a set without scopes). */
  readonly scopeOrder: readonly number[];
  readonly access: Uint32Array;
  /** One row: the self-restricted permissions. */
  readonly selfRestricted: Uint32Array;
  readonly collections: readonly CollectionTable[];
}

export interface CollectionTable {
  readonly name: string;
  /** Entry paths by number; null for reserved numbers. */
  readonly paths: readonly (string | null)[];
  readonly words: number;
  readonly data: Uint32Array;
}

export function buildTables(model: Model, numbering: Numbering): Tables {
  const words = wordsFor(numbering.permissions.next);
  const rows = Math.max(1, numbering.roles.next);
  const hasScopes = model.scopes.length > 0;
  const planes = hasScopes ? numbering.scopes.next : 1;
  const planeOfLevel = hasScopes ? model.scopes.map((s) => numbering.scopes.active.get(s.name)!) : [0];
  const permissionNo = model.permissions.map((p) => numbering.permissions.active.get(p.id)!);
  const access = new Uint32Array(planes * rows * words);
  // The start of the role's row in each level's plane; a held permission sets one bit per level up to its own.
  const rowStart = new Array<number>(planeOfLevel.length);
  for (const role of model.roles) {
    const r = numbering.roles.active.get(role.name)!;
    for (let l = 0; l < planeOfLevel.length; l++) rowStart[l] = (planeOfLevel[l]! * rows + r) * words;
    for (let i = 0; i < permissionNo.length; i++) {
      const level = role.effective.at(i);
      if (level < 0) continue;
      const p = permissionNo[i]!;
      const word = p >>> 5;
      const bit = 1 << (p & 31);
      for (let l = 0; l <= level; l++) access[rowStart[l]! + word]! |= bit;
    }
  }
  const selfRestricted = new Uint32Array(words);
  for (const p of model.permissions)
    if (p.selfRestricted) setBit(selfRestricted, 0, numbering.permissions.active.get(p.id)!);

  const collections = model.collections.map((c): CollectionTable => {
    const table = numbering.collections.get(c.name)!;
    const paths: (string | null)[] = Array.from({ length: table.next }, () => null);
    for (const [path, n] of table.active) paths[n] = path;
    const ew = wordsFor(table.next);
    const data = new Uint32Array(2 * rows * ew + wordsFor(rows));
    for (const role of model.roles) {
      const r = numbering.roles.active.get(role.name)!;
      const access = role.collections.get(c.name)!;
      for (const path of access.allowed) setBit(data, r * ew, table.active.get(path)!);
      for (const path of access.unknownUnder) setBit(data, (rows + r) * ew, table.active.get(path)!);
      if (access.unknownTop) setBit(data, 2 * rows * ew, r);
    }
    return { name: c.name, paths, words: ew, data };
  });
  return {
    words,
    rows,
    planes,
    widest: planeOfLevel[planeOfLevel.length - 1]!,
    scopeOrder: planeOfLevel,
    access,
    selfRestricted,
    collections,
  };
}
