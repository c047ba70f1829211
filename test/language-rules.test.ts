import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadedSet, loadSet } from '../src/gherkin/sets.js';
import { grantNames, levelGiven } from '../src/language/grant-gives.js';
import { coveredBy, coveringEntry, nearestAncestor } from '../src/language/nearest-ancestor.js';
import { collectionTables, entryAllowed } from '../src/runtime/collection-table.js';
import { findRoutes } from '../src/review/grant-routes.js';
import { ROOT } from './support/sets.js';

/*
 * Each rule of the language lives in one module of src/language/. These tests pin the places
 * that restate a rule on purpose to that module (the generated runtime), and keep the oracle
 * apart from it (the reference evaluator).
 */

const POLICIES = path.join(ROOT, 'policies');
let sets: LoadedSet[];

beforeAll(async () => {
  sets = await Promise.all([loadSet(POLICIES, 'crm'), loadSet(POLICIES, 'platform')]);
});

const source = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the oracle stands apart', () => {
  it('the reference evaluator imports nothing from src/language/', () => {
    const text = source('src/evaluate/reference.ts');
    expect(text).toMatch(/restates the rules of the language on purpose/);
    expect(text).not.toMatch(/from '\.\.\/language\//);
  });

  it('the generated runtime imports nothing from outside src/runtime/', () => {
    expect(source('src/runtime/collection-table.ts')).not.toMatch(/from ['"]\.\.\//);
  });
});

describe('what a grant gives (language/grant-gives.ts)', () => {
  const p = { id: 'records:update', resource: 'records', scoped: true };
  it.each([
    [{ kind: 'all' } as const, true],
    [{ kind: 'resource', resource: 'records' } as const, true],
    [{ kind: 'resource', resource: 'users' } as const, false],
    [{ kind: 'permission', permission: 'records:update' } as const, true],
    [{ kind: 'permission', permission: 'records:view' } as const, false],
  ])('%o names records:update: %s', (target, want) => {
    expect(grantNames(target, p)).toBe(want);
  });

  it('gives the level written on the grant to a scoped permission, the widest otherwise', () => {
    expect(levelGiven(0, p, 2)).toBe(0);
    expect(levelGiven(undefined, p, 2)).toBe(2);
    expect(levelGiven(undefined, { ...p, scoped: false }, 2)).toBe(2);
  });

  it('explains exactly the effective tables the resolver computed with it, for every role and permission', () => {
    for (const { model } of sets) {
      for (const role of model.roles) {
        for (const permission of model.permissions) {
          const best = findRoutes(model, [role.name], permission)[0]?.level ?? -1;
          expect(best, `${model.name} ${role.name} ${permission.id}`).toBe(role.effective.get(permission.id) ?? -1);
        }
      }
    }
  });
});

describe('the nearest known ancestor (language/nearest-ancestor.ts)', () => {
  it('reads the longest known prefix that ends before a "/"', () => {
    const known = new Set(['a', 'a/b', 'x']);
    expect(nearestAncestor('a/b/c/d', (e) => known.has(e))).toBe('a/b');
    expect(nearestAncestor('a/b', (e) => known.has(e))).toBe('a');
    expect(nearestAncestor('a', (e) => known.has(e))).toBeUndefined();
    expect(nearestAncestor('ab/c', (e) => known.has(e))).toBeUndefined();
    expect(coveringEntry('a/b', (e) => known.has(e))).toBe('a/b');
    expect(coveredBy('x/y/z', known)).toBe(true);
    expect(coveredBy('xy', known)).toBe(false);
  });

  const segment = fc.constantFrom('a', 'b', 'ab', 'c');
  const entryPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

  it('picks the ancestor the generated runtime picks, for any catalog and any well-formed path', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entryPath, { maxLength: 10 }), entryPath, (known, asked) => {
        fc.pre(!known.includes(asked));
        const paths = [...known];
        const words = Math.max(1, Math.ceil(paths.length / 32));
        const want = nearestAncestor(asked, (e) => known.includes(e));
        // One role row per known entry k, whose only `under` bit is k's: the runtime allows the
        // unknown entry in row k exactly when k is the ancestor it follows.
        for (const [k, candidate] of paths.entries()) {
          const data = new Uint32Array(3 * paths.length * words);
          data[paths.length * words + k * words + (k >>> 5)] = 1 << (k & 31);
          const table = collectionTables(paths.length, [['c', paths, data]]).get('c')!;
          const follows = entryAllowed(table, table.allowed, table.under, false, k * words, asked);
          expect(follows, `${asked} follows ${candidate}?`).toBe(want === candidate);
        }
        if (want === undefined && paths.length > 0) {
          const table = collectionTables(1, [['c', paths, new Uint32Array(3 * words)]]).get('c')!;
          expect(entryAllowed(table, table.allowed, table.under, true, 0, asked)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
