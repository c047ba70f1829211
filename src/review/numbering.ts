import type { Lockfile, NumberTable } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';

/*
 * Stable numbers are the contract of a set: applications store role and permission numbers in
 * tokens, database rows and cached bitsets. This compares the numbers BASE promised (its
 * committed lockfile) with the numbers HEAD uses (its lockfile, as `policyc build` would leave
 * it), and reports every way a stored number could change meaning. Validating one lockfile on its
 * own (collisions, bounds) is the allocator's job; this only compares two.
 */

export type NumberKind = 'permission' | 'role' | 'scope' | 'entry';

/**
 * - `renumbered`: a key (or the key it was renamed to) has another number;
 * - `dropped`: a key, active or reserved, is gone from the lockfile, so its number is no longer
 *   kept for it (if it comes back it gets a new number);
 * - `reused`: a number BASE gave to one key now belongs to a key that BASE did not number;
 * - `next-lowered`: `next` went down, so numbers already given can be given again.
 */
export type NumberChangeKind = 'renumbered' | 'dropped' | 'reused' | 'next-lowered';

/** One breaking change of the numbering. */
export interface NumberChange {
  readonly kind: NumberKind;
  /** The collection, for entries; null otherwise. */
  readonly collection: string | null;
  /** The key at BASE (`next` for next-lowered, the new key for reused). */
  readonly key: string;
  readonly change: NumberChangeKind;
  /** Numbers before and after (for next-lowered: the values of next); null when there is none. */
  readonly from: number | null;
  readonly to: number | null;
  /** For `reused`: the BASE key that owned the number; for a renamed key: its HEAD key. Null otherwise. */
  readonly other: string | null;
  /** One sentence for people. */
  readonly message: string;
}

interface TableContext {
  readonly kind: NumberKind;
  readonly collection: string | null;
  /** Old key → current key, for keys that can be renamed (permissions, roles). */
  readonly aliases: ReadonlyMap<string, string>;
}

function numberOf(t: NumberTable, key: string): number | undefined {
  return t.active.get(key) ?? t.reserved.get(key);
}

function compareTable(base: NumberTable, head: NumberTable, ctx: TableContext, out: NumberChange[]): void {
  const noun = ctx.collection === null ? ctx.kind : `${ctx.collection} entry`;
  const push = (c: Omit<NumberChange, 'kind' | 'collection'>) =>
    out.push({ kind: ctx.kind, collection: ctx.collection, ...c });
  const baseKeys = [...base.active, ...base.reserved].sort((a, b) => a[1] - b[1]);
  const baseNumbers = new Map(baseKeys.map(([k, n]) => [n, k]));
  const continued = new Set<string>();
  for (const [key, n] of baseKeys) {
    const same = numberOf(head, key);
    if (same !== undefined) {
      continued.add(key);
      if (same !== n)
        push({
          key,
          change: 'renumbered',
          from: n,
          to: same,
          other: null,
          message: `${noun} \`${key}\` changes number from ${n} to ${same}`,
        });
      continue;
    }
    const renamed = ctx.aliases.get(key);
    const now = renamed === undefined ? undefined : numberOf(head, renamed);
    if (renamed !== undefined && now !== undefined) {
      continued.add(renamed);
      if (now !== n)
        push({
          key,
          change: 'renumbered',
          from: n,
          to: now,
          other: renamed,
          message: `${noun} \`${key}\` (renamed to \`${renamed}\`) changes number from ${n} to ${now}`,
        });
      continue;
    }
    push({
      key,
      change: 'dropped',
      from: n,
      to: null,
      other: null,
      message: `${noun} \`${key}\` is no longer in the lockfile: number ${n} is not kept for it any more`,
    });
  }
  for (const [key, n] of [...head.active, ...head.reserved].sort((a, b) => a[1] - b[1])) {
    if (continued.has(key)) continue;
    const owner = baseNumbers.get(n);
    if (owner === undefined || owner === key) continue;
    push({
      key,
      change: 'reused',
      from: n,
      to: n,
      other: owner,
      message: `${noun} \`${key}\` takes number ${n}, which was \`${owner}\`'s`,
    });
  }
  if (head.next < base.next) {
    push({
      key: 'next',
      change: 'next-lowered',
      from: base.next,
      to: head.next,
      other: null,
      message: `the next free ${noun} number goes down from ${base.next} to ${head.next}: numbers already given can be given again`,
    });
  }
}

/**
 * Compares the numbers BASE committed (`base`, its lockfile as read) with the numbers HEAD uses
 * (`head`, after allocation: what `policyc build` writes), following HEAD's renames. Empty when
 * every number BASE gave still means the same key.
 */
export function compareNumbering(base: Lockfile, head: Lockfile, headModel: Model): NumberChange[] {
  const out: NumberChange[] = [];
  compareTable(
    base.permissions,
    head.permissions,
    { kind: 'permission', collection: null, aliases: headModel.permissionAliases },
    out,
  );
  compareTable(base.roles, head.roles, { kind: 'role', collection: null, aliases: headModel.roleAliases }, out);
  compareTable(base.scopes, head.scopes, { kind: 'scope', collection: null, aliases: new Map() }, out);
  const names = [...new Set([...base.collections.keys(), ...head.collections.keys()])].sort();
  for (const name of names) {
    const b = base.collections.get(name);
    if (!b) continue;
    const h = head.collections.get(name) ?? { next: 0, active: new Map(), reserved: new Map() };
    compareTable(b, h, { kind: 'entry', collection: name, aliases: new Map() }, out);
  }
  return out;
}
