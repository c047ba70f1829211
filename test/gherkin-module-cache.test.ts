import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clearSetCache, compileEdited, type LoadedSet, loadSet, useModuleCache } from '../src/gherkin/sets.js';
import { entries, hostileEntries, rewriteEntries } from './support/cache-entries.js';
import { ROOT } from './support/sets.js';

/**
 * The steps keep the JavaScript of the modules they compile (of a set, and of a scenario's
 * changed copy of it) in the build cache folder between runs (src/gherkin/sets.ts). An entry
 * must answer only for exactly the bytes it was made from, and anything untrustworthy must be
 * ignored: the module is then compiled again and answers as without the cache.
 */

const POLICIES = path.join(ROOT, 'policies');
const GRANT = [
  { kind: 'grant', role: 'sales-agent', permission: 'records:view', level: 'group' },
] as const satisfies Parameters<typeof compileEdited>[1];

const folders: string[] = [];
afterEach(() => {
  useModuleCache(undefined);
  clearSetCache();
  for (const d of folders.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(() => useModuleCache(undefined));

function cacheDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policyc-steps-cache-'));
  folders.push(dir);
  return path.join(dir, 'steps');
}

/** The shipped crm set and its changed copy, compiled afresh (or from the cache when one is in use). */
async function crmAndVariant(): Promise<{ shipped: LoadedSet; changed: LoadedSet }> {
  clearSetCache();
  const shipped = await loadSet(POLICIES, 'crm');
  const result = await compileEdited(shipped, GRANT);
  if (!result.ok) throw new Error('the grant was rejected');
  return { shipped, changed: result.set };
}

/** What a set's module answers: every role × permission × scope, and whether a forged export is there. */
function answers(set: LoadedSet): string {
  const m = set.module;
  const out: string[] = [String((m as unknown as Record<string, unknown>).forged)];
  for (const r of Object.values(m.Role))
    for (const p of Object.values(m.Permission))
      for (const s of Object.values(m.Scope)) out.push(m.can(r, p, s) ? '1' : '0');
  return out.join('');
}

/** Makes a cached module betray its use: an extra export, and every answer "yes". */
// biome-ignore lint/suspicious/noExplicitAny: entries are edited as loose JSON, as a forger would
const forge = (e: Record<string, any>) => {
  if (typeof e.record?.js === 'string')
    e.record.js = `${e.record.js}\nexport const forged = true;\nexport function can() { return true; }`.replace(
      /export function can\(role/,
      'function can0(role',
    );
};

describe('the steps keep compiled modules in the build cache between runs', () => {
  it('stores one entry per set and changed copy, and answers from it the same way', async () => {
    const plain = await crmAndVariant();
    const dir = cacheDir();
    useModuleCache(dir);
    const first = await crmAndVariant();
    expect(entries(dir)).toHaveLength(2);
    const second = await crmAndVariant();
    for (const [a, b, c] of [
      [plain.shipped, first.shipped, second.shipped],
      [plain.changed, first.changed, second.changed],
    ] as const) {
      expect(answers(b)).toBe(answers(a));
      expect(answers(c)).toBe(answers(a));
    }
    expect(answers(plain.changed)).not.toBe(answers(plain.shipped));
  });

  it('uses an entry that checks out: a forged one signed with the right key shows (the forge is detectable)', async () => {
    const dir = cacheDir();
    useModuleCache(dir);
    await crmAndVariant();
    rewriteEntries(dir, forge, true);
    const { changed } = await crmAndVariant();
    expect(answers(changed).startsWith('true')).toBe(true);
  });

  it('does not use the entry of the changed copy for the set as shipped, nor the other way round', async () => {
    const dir = cacheDir();
    useModuleCache(dir);
    const { shipped } = await crmAndVariant();
    const other = await compileEdited(shipped, [
      { kind: 'grant', role: 'auditor', permission: 'records:view', level: 'group' },
    ]);
    if (!other.ok) throw new Error('rejected');
    expect(entries(dir)).toHaveLength(3);
    const plain = await crmAndVariant();
    useModuleCache(undefined);
    const reference = await crmAndVariant();
    expect(answers(plain.changed)).toBe(answers(reference.changed));
    expect(answers(plain.shipped)).toBe(answers(reference.shipped));
  });

  it.each(hostileEntries(forge))('ignores an entry that is %s, and compiles the module again', async (_, spoil) => {
    useModuleCache(undefined);
    const reference = await crmAndVariant();
    const dir = cacheDir();
    useModuleCache(dir);
    await crmAndVariant();
    spoil(dir);
    const again = await crmAndVariant();
    expect(answers(again.shipped)).toBe(answers(reference.shipped));
    expect(answers(again.changed)).toBe(answers(reference.changed));
  });
});
