import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSet } from '../src/analyze.js';
import type { Model } from '../src/model/model.js';
import {
  type GeneratedSet,
  HOSTILE_KEYS,
  collectionQuestionArb,
  describeFailure,
  permissionQuestionArb,
  policySetArb,
  questionArb,
  unknownEntryPaths,
} from './support/arbitrary.js';

/**
 * The random policy set generator (test/support/arbitrary.ts) that the property and differential
 * tests stand on: every set it draws must be valid, and over a few hundred draws it must reach
 * every feature of the language it claims to.
 */

function analyzeAll(sets: readonly GeneratedSet[]): { set: GeneratedSet; model: Model }[] {
  return sets.map((set) => {
    const analysis = analyzeSet(set.source);
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !analysis.model) throw new Error(describeFailure(set, analysis));
    return { set, model: analysis.model };
  });
}

describe('policySetArb', () => {
  let drawn: { set: GeneratedSet; model: Model }[] = [];

  it('draws only sets that analyse with zero errors (300 samples, default options)', () => {
    drawn = analyzeAll(fc.sample(policySetArb(), 300));
    expect(drawn).toHaveLength(300);
  });

  it('draws valid sets under other options', () => {
    analyzeAll(fc.sample(policySetArb({ hostile: false }), 60));
    analyzeAll(fc.sample(policySetArb({ minScopes: 1, minCollections: 2, minRoles: 10, maxRoles: 10 }), 60));
    analyzeAll(
      fc.sample(
        policySetArb({ maxScopes: 0, maxCollections: 0, maxRoles: 1, maxUsers: 0, maxActions: 1, maxResources: 1 }),
        30,
      ),
    );
  });

  it('reaches every feature it claims to (the same 300 samples)', () => {
    if (drawn.length === 0) drawn = analyzeAll(fc.sample(policySetArb(), 300));
    const count = (pred: (x: { set: GeneratedSet; model: Model }) => boolean) => drawn.filter(pred).length;
    const seen: Record<string, number> = {
      'unscoped set': count(({ model }) => model.scopes.length === 0),
      'four scopes': count(({ model }) => model.scopes.length === 4),
      'transitive implication chain': count(({ model }) =>
        model.actions.some((a) => a.closure.length > a.implies.length),
      ),
      'implication onto an action a resource lacks': count(({ model }) =>
        model.permissions.some((p) =>
          model.actions
            .find((a) => a.name === p.action)!
            .closure.some((b) => !model.permissionIndex.has(`${p.resource}:${b}`)),
        ),
      ),
      'implication declared before its target': count(({ model }) =>
        model.actions.some((a, i) => a.implies.some((b) => model.actions.findIndex((x) => x.name === b) > i)),
      ),
      'resource without permissions': count(({ model }) => model.resources.some((r) => r.permissions.length === 0)),
      'scoped and unscoped permissions': count(
        ({ model }) => model.permissions.some((p) => p.scoped) && model.permissions.some((p) => !p.scoped),
      ),
      'self-restricted permission': count(({ model }) => model.permissions.some((p) => p.selfRestricted)),
      'sensitive permission': count(({ model }) => model.permissions.some((p) => p.sensitive)),
      'category override': count(({ set }) => set.spec.permissions.some((p) => p.category !== undefined)),
      'renamed permission': count(({ model }) => model.permissionAliases.size > 0),
      collection: count(({ model }) => model.collections.length > 0),
      'two collections': count(({ model }) => model.collections.length === 2),
      'implicit ancestor entry': count(({ model }) => model.collections.some((c) => c.entries.some((e) => e.implicit))),
      'depth-3 entry': count(({ model }) =>
        model.collections.some((c) => c.entries.some((e) => e.path.split('/').length === 3)),
      ),
      'restricted modes': count(({ model }) => model.collections.some((c) => c.modes.length < 3)),
      'all rule': count(({ model }) =>
        model.roles.some((r) => [...r.collectionRules.values()].some((x) => x.mode === 'all')),
      ),
      'allow rule': count(({ model }) =>
        model.roles.some((r) => [...r.collectionRules.values()].some((x) => x.mode === 'allow')),
      ),
      'except rule': count(({ model }) =>
        model.roles.some((r) => [...r.collectionRules.values()].some((x) => x.mode === 'except')),
      ),
      'ten roles': count(({ model }) => model.roles.length === 10),
      'several parents': count(({ model }) => model.roles.some((r) => r.inherits.length >= 2)),
      grandparent: count(({ model }) =>
        model.roles.some((r) => r.inherits.some((p) => model.roleIndex.get(p)!.inherits.length > 0)),
      ),
      'child declared before its parent': count(({ model }) =>
        model.roles.some((r, i) => r.inherits.some((p) => model.roles.findIndex((x) => x.name === p) > i)),
      ),
      '"*" by the owner role': count(({ model }) =>
        model.roles.some((r) => r.name === model.ownerRole && r.grants.some((g) => g.target.kind === 'all')),
      ),
      'resource wildcard with a level': count(({ model }) =>
        model.roles.some((r) => r.grants.some((g) => g.target.kind === 'resource' && g.level !== undefined)),
      ),
      'resource wildcard without a level': count(({ model }) =>
        model.roles.some((r) => r.grants.some((g) => g.target.kind === 'resource' && g.level === undefined)),
      ),
      'renamed role': count(({ model }) => model.roleAliases.size > 0),
      'retired role': count(({ model }) => model.retiredRoles.length > 0),
      'default role': count(({ model }) => model.defaultRole !== undefined),
      'user with the default role': count(({ model }) => model.users.some((u) => u.defaulted)),
      'user with three roles': count(({ model }) => model.users.some((u) => u.roles.length === 3)),
      'user with no role at all': count(({ model }) => model.users.some((u) => u.roles.length === 0)),
      'several catalog documents': count(({ set }) => set.spec.layout.catalogFiles.length > 1),
      'several documents in one file': count(({ set }) => Object.values(set.files).some((t) => t.includes('\n---\n'))),
      'hostile key': count(({ model }) =>
        [
          ...model.roles.map((r) => r.name),
          ...model.permissions.flatMap((p) => [p.resource, p.action]),
          ...model.collections.map((c) => c.name),
        ].some((k) => HOSTILE_KEYS.includes(k)),
      ),
      '__proto__ key': count(({ model }) =>
        [
          ...model.roles.map((r) => r.name),
          ...model.resources.map((r) => r.name),
          ...model.actions.map((a) => a.name),
        ].includes('__proto__'),
      ),
      'title with a quote, backtick or */': count(({ model }) =>
        model.permissions.some((p) => /["`]|\*\//.test(p.title)),
      ),
      'title with ${': count(({ model }) => model.roles.some((r) => r.title.includes('${'))),
      'title with a line separator': count(({ model }) => model.roles.some((r) => r.title.includes('\u2028'))),
      'title with an emoji': count(({ model }) =>
        model.permissions.some((p) => /\p{Extended_Pictographic}/u.test(p.title)),
      ),
    };
    const missing = Object.entries(seen).filter(([, n]) => n === 0);
    expect(missing, JSON.stringify(seen, null, 1)).toEqual([]);
  });

  it('is cheap: 300 sets are drawn and written in well under a second per hundred', () => {
    const start = performance.now();
    fc.sample(policySetArb(), 300);
    expect(performance.now() - start).toBeLessThan(6000);
  });
});

describe('question arbitraries', () => {
  it('ask about known roles, permissions, scopes and entries, and unknown entries', () => {
    for (const { model } of analyzeAll(fc.sample(policySetArb({ minCollections: 1 }), 40))) {
      for (const q of fc.sample(permissionQuestionArb(model), 30)) {
        for (const r of q.roles) expect(model.roleIndex.has(r) || model.roleAliases.has(r)).toBe(true);
        expect(model.permissionIndex.has(q.permission) || model.permissionAliases.has(q.permission)).toBe(true);
        if (q.scope !== undefined) expect(model.scopes.map((s) => s.name)).toContain(q.scope);
      }
      for (const q of fc.sample(collectionQuestionArb(model), 30)) {
        const c = model.collectionIndex.get(q.collection)!;
        expect(c.entryIndex.has(q.path)).toBe(q.known);
        expect(q.path).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/);
      }
      for (const c of model.collections) {
        const unknown = unknownEntryPaths(c);
        for (const p of unknown) expect(c.entryIndex.has(p)).toBe(false);
        // A new child of every known entry, and a new top-level entry.
        for (const e of c.entries)
          expect(
            unknown.some((p) => p.startsWith(`${e.path}/`) && p.split('/').length === e.path.split('/').length + 1),
          ).toBe(true);
        expect(unknown.some((p) => !p.includes('/'))).toBe(true);
      }
      fc.sample(questionArb(model), 10);
    }
  });
});
