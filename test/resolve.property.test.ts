import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSet } from '../src/analyze.js';
import { ReferenceEvaluator } from '../src/evaluate/reference.js';
import { noAccess, ruleAccess, unionAccess } from '../src/model/collections.js';
import type { CollectionAccess, CollectionMode, Model } from '../src/model/model.js';
import {
  type CollectionRuleSpec,
  type GeneratedSet,
  type GrantSpec,
  type PermissionSpec,
  type PolicySpec,
  type RoleSpec,
  catalogOrder,
  collectionQuestionArb,
  entryPaths,
  formatFiles,
  freshKey,
  modelOf,
  permissionQuestionArb,
  policySetArb,
  policySpecArb,
  renderSet,
  roleOrder,
  unknownEntryPaths,
} from './support/arbitrary.js';
import { accessAllows, levelOf, modelAllows, modelCollectionAllows, roleOf } from './support/lookup.js';
import { memorySet } from './support/sets.js';

/**
 * Properties of the resolver's semantics (docs/language.md) over random valid policy
 * sets. Three independent answers are compared: the model's precomputed tables, the reference
 * evaluator (declared grants, walked at question time), and, where useful, a third computation
 * straight from the generator's spec.
 */

// ---------------------------------------------------------------------------------------------
// The spec oracle: effective access computed from the generator's description of the set.

const widestOf = (spec: PolicySpec) => Math.max(1, spec.scopes.length) - 1;

function levelIndex(spec: PolicySpec, level: string | undefined): number {
  return level === undefined ? widestOf(spec) : spec.scopes.findIndex((s) => s.name === level);
}

function permissionSpec(spec: PolicySpec, text: string): PermissionSpec {
  const p = spec.permissions.find((x) => x.id === text || x.previousNames.includes(text));
  if (!p) throw new Error(`spec has no permission ${text}`);
  return p;
}

function roleSpec(spec: PolicySpec, text: string): RoleSpec {
  const r = spec.roles.find((x) => x.name === text || x.previousNames.includes(text));
  if (!r) throw new Error(`spec has no role ${text}`);
  return r;
}

/** The role and every role it inherits from, each once. */
function ancestors(spec: PolicySpec, name: string): RoleSpec[] {
  const out = new Map<string, RoleSpec>();
  const visit = (text: string) => {
    const r = roleSpec(spec, text);
    if (out.has(r.name)) return;
    out.set(r.name, r);
    for (const p of r.inherits) visit(p);
  };
  visit(name);
  return [...out.values()];
}

/** Every action `action` implies, directly or transitively (not itself). */
function specClosure(spec: PolicySpec, action: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(spec.actions.find((a) => a.name === action)?.implies ?? [])];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (out.has(a)) continue;
    out.add(a);
    stack.push(...(spec.actions.find((x) => x.name === a)?.implies ?? []));
  }
  return out;
}

/** The permissions one grant names (before implications), each with the level it gives. */
function grantNamed(spec: PolicySpec, g: GrantSpec): [PermissionSpec, number][] {
  const widest = widestOf(spec);
  const named =
    g.target === '*'
      ? spec.permissions
      : g.target.endsWith(':*')
        ? spec.permissions.filter((p) => `${p.resource}:*` === g.target)
        : [permissionSpec(spec, g.target)];
  return named.map((p) => [p, p.scoped ? levelIndex(spec, g.level) : widest]);
}

/** What one grant gives, implications included: the permission's level for each. */
function grantGives(spec: PolicySpec, g: GrantSpec): Map<string, number> {
  const widest = widestOf(spec);
  const out = new Map<string, number>();
  const add = (id: string, l: number) => out.set(id, Math.max(l, out.get(id) ?? -1));
  // Everything a grant gives, directly or by implication, is at the level written on the grant
  // (the widest when it names none); unscoped permissions are held at the widest level.
  const written = g.level === undefined ? widest : levelIndex(spec, g.level);
  for (const [q, l] of grantNamed(spec, g)) {
    add(q.id, l);
    for (const b of specClosure(spec, q.action)) {
      const implied = spec.permissions.find((p) => p.resource === q.resource && p.action === b);
      if (implied) add(implied.id, implied.scoped ? written : widest);
    }
  }
  return out;
}

/** Effective permissions of a role from the spec: union over its ancestors' grants, widest level each. */
function specEffective(spec: PolicySpec, role: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of ancestors(spec, role)) {
    for (const g of r.grants) for (const [id, l] of grantGives(spec, g)) out.set(id, Math.max(l, out.get(id) ?? -1));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The scope names to ask with: none (the widest) and each level. */
const scopeChoices = (model: Model): (string | undefined)[] => [undefined, ...model.scopes.map((s) => s.name)];

/** Every entry path to ask about: known entries and unknown ones. */
const pathsOf = (model: Model, collection: string): string[] => {
  const c = model.collectionIndex.get(collection)!;
  return [...c.entries.map((e) => e.path), ...unknownEntryPaths(c)];
};

/** Role keys, previous names and retired names of a spec: what a new role key must differ from. */
const takenRoleKeys = (spec: PolicySpec) => [
  ...spec.roles.flatMap((r) => [r.name, ...r.previousNames]),
  ...spec.retiredRoles.map((r) => r.name),
];

/** A spec with one more role (no parents, not assigned), named and titled so that it collides with nothing. */
function withProbe(
  spec: PolicySpec,
  grants: GrantSpec[],
  extra: Partial<RoleSpec> = {},
): { spec: PolicySpec; probe: string } {
  const probe = freshKey(takenRoleKeys(spec), 'probe');
  const role: RoleSpec = {
    name: probe,
    title: 'Probe role (test only)',
    description: 'Added by a property test.',
    previousNames: [],
    inherits: [],
    grants,
    collections: [],
    ...extra,
  };
  return { spec: { ...spec, roles: [...spec.roles, role] }, probe };
}

function analyze(set: GeneratedSet): Model {
  return modelOf(set);
}

/** A model's semantic content, independent of the order of files: for comparing sets read in different orders. */
function normalize(model: Model): unknown {
  const sortBy = <T>(items: readonly T[], key: (t: T) => string) =>
    [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const access = (a: CollectionAccess) => ({
    mode: a.mode,
    entries: a.entries,
    allowed: [...a.allowed],
    unknownUnder: [...a.unknownUnder],
    unknownTop: a.unknownTop,
  });
  return {
    name: model.name,
    version: model.version,
    scopes: model.scopes,
    defaultRole: model.defaultRole,
    ownerRole: model.ownerRole,
    actions: sortBy(model.actions, (a) => a.name),
    categories: sortBy(model.categories, (c) => c.name),
    resources: sortBy(model.resources, (r) => r.name).map((r) => ({ ...r, permissions: [...r.permissions].sort() })),
    permissions: sortBy(model.permissions, (p) => p.id),
    collections: sortBy(model.collections, (c) => c.name),
    roles: sortBy(model.roles, (r) => r.name).map((r) => ({
      ...r,
      effective: sortBy([...r.effective], ([id]) => id),
      collectionRules: sortBy([...r.collectionRules], ([c]) => c),
      collections: sortBy([...r.collections], ([c]) => c).map(([c, a]) => [c, access(a)]),
    })),
    retiredRoles: sortBy(model.retiredRoles, (r) => r.name),
    users: sortBy(model.users, (u) => u.name),
    roleAliases: sortBy([...model.roleAliases], ([k]) => k),
    permissionAliases: sortBy([...model.permissionAliases], ([k]) => k),
  };
}

/** Fails with the set's files in the message. */
function check(set: GeneratedSet, ok: boolean, what: () => string): void {
  if (!ok) throw new Error(`${what()}\n${formatFiles(set.files)}`);
}

// ---------------------------------------------------------------------------------------------

describe('the model agrees with the reference evaluator', () => {
  it('on every (role, permission, scope, self) and every (role, collection, entry), for single roles and users', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        const subjects = [...model.roles.map((r) => [r.name]), ...model.users.map((u) => u.roles), []];
        for (const roles of subjects) {
          for (const p of model.permissions) {
            for (const scope of scopeChoices(model)) {
              for (const self of [false, true]) {
                const m = modelAllows(model, roles, p.id, scope, { self });
                const r = ref.allowed(roles, p.id, scope, { self });
                check(
                  set,
                  m === r,
                  () =>
                    `[${roles.join(', ')}] ${p.id} at ${scope ?? '(widest)'}${self ? ' on self' : ''}: model ${m}, reference ${r}`,
                );
              }
            }
          }
          for (const c of model.collections) {
            for (const path of pathsOf(model, c.name)) {
              const m = modelCollectionAllows(model, roles, c.name, path);
              const r = ref.collectionAllowed(roles, c.name, path);
              check(set, m === r, () => `[${roles.join(', ')}] ${c.name} ${path}: model ${m}, reference ${r}`);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('on questions drawn by permissionQuestionArb and collectionQuestionArb (role subsets, previous names)', () => {
    const arb = policySetArb().chain((set) => {
      const model = analyze(set);
      const questions =
        model.collections.length > 0
          ? fc.tuple(
              fc.array(permissionQuestionArb(model), { minLength: 1, maxLength: 40 }),
              fc.array(collectionQuestionArb(model), { maxLength: 20 }),
            )
          : fc.tuple(fc.array(permissionQuestionArb(model), { minLength: 1, maxLength: 40 }), fc.constant([]));
      return fc.tuple(fc.constant(set), fc.constant(model), questions);
    });
    fc.assert(
      fc.property(arb, ([set, model, [permissionQuestions, collectionQuestions]]) => {
        const ref = new ReferenceEvaluator(model);
        for (const q of permissionQuestions) {
          const m = modelAllows(model, q.roles, q.permission, q.scope, { self: q.self });
          const r = ref.allowed(q.roles, q.permission, q.scope, { self: q.self });
          check(set, m === r, () => `${JSON.stringify(q)}: model ${m}, reference ${r}`);
        }
        for (const q of collectionQuestions) {
          check(
            set,
            q.known === model.collectionIndex.get(q.collection)!.entryIndex.has(q.path),
            () => `question ${JSON.stringify(q)} misstates known`,
          );
          const m = modelCollectionAllows(model, q.roles, q.collection, q.path);
          const r = ref.collectionAllowed(q.roles, q.collection, q.path);
          check(set, m === r, () => `${JSON.stringify(q)}: model ${m}, reference ${r}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('regressions found by these properties', () => {
  it('a child inherits implied permissions at the level its parent holds them (not re-implied from an unscoped one)', () => {
    // manage (scoped) ⇒ use (unscoped) ⇒ view (scoped). A grant of docs:manage at `own` gives
    // docs:view at `own`; inheriting that grant must not widen docs:view to `all` because the
    // inherited docs:use is unscoped.
    const source = memorySet('reg', {
      'policyset.yaml':
        'apiVersion: policyc/v1\nkind: PolicySet\nmetadata:\n  name: reg\nspec:\n  version: 1.0.0\n  scopes: [{ name: own }, { name: all }]\n',
      'catalog.yaml': [
        'apiVersion: policyc/v1',
        'kind: Catalog',
        'metadata:',
        '  name: reg',
        'spec:',
        '  actions: [{ name: manage, implies: [use] }, { name: use, implies: [view] }, { name: view }]',
        '  resources: [{ name: docs, title: Docs }]',
        '  permissions:',
        '    - { id: docs:manage, title: Manage, scoped: true }',
        '    - { id: docs:use, title: Use }',
        '    - { id: docs:view, title: View, scoped: true }',
        '',
      ].join('\n'),
      'roles.yaml': [
        'apiVersion: policyc/v1',
        'kind: Role',
        'metadata:',
        '  name: parent',
        'spec:',
        '  title: Parent',
        '  description: Manages own docs.',
        '  grants: [{ docs:manage: own }]',
        '---',
        'apiVersion: policyc/v1',
        'kind: Role',
        'metadata:',
        '  name: child',
        'spec:',
        '  title: Child',
        '  description: Inherits parent.',
        '  inherits: [parent]',
        '',
      ].join('\n'),
    });
    const model = analyzeSet(source).model!;
    const ref = new ReferenceEvaluator(model);
    for (const role of ['parent', 'child']) {
      expect([...roleOf(model, role).effective]).toEqual([
        ['docs:manage', 0],
        ['docs:use', 1],
        ['docs:view', 0],
      ]);
      expect(ref.allowed([role], 'docs:view', 'all')).toBe(false);
    }
  });
});

describe('implications', () => {
  it('are closed transitively, at the level of the grant, only onto actions the resource declares', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const { spec } = set;
        const model = analyze(set);
        const widest = model.levels - 1;
        for (const a of model.actions) {
          check(
            set,
            sameSet(a.closure, specClosure(spec, a.name)),
            () => `closure of ${a.name}: ${a.closure.join(', ')}`,
          );
        }
        for (const role of model.roles) {
          // Each permission a role is granted brings its closure, at the level written on the grant.
          for (const r of ancestors(spec, role.name)) {
            for (const g of r.grants) {
              for (const [x, level] of grantNamed(spec, g)) {
                check(
                  set,
                  (role.effective.get(x.id) ?? -1) >= level,
                  () => `${role.name} lacks ${x.id} at ${level} (granted by ${r.name})`,
                );
                for (const b of specClosure(spec, x.action)) {
                  const implied = model.permissionIndex.get(`${x.resource}:${b}`);
                  if (!implied) continue;
                  const want = implied.scoped ? levelIndex(spec, g.level) : widest;
                  check(
                    set,
                    (role.effective.get(implied.id) ?? -1) >= want,
                    () =>
                      `${role.name}: ${x.id} at ${level} implies ${implied.id} at ${want}, has ${role.effective.get(implied.id)}`,
                  );
                }
              }
            }
          }
          // And nothing else: exactly the union of what the grants of the role and its ancestors give.
          const want = specEffective(spec, role.name);
          check(
            set,
            sameMap(role.effective, want),
            () => `${role.name}: effective ${show(role.effective)}, expected ${show(want)}`,
          );
          for (const id of role.effective.keys())
            check(set, model.permissionIndex.has(id), () => `${role.name} holds ${id}, which is not in the catalog`);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('scope ordering', () => {
  it('holding a permission at level L allows every level up to L and no wider', () => {
    fc.assert(
      fc.property(policySetArb({ minScopes: 1 }), (set) => {
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        for (const role of model.roles) {
          for (const p of model.permissions) {
            const held = role.effective.get(p.id);
            for (const s of model.scopes) {
              const want = held !== undefined && (!p.scoped || s.level <= held);
              check(
                set,
                ref.allowed([role.name], p.id, s.name) === want,
                () => `${role.name} ${p.id} at ${s.name}: held at ${held}`,
              );
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a grant at L by itself gives exactly L: every narrower level, not L+1', () => {
    fc.assert(
      fc.property(policySpecArb({ minScopes: 1 }), fc.nat(), fc.nat(), (base, pn, ln) => {
        const scoped = base.permissions.filter((p) => p.scoped);
        fc.pre(scoped.length > 0);
        const p = scoped[pn % scoped.length]!;
        const level = ln % base.scopes.length;
        const { spec, probe } = withProbe(base, [{ target: p.id, level: base.scopes[level]!.name }]);
        const set = renderSet(spec);
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        check(
          set,
          roleOf(model, probe).effective.get(p.id) === level,
          () => `probe holds ${p.id} at ${roleOf(model, probe).effective.get(p.id)}, granted at ${level}`,
        );
        for (const s of model.scopes) {
          check(
            set,
            ref.allowed([probe], p.id, s.name) === s.level <= level,
            () => `probe ${p.id} at ${s.name}, granted at ${level}`,
          );
          check(
            set,
            modelAllows(model, [probe], p.id, s.name) === s.level <= level,
            () => `model: probe ${p.id} at ${s.name}, granted at ${level}`,
          );
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('inheritance and additivity', () => {
  it("a child's access includes each parent's", () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const model = analyze(set);
        for (const child of model.roles) {
          for (const parentName of child.inherits) {
            const parent = roleOf(model, parentName);
            for (const [id, l] of parent.effective) {
              check(
                set,
                (child.effective.get(id) ?? -1) >= l,
                () => `${child.name} holds ${id} at ${child.effective.get(id)}, its parent ${parent.name} at ${l}`,
              );
            }
            for (const c of model.collections) {
              const pa = parent.collections.get(c.name)!;
              const ca = child.collections.get(c.name)!;
              check(
                set,
                isSubset(pa.allowed, ca.allowed),
                () => `${child.name} ${c.name}: allowed ${[...ca.allowed]} ⊉ parent's ${[...pa.allowed]}`,
              );
              check(
                set,
                isSubset(pa.unknownUnder, ca.unknownUnder),
                () => `${child.name} ${c.name}: unknownUnder ⊉ parent's`,
              );
              check(
                set,
                !pa.unknownTop || ca.unknownTop,
                () => `${child.name} ${c.name}: parent allows unknown top-level entries, child does not`,
              );
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('adding a grant, a parent or a collection rule never removes anything', () => {
    fc.assert(
      fc.property(
        policySpecArb(),
        fc.nat(),
        fc.nat(2),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        (spec, rn, kind, an, ln, en) => {
          const role = spec.roles[rn % spec.roles.length]!;
          const added = addSomething(spec, role, kind, an, ln, en);
          fc.pre(added !== undefined);
          const before = renderSet(spec);
          const after = renderSet(added!);
          const m0 = analyze(before);
          const m1 = analyze(after);
          const r0 = new ReferenceEvaluator(m0);
          const r1 = new ReferenceEvaluator(m1);
          for (const r of m0.roles) {
            const r1info = roleOf(m1, r.name);
            for (const [id, l] of r.effective) {
              check(
                after,
                (r1info.effective.get(id) ?? -1) >= l,
                () => `${r.name} lost ${id} at ${l} after adding to ${role.name}`,
              );
            }
            for (const c of m0.collections) {
              const a0 = r.collections.get(c.name)!;
              const a1 = r1info.collections.get(c.name)!;
              check(
                after,
                isSubset(a0.allowed, a1.allowed) &&
                  isSubset(a0.unknownUnder, a1.unknownUnder) &&
                  (!a0.unknownTop || a1.unknownTop),
                () => `${r.name} lost access to ${c.name} after adding to ${role.name}`,
              );
              for (const path of pathsOf(m0, c.name)) {
                if (r0.collectionAllowed([r.name], c.name, path))
                  check(
                    after,
                    r1.collectionAllowed([r.name], c.name, path),
                    () => `reference: ${r.name} lost ${c.name} ${path}`,
                  );
              }
            }
            for (const p of m0.permissions) {
              for (const scope of scopeChoices(m0)) {
                if (r0.allowed([r.name], p.id, scope))
                  check(
                    after,
                    r1.allowed([r.name], p.id, scope),
                    () => `reference: ${r.name} lost ${p.id} at ${scope}`,
                  );
              }
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** The spec with one addition to `role`: a grant it lacks, a parent that keeps inheritance acyclic, or a rule for a collection it does not mention. */
function addSomething(
  spec: PolicySpec,
  role: RoleSpec,
  kind: number,
  an: number,
  ln: number,
  en: readonly number[],
): PolicySpec | undefined {
  const level = (scoped: boolean) => (scoped ? spec.scopes[ln % spec.scopes.length]!.name : undefined);
  let changed: RoleSpec | undefined;
  if (kind === 0) {
    const has = new Set(
      role.grants.map((g) =>
        g.target === '*' || g.target.endsWith(':*') ? g.target : permissionSpec(spec, g.target).id,
      ),
    );
    const candidates: GrantSpec[] = [
      ...spec.permissions.filter((p) => !has.has(p.id)).map((p) => ({ target: p.id, level: level(p.scoped) })),
      ...spec.resources
        .filter((r) => !has.has(`${r.name}:*`))
        .map((r) => ({
          target: `${r.name}:*`,
          level: level(spec.permissions.some((p) => p.resource === r.name && p.scoped)),
        })),
      ...(has.has('*') ? [] : [{ target: '*' }]),
    ];
    if (candidates.length === 0) return undefined;
    const g = candidates[an % candidates.length]!;
    changed = { ...role, grants: [...role.grants, g.level === undefined ? { target: g.target } : g] };
  } else if (kind === 1) {
    const parents = new Set(role.inherits.map((p) => roleSpec(spec, p).name));
    // s may become a parent unless it is the role itself or inherits from it.
    const candidates = spec.roles.filter(
      (s) => s.name !== role.name && !parents.has(s.name) && !ancestors(spec, s.name).some((a) => a.name === role.name),
    );
    if (candidates.length === 0) return undefined;
    changed = { ...role, inherits: [...role.inherits, candidates[an % candidates.length]!.name] };
  } else {
    const candidates = spec.collections.filter((c) => !role.collections.some((r) => r.collection === c.name));
    if (candidates.length === 0) return undefined;
    const c = candidates[an % candidates.length]!;
    const modes = (c.modes ?? ['all', 'allow', 'except']).filter((m) => m === 'all' || entryPaths(c).length > 0);
    if (modes.length === 0) return undefined;
    const mode = modes[ln % modes.length]!;
    const paths = entryPaths(c);
    const rule: CollectionRuleSpec =
      mode === 'all'
        ? { collection: c.name, mode }
        : { collection: c.name, mode, entries: [...new Set(en.map((n) => paths[n % paths.length]!))] };
    changed = { ...role, collections: [...role.collections, rule] };
  }
  return { ...spec, roles: spec.roles.map((r) => (r.name === role.name ? changed! : r)) };
}

describe('collection union algebra (docs/language.md), with hierarchical expansion', () => {
  const ruleArb = fc.record({
    mode: fc.constantFrom<CollectionMode>('all', 'allow', 'except'),
    entries: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  });

  /** A set whose roles are `alg-a` (rule A), `alg-b` (rule B) and `alg-ab` (inherits both), on the first collection of a random catalog. */
  const unionArb = fc
    .tuple(policySpecArb({ minCollections: 1, maxRoles: 1, maxUsers: 0 }), ruleArb, ruleArb)
    .filter(([spec]) => spec.collections[0]!.entries.length > 0)
    .map(([base, ra, rb]) => {
      const c = { ...base.collections[0]!, modes: undefined };
      const paths = entryPaths(c);
      const rule = (r: { mode: CollectionMode; entries: number[] }): CollectionRuleSpec =>
        r.mode === 'all'
          ? { collection: c.name, mode: 'all' }
          : { collection: c.name, mode: r.mode, entries: [...new Set(r.entries.map((n) => paths[n % paths.length]!))] };
      const role = (name: string, title: string, rules: CollectionRuleSpec[], inherits: string[] = []): RoleSpec => ({
        name,
        title,
        description: 'union algebra',
        previousNames: [],
        inherits,
        grants: [],
        collections: rules,
      });
      const a = rule(ra);
      const b = rule(rb);
      const spec: PolicySpec = {
        ...base,
        collections: [c, ...base.collections.slice(1)],
        roles: [
          role('alg-a', 'Rule A', [a]),
          role('alg-b', 'Rule B', [b]),
          role('alg-ab', 'Rules A and B', [], ['alg-a', 'alg-b']),
        ],
        defaultRole: undefined,
        ownerRole: undefined,
        retiredRoles: [],
        users: [],
      };
      return { set: renderSet(spec), collection: c.name, a, b };
    });

  /** Whether a listed entry is `path` or one of its ancestors. */
  const covered = (listed: readonly string[] | undefined, path: string) =>
    (listed ?? []).some((e) => path === e || path.startsWith(`${e}/`));

  it('gives the union the algebra states, on known and unknown entries', () => {
    fc.assert(
      fc.property(unionArb, ({ set, collection, a, b }) => {
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        const c = model.collectionIndex.get(collection)!;
        const all = c.entries.map((e) => e.path);
        const E = (r: CollectionRuleSpec) => new Set(all.filter((p) => covered(r.entries, p)));
        // The algebra, case by case, on expanded sets of known entries.
        let allowed: Set<string>;
        const [x, y] = a.mode === 'all' || (a.mode === 'except' && b.mode === 'allow') ? [a, b] : [b, a];
        if (x.mode === 'all' || y.mode === 'all')
          allowed = new Set(all); // all ∪ X = all
        else if (x.mode === 'allow' && y.mode === 'allow')
          allowed = new Set([...E(x), ...E(y)]); // allow A ∪ allow B = allow A∪B
        else if (x.mode === 'except' && y.mode === 'allow')
          allowed = new Set(all.filter((p) => !(E(x).has(p) && !E(y).has(p)))); // except A∖B
        else allowed = new Set(all.filter((p) => !(E(x).has(p) && E(y).has(p)))); // except A ∩ B
        // Unknown entries: under `all`; under `allow` when a listed entry is an ancestor; under `except` unless one is; by either role.
        const unknownAllowed = (r: CollectionRuleSpec, path: string) =>
          r.mode === 'all' ||
          (r.mode === 'allow' && covered(r.entries, path)) ||
          (r.mode === 'except' && !covered(r.entries, path));

        const ab = roleOf(model, 'alg-ab').collections.get(collection)!;
        check(
          set,
          sameSet(ab.allowed, allowed),
          () => `A=${JSON.stringify(a)} B=${JSON.stringify(b)}: allowed ${[...ab.allowed]}, algebra ${[...allowed]}`,
        );
        for (const path of all) {
          check(
            set,
            ref.collectionAllowed(['alg-a', 'alg-b'], collection, path) === allowed.has(path),
            () => `reference on ${path}`,
          );
          check(
            set,
            modelCollectionAllows(model, ['alg-a', 'alg-b'], collection, path) === allowed.has(path),
            () => `model (two roles) on ${path}`,
          );
        }
        for (const path of unknownEntryPaths(c)) {
          const want = unknownAllowed(a, path) || unknownAllowed(b, path);
          check(
            set,
            accessAllows(c, ab, path) === want,
            () => `A=${JSON.stringify(a)} B=${JSON.stringify(b)}: unknown ${path}: model ${!want}`,
          );
          check(set, ref.collectionAllowed(['alg-ab'], collection, path) === want, () => `reference: unknown ${path}`);
        }
        // The summary people read, where the algebra names the mode.
        if (a.mode === 'all' || b.mode === 'all') expect(ab.mode).toBe('all');
        if (a.mode === 'allow' && b.mode === 'allow') expect(ab.mode).toBe('allow');
        if (a.mode === 'except' || b.mode === 'except') expect(ab.mode === 'except' || ab.mode === 'all').toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('union is commutative, associative and idempotent, with no access as its identity', () => {
    const arb = fc.tuple(unionArb, ruleArb, ruleArb, ruleArb);
    fc.assert(
      fc.property(arb, ([{ set, collection }, r1, r2, r3]) => {
        const c = analyze(set).collectionIndex.get(collection)!;
        const all = c.entries.map((e) => e.path);
        const access = (r: { mode: CollectionMode; entries: number[] }) =>
          ruleAccess(c, r.mode, r.mode === 'all' ? [] : [...new Set(r.entries.map((n) => all[n % all.length]!))]);
        const [x, y, z] = [access(r1), access(r2), access(r3)];
        expect(unionAccess(c, x, y)).toEqual(unionAccess(c, y, x));
        expect(unionAccess(c, unionAccess(c, x, y), z)).toEqual(unionAccess(c, x, unionAccess(c, y, z)));
        expect(unionAccess(c, x, x)).toEqual(x);
        expect(unionAccess(c, noAccess(), x)).toEqual(x);
      }),
      { numRuns: 100 },
    );
  });
});

describe('wildcards', () => {
  it('"*" gives every permission at the widest level', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        for (const role of model.roles) {
          if (!role.grants.some((g) => g.target.kind === 'all')) continue;
          for (const p of model.permissions) {
            check(
              set,
              role.effective.get(p.id) === model.levels - 1,
              () => `${role.name} grants * but holds ${p.id} at ${role.effective.get(p.id)}`,
            );
            check(set, ref.allowed([role.name], p.id), () => `reference: ${role.name} grants * but not ${p.id}`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('"resource:*" at L gives every permission of the resource (scoped ones at L) and nothing else', () => {
    fc.assert(
      fc.property(policySpecArb(), fc.nat(), fc.nat(), (base, rn, ln) => {
        const resource = base.resources[rn % base.resources.length]!.name;
        const own = base.permissions.filter((p) => p.resource === resource);
        const scoped = own.some((p) => p.scoped);
        const level = scoped ? ln % base.scopes.length : undefined;
        const { spec, probe } = withProbe(base, [
          level === undefined
            ? { target: `${resource}:*` }
            : { target: `${resource}:*`, level: base.scopes[level]!.name },
        ]);
        const set = renderSet(spec);
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        const widest = model.levels - 1;
        const held = roleOf(model, probe).effective;
        // Every permission of the resource, and nothing else.
        check(
          set,
          sameSet(
            held.keys(),
            own.map((p) => p.id),
          ),
          () => `${resource}:* at ${level}: ${show(held)}`,
        );
        // Unscoped ones at the widest level; scoped ones at L, even when implied through an
        // unscoped permission of the resource: a grant gives everything at the level written on it.
        for (const p of own) {
          const w = !p.scoped ? widest : level!;
          check(
            set,
            held.get(p.id) === w,
            () => `${resource}:* at ${level}: ${p.id} held at ${held.get(p.id)}, expected ${w}`,
          );
        }
        const want = grantGives(spec, {
          target: `${resource}:*`,
          level: level === undefined ? undefined : base.scopes[level]!.name,
        });
        check(set, sameMap(held, want), () => `${resource}:* at ${level}: ${show(held)}, spec oracle ${show(want)}`);
        for (const p of model.permissions) {
          const l = want.get(p.id);
          for (const scope of scopeChoices(model)) {
            const w = l !== undefined && (!p.scoped || l >= levelOf(model, scope));
            check(set, ref.allowed([probe], p.id, scope) === w, () => `reference: probe ${p.id} at ${scope}`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('self-restricted permissions', () => {
  it('are never allowed on oneself; the self flag changes nothing else', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const model = analyze(set);
        const ref = new ReferenceEvaluator(model);
        const subjects = [...model.roles.map((r) => [r.name]), ...model.users.map((u) => u.roles)];
        for (const roles of subjects) {
          for (const p of model.permissions) {
            for (const scope of scopeChoices(model)) {
              const onSelf = ref.allowed(roles, p.id, scope, { self: true });
              const onOther = ref.allowed(roles, p.id, scope, { self: false });
              if (p.selfRestricted) {
                check(set, !onSelf, () => `${roles} may ${p.id} on themselves`);
                check(
                  set,
                  !modelAllows(model, roles, p.id, scope, { self: true }),
                  () => `model: ${roles} may ${p.id} on themselves`,
                );
              } else {
                check(
                  set,
                  onSelf === onOther,
                  () => `${roles} ${p.id}: self flag changed the answer of a permission that is not self-restricted`,
                );
              }
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('determinism', () => {
  it('analysing the same set twice gives deep-equal models; catalog and role order follow sorted file paths', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        const m1 = analyzeSet(set.source).model;
        const m2 = analyzeSet(set.source).model;
        expect(m2).toEqual(m1);
        // The order the files object lists them in does not matter: memorySet sorts by path.
        const reversed = Object.fromEntries(Object.entries(set.files).reverse());
        expect(analyzeSet(memorySet(set.name, reversed)).model).toEqual(m1);
        expect(m1!.permissions.map((p) => p.id)).toEqual(catalogOrder(set.spec));
        expect(m1!.roles.map((r) => r.name)).toEqual(roleOrder(set.spec));
      }),
      { numRuns: 40 },
    );
  });

  it('reading the files in another order changes only the documented orders', () => {
    const arb = policySetArb().chain((set) =>
      fc.tuple(fc.constant(set), fc.shuffledSubarray([...set.source.files], { minLength: set.source.files.length })),
    );
    fc.assert(
      fc.property(arb, ([set, files]) => {
        const m1 = analyze(set);
        const shuffled = analyzeSet({ ...set.source, files });
        check(set, shuffled.model !== undefined, () => 'the shuffled set has errors');
        expect(normalize(shuffled.model!)).toEqual(normalize(m1));
      }),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return [...a].every((v) => b.has(v));
}

function sameMap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function show(m: ReadonlyMap<string, number>): string {
  return `{${[...m].map(([k, v]) => `${k}@${v}`).join(', ')}}`;
}
