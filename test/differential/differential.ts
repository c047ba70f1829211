import fc from 'fast-check';
import { expect } from 'vitest';
import { allocate } from '../../src/allocate/lockfile.js';
import { Diagnostics } from '../../src/diagnostics/diagnostic.js';
import { emitSet } from '../../src/emit/emit.js';
import { formatFiles, type GeneratedSet, modelOf, policySetArb } from '../support/arbitrary.js';
import { compareAll, type GeneratedModule } from '../support/differential.js';
import { evaluateModule } from '../support/eval-module.js';
import { askAll, type LooseModule, outOfDomainQuestions } from '../support/out-of-domain.js';

/**
 * Random policies (catalogs, scopes, implications, inheritance, wildcards, self-restrictions,
 * collections, hostile names) compiled to TypeScript, loaded, and asked every question of every
 * role alone, every pair of roles and every user's roles, compared with the reference
 * evaluator; then out-of-domain questions to every exported function (numbers at and past the
 * count, -1, 2³¹, 2³²−1, fractions, NaN, non-numbers, hostile strings; a sample of partners),
 * which must deny or answer undefined without throwing. The suite runs 4 × 2,500 policies (one file per quarter, so they run in parallel);
 * `npm run test:nightly` runs many more with fresh seeds.
 */
export function differentialRuns(): number {
  return Number(process.env.POLICYC_DIFF_RUNS ?? 2500);
}

/**
 * Compiles one random set, loads its module (its text passed through `mutate` first: the
 * strength test injects bugs there) and asks every question; says what went wrong, if anything.
 */
export async function checkPolicy(
  set: GeneratedSet,
  mutate: (text: string) => string = (t) => t,
): Promise<string | undefined> {
  const model = modelOf(set);
  const allocation = allocate(model, undefined, `${set.name}/policyc.lock.json`, new Diagnostics());
  if (!allocation) throw new Error('allocation failed on a valid set');
  const emitted = emitSet(model, allocation.lockfile, { generator: 'policyc test', sourceDir: set.name });
  const g = await evaluateModule<GeneratedModule>(mutate(emitted.files[0]!.text));
  const mismatches = compareAll(model, g, { pairs: model.roles.length <= 6, users: true });
  if (mismatches.length > 0)
    return `${mismatches.length} mismatches, first: ${JSON.stringify(mismatches.slice(0, 5), null, 2)}\n${formatFiles(set.files)}`;
  const wrong = askAll(outOfDomainQuestions(model, g as unknown as LooseModule, { sample: true }));
  if (wrong.length > 0) {
    const first = wrong.slice(0, 5).map((w) => `${w.question.text} -> ${w.error ?? String(w.answer)}`);
    return `${wrong.length} out-of-domain questions not denied, first: ${first.join('; ')}\n${formatFiles(set.files)}`;
  }
  return undefined;
}

export async function runDifferential(seed: number): Promise<void> {
  const runs = differentialRuns();
  const nightly = process.env.POLICYC_DIFF_SEED === 'random';
  let compiled = 0;
  await fc.assert(
    fc.asyncProperty(policySetArb(), async (set) => {
      const problem = await checkPolicy(set);
      compiled++;
      if (problem) throw new Error(problem);
    }),
    { numRuns: runs, ...(nightly ? {} : { seed }), endOnFailure: false },
  );
  expect(compiled).toBeGreaterThanOrEqual(runs);
}
