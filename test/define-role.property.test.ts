import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../src/allocate/lockfile.js';
import { analyzeSet } from '../src/analyze.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { emitSet } from '../src/emit/emit.js';
import { readSetFolder } from '../src/load/discover.js';
import type { Model } from '../src/model/model.js';
import { formatFiles, freshKey, modelOf, policySetArb } from './support/arbitrary.js';
import { probeEntries } from './support/differential.js';
import { evaluateModule } from './support/eval-module.js';
import { compareRuntimeRole, definitionArb, definitionOf, type RuntimeRoleModule } from './support/role-definitions.js';
import { freshShipped } from './support/runtime-roles.js';
import { ROOT, shippedModel } from './support/sets.js';

/**
 * Run-time roles against the oracle (issue 18). Differential: a role defined at run time
 * answers every question as the same role written in YAML does, by the reference evaluator, on
 * random policies and on the shipped sets with random definitions. Escalation: a definition
 * accepted with `grantedBy` never gives a (permission, level) or an entry the creator lacks.
 */

/** Ids a run-time role may not take: every role id the set knows. */
const takenIds = (model: Model) => [
  ...model.roles.map((r) => r.name),
  ...model.roleAliases.keys(),
  ...model.retiredRoles.map((r) => r.name),
];

describe('differential: run-time roles answer as YAML roles do', () => {
  it('on random policies, each compiled role redefined at run time from its document', async () => {
    let roles = 0;
    await fc.assert(
      fc.asyncProperty(policySetArb({ maxRoles: 6 }), async (set) => {
        const model = modelOf(set);
        const allocation = allocate(model, undefined, `${set.name}/policyc.lock.json`, new Diagnostics());
        if (!allocation) throw new Error('allocation failed on a valid set');
        const g = await evaluateModule<RuntimeRoleModule>(
          emitSet(model, allocation.lockfile, { generator: 'policyc test', sourceDir: set.name }).files[0]!.text,
        );
        const taken = takenIds(model);
        for (const role of model.roles) {
          const id = freshKey(taken, 'runtime');
          taken.push(id);
          const r = g.defineRole(definitionOf(model, role, id));
          if (!r.ok)
            throw new Error(
              `the compiler accepted role ${role.name}, defineRole did not: ${JSON.stringify(r.errors)}\n${formatFiles(set.files)}`,
            );
          const mismatches = compareRuntimeRole(model, g, role.name, r.role);
          if (mismatches.length > 0)
            throw new Error(
              `${mismatches.length} mismatches for ${role.name}: ${JSON.stringify(mismatches.slice(0, 5), null, 2)}\n${formatFiles(set.files)}`,
            );
          roles++;
        }
      }),
      { numRuns: 100, seed: 18_001 },
    );
    expect(roles).toBeGreaterThan(200);
  }, 300_000);

  for (const name of ['crm', 'platform'] as const) {
    it(`on ${name}, random definitions written once in YAML and once at run time`, async () => {
      const source = await readSetFolder(`${ROOT}/policies/${name}`, new Diagnostics());
      const base = await shippedModel(name);
      const g = await freshShipped(name);
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(definitionArb(base, 'random-role'), async (definition) => {
          const r = g.defineRole(definition);
          if (!r.ok) throw new Error(`rejected: ${JSON.stringify(r.errors)} ${JSON.stringify(definition)}`);
          // The same role as a YAML document (JSON is YAML) added to the set.
          const { id, title, ...spec } = definition as { id: string; title: string };
          const doc = {
            apiVersion: 'policyc/v1',
            kind: 'Role',
            metadata: { name: id },
            spec: { title, description: 'Random.', ...spec },
          };
          const files = [
            ...source.files,
            { path: `${source.dir}/roles/zz-random.yaml`, bytes: new TextEncoder().encode(JSON.stringify(doc)) },
          ];
          const analysis = analyzeSet({ ...source, files });
          if (!analysis.model)
            throw new Error(`the YAML role was rejected: ${analysis.diagnostics.map((d) => d.message).join('; ')}`);
          const mismatches = compareRuntimeRole(analysis.model, g, id, r.role);
          if (mismatches.length > 0)
            throw new Error(
              `${mismatches.length} mismatches: ${JSON.stringify(mismatches.slice(0, 5), null, 2)}\n${JSON.stringify(definition)}`,
            );
          compared++;
        }),
        { numRuns: 25, seed: 18_002 },
      );
      expect(compared).toBe(25);
    }, 300_000);
  }
});

describe('no escalation (property)', () => {
  for (const name of ['crm', 'platform'] as const) {
    it(`on ${name}: an accepted definition never holds a (permission, level) or an entry the creator lacks`, async () => {
      const model = await shippedModel(name);
      const g = await freshShipped(name);
      const roleIds = model.roles.map((r) => r.name);
      const scopes = [undefined, ...model.scopes.map((s) => g.Scope[s.name])];
      let accepted = 0;
      let rejected = 0;
      await fc.assert(
        fc.property(
          fc.uniqueArray(fc.constantFrom(...roleIds), { maxLength: 3 }),
          definitionArb(model, 'candidate'),
          fc.boolean(),
          (creatorRoles, definition, asRole) => {
            const numbers = creatorRoles.map((r) => g.Role[r]!);
            const creator = g.subject(numbers);
            const grantedBy = asRole && numbers.length === 1 ? numbers[0] : creator;
            const r = g.defineRole(definition, { grantedBy });
            if (!r.ok) {
              rejected++;
              expect(r.errors.length).toBeGreaterThan(0);
              return;
            }
            accepted++;
            for (const p of model.permissions) {
              for (const s of scopes) {
                if (g.can(r.role, g.Permission[p.id]!, s))
                  expect(creator.can(g.Permission[p.id]!, s), `${p.id} at ${s}`).toBe(true);
              }
            }
            for (const c of model.collections) {
              for (const entry of probeEntries(model, c.name))
                if (g.canUse(r.role, c.name, entry))
                  expect(creator.canUse(c.name, entry), `${c.name} ${entry}`).toBe(true);
            }
          },
        ),
        { numRuns: 400, seed: 18_003 },
      );
      // Not vacuous: both outcomes occur.
      expect(accepted).toBeGreaterThan(20);
      expect(rejected).toBeGreaterThan(20);
    }, 300_000);
  }

  it("on the shipped sets: a definition that copies one of the creator's roles is always accepted", async () => {
    for (const name of ['crm', 'platform'] as const) {
      const model = await shippedModel(name);
      const g = await freshShipped(name);
      for (const role of model.roles) {
        const r = g.defineRole(definitionOf(model, role, 'copy'), { grantedBy: g.subject([g.Role[role.name]!]) });
        expect(r.ok, `${name} ${role.name}: ${JSON.stringify(r.ok ? [] : r.errors)}`).toBe(true);
      }
    }
  });
});
