import fc from 'fast-check';
import { ReferenceEvaluator } from '../../src/evaluate/reference.js';
import type { Model, RoleInfo } from '../../src/model/model.js';
import { type GeneratedModule, type Mismatch, probeEntries } from './differential.js';

/** A problem reported by defineRole. */
export interface Problem {
  readonly path: string;
  readonly reason: string;
  readonly hint?: string;
}

/** What defineRole returns (typed loosely: each set has its own types). */
export type DefineResult =
  | { ok: true; role: number; id: string; definition: Record<string, unknown>; warnings: Problem[] }
  | { ok: false; errors: Problem[]; warnings: Problem[] };

/** What checkRoleDefinition returns. */
export type CheckResult =
  | { ok: true; definition: Record<string, unknown>; warnings: Problem[] }
  | { ok: false; errors: Problem[]; warnings: Problem[] };

/** The parts of a generated module that run-time role tests call. */
export interface RuntimeRoleModule extends GeneratedModule {
  defineRole(definition: unknown, options?: unknown): DefineResult;
  checkRoleDefinition(definition: unknown, options?: unknown): CheckResult;
  roleDefinition(role: number | string): Record<string, unknown> | undefined;
  removeRole(id: string): boolean;
  subject(roles: readonly number[]): ReturnType<GeneratedModule['subject']> & { readonly roles: readonly number[] };
  widestScope(role: number, permission: number): number | undefined;
  roleNo(id: string): number | undefined;
  customRoles(namespace?: string): readonly Record<string, unknown>[];
  storedRoles(ids: readonly string[]): {
    subject: { can(permission: number, scope?: number): boolean; readonly roles: readonly number[] };
    roles: readonly string[];
    moved: readonly { from: string; to: string; reason: string }[];
    unknown: readonly string[];
  };
}

/** The run-time definition that says what a compiled role's document says (grants as written, levels by name). */
export function definitionOf(model: Model, role: RoleInfo, id: string): Record<string, unknown> {
  const grants = role.grants.map((g) => (g.level === undefined ? g.text : { [g.text]: model.scopes[g.level]!.name }));
  const collections = Object.fromEntries(
    [...role.collectionRules].map(([name, rule]) => [
      name,
      rule.mode === 'all' ? { mode: 'all' } : { mode: rule.mode, entries: [...rule.entries] },
    ]),
  );
  return {
    id,
    title: `${role.title} (run time)`,
    ...(role.inherits.length > 0 ? { inherits: [...role.inherits] } : {}),
    grants,
    ...(role.collectionRules.size > 0 ? { collections } : {}),
  };
}

/**
 * Random definitions on a model's catalog: grants of permissions (previous ids too), resource
 * wildcards and `*`, each with a level where one is needed; inherited roles; collection rules
 * in the modes each collection offers. Mostly valid; with `invalid`, some grants miss or
 * misname their level.
 */
export function definitionArb(
  model: Model,
  id: string,
  options: { invalid?: boolean } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const levels = model.scopes.map((s) => s.name);
  const resources = model.resources.filter((r) => r.permissions.length > 0);
  const levelFor = (scoped: boolean) =>
    scoped
      ? options.invalid
        ? fc.oneof(fc.constantFrom(...levels), fc.constant(undefined), fc.constant('nowhere'))
        : fc.constantFrom(...levels)
      : fc.constant(undefined);
  const ids = [...model.permissions.map((p) => p.id), ...model.permissionAliases.keys()];
  const permissionGrant = fc.constantFrom(...ids).chain((text) => {
    const p = model.permissionIndex.get(model.permissionAliases.get(text) ?? text)!;
    return levelFor(p.scoped).map((level) => (level === undefined ? text : { [text]: level }));
  });
  const grantArbs: fc.Arbitrary<unknown>[] = [permissionGrant];
  if (resources.length > 0) {
    grantArbs.push(
      fc
        .constantFrom(...resources)
        .chain((r) =>
          levelFor(r.permissions.some((p) => model.permissionIndex.get(p)!.scoped)).map((level) =>
            level === undefined ? `${r.name}:*` : { [`${r.name}:*`]: level },
          ),
        ),
    );
  }
  const mistakes = fc.oneof(
    fc.constantFrom('nope:nothing', '*:view', 'no-colon'),
    fc
      .constantFrom(...model.permissions.map((p) => p.id))
      .map((id) => ({ [id]: model.permissionIndex.get(id)!.scoped ? 'galaxy' : 'own' })),
  );
  const grant = fc.oneof(
    { arbitrary: fc.oneof(...grantArbs), weight: 20 },
    { arbitrary: fc.constant('*'), weight: 1 },
    { arbitrary: mistakes, weight: options.invalid ? 2 : 0 },
  );
  const grants = fc.uniqueArray(grant, {
    maxLength: 12,
    selector: (g) => (typeof g === 'string' ? g : Object.keys(g as object)[0]),
  });
  const inherits =
    model.roles.length === 0
      ? fc.constant([])
      : fc.uniqueArray(fc.constantFrom(...model.roles.map((r) => r.name)), { maxLength: 2 });
  const rule = (c: Model['collections'][number]): fc.Arbitrary<{ mode: string; entries?: string[] }> =>
    fc
      .constantFrom(...c.modes)
      .chain(
        (mode): fc.Arbitrary<{ mode: string; entries?: string[] }> =>
          mode === 'all' || c.entries.length === 0
            ? fc.constant({ mode: 'all' })
            : fc
                .uniqueArray(fc.constantFrom(...c.entries.map((e) => e.path)), { minLength: 1, maxLength: 4 })
                .map((entries) => ({ mode, entries })),
      );
  const collections = fc.record(
    Object.fromEntries(
      model.collections.filter((c) => c.modes.includes('all') || c.entries.length > 0).map((c) => [c.name, rule(c)]),
    ),
    { requiredKeys: [] },
  );
  return fc.record({ grants, inherits, collections }).map(({ grants, inherits, collections }) => ({
    id,
    title: 'Random',
    ...(inherits.length > 0 ? { inherits } : {}),
    grants,
    ...(Object.keys(collections).length > 0 ? { collections } : {}),
  }));
}

/**
 * Every question about one role, asked of a compiled role (by its id, to the reference
 * evaluator) and of a run-time role number: each permission at each scope and the default, as
 * self and not, by `can`, by a subject and by `widestScope`; each collection probe by `canUse`
 * and by a subject. Returns the disagreements.
 */
export function compareRuntimeRole(model: Model, g: RuntimeRoleModule, roleName: string, runtime: number): Mismatch[] {
  const ev = new ReferenceEvaluator(model);
  const out: Mismatch[] = [];
  const subject = g.subject([runtime]);
  for (const p of model.permissions) {
    const pn = g.Permission[p.id]!;
    for (const s of [undefined, ...model.scopes.map((x) => x.name)]) {
      for (const self of [false, true]) {
        const reference = ev.allowed([roleName], p.id, s, { self });
        const sn = s === undefined ? undefined : g.Scope[s];
        for (const [how, generated] of [
          ['can', g.can(runtime, pn, sn, self)],
          ['subject', subject.can(pn, sn, self)],
        ] as const) {
          if (generated !== reference)
            out.push({
              question: `${how}(runtime ${roleName}, ${p.id}, ${s ?? 'default'}, self=${self})`,
              reference,
              generated,
            });
        }
      }
    }
    // The widest level the reference allows (a set without scopes has plane 0).
    const levels = model.scopes.map((x) => x.name).filter((s) => ev.allowed([roleName], p.id, s));
    const expected =
      model.scopes.length === 0
        ? ev.allowed([roleName], p.id)
          ? 0
          : undefined
        : levels.length === 0
          ? undefined
          : g.Scope[levels[levels.length - 1]!];
    const widest = g.widestScope(runtime, pn);
    if (widest !== expected)
      out.push({
        question: `widestScope(runtime ${roleName}, ${p.id}) = ${widest}, reference ${expected}`,
        reference: true,
        generated: false,
      });
  }
  for (const c of model.collections) {
    for (const entry of probeEntries(model, c.name)) {
      const reference = ev.collectionAllowed([roleName], c.name, entry);
      for (const [how, generated] of [
        ['canUse', g.canUse(runtime, c.name, entry)],
        ['subject.canUse', subject.canUse(c.name, entry)],
      ] as const) {
        if (generated !== reference)
          out.push({ question: `${how}(runtime ${roleName}, ${c.name}, ${entry})`, reference, generated });
      }
    }
  }
  return out;
}
