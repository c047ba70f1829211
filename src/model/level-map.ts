/**
 * A role's effective permissions as a read-only map from permission id to the widest level held,
 * stored as one small integer per catalog permission (-1: not held). Iterates in catalog order.
 * Large sets (thousands of roles × thousands of permissions) stay compact and fast to build.
 */
export class LevelMap implements ReadonlyMap<string, number> {
  private readonly ids: readonly string[];
  private readonly index: ReadonlyMap<string, number>;
  private readonly levels: Int16Array;
  readonly size: number;

  /** `ids` in catalog order, `index` from id to position, `levels` per position (-1: not held). */
  constructor(ids: readonly string[], index: ReadonlyMap<string, number>, levels: Int16Array) {
    this.ids = ids;
    this.index = index;
    this.levels = levels;
    let size = 0;
    for (const l of levels) if (l >= 0) size++;
    this.size = size;
  }

  get(id: string): number | undefined {
    const i = this.index.get(id);
    if (i === undefined) return undefined;
    const l = this.levels[i]!;
    return l >= 0 ? l : undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  *entries(): MapIterator<[string, number]> {
    for (let i = 0; i < this.levels.length; i++) {
      const l = this.levels[i]!;
      if (l >= 0) yield [this.ids[i]!, l];
    }
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<number> {
    for (const [, l] of this.entries()) yield l;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(callback: (value: number, key: string, map: ReadonlyMap<string, number>) => void, thisArg?: unknown): void {
    for (const [id, l] of this.entries()) callback.call(thisArg, l, id, this);
  }

  /** The level at a catalog position (-1: not held), for code that works by position. */
  at(position: number): number {
    return this.levels[position] ?? -1;
  }
}
