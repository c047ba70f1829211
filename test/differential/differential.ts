import fc from 'fast-check';
import { expect } from 'vitest';
import { allocate } from '../../src/allocate/lockfile.js';
import { Diagnostics } from '../../src/diagnostics/diagnostic.js';
import { emitSet } from '../../src/emit/emit.js';
import type { Model } from '../../src/model/model.js';
import { formatFiles, type GeneratedSet, modelOf, policySetArb } from '../support/arbitrary.js';
import { compareAll, type GeneratedModule } from '../support/differential.js';
import { evaluateModules } from '../support/eval-batch.js';
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
 * Policies emitted before their modules are loaded together: one compiled function per batch
 * instead of one per policy, each module its own emitted text run whole in its own scope
 * (esbuild strips the statements a batch has not seen yet: see test/support/eval-batch.ts).
 */
const BATCH = 100;

/** One random set emitted: its model and its module's text, passed through `mutate` (the strength test injects bugs there). */
function emit(set: GeneratedSet, mutate: (text: string) => string): { model: Model; text: string } {
  const model = modelOf(set);
  const allocation = allocate(model, undefined, `${set.name}/policyc.lock.json`, new Diagnostics());
  if (!allocation) throw new Error('allocation failed on a valid set');
  const emitted = emitSet(model, allocation.lockfile, { generator: 'policyc test', sourceDir: set.name });
  return { model, text: mutate(emitted.files[0]!.text) };
}

/** Asks a loaded module every question; says what went wrong, if anything. */
function judge(set: GeneratedSet, model: Model, g: GeneratedModule): string | undefined {
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

/**
 * Compiles random sets, loads their modules together and asks every question of each; says
 * what went wrong with each set, if anything. A batch where one module does not build or its
 * top level throws is loaded again one module at a time, so that the failure is the set's own.
 */
export async function checkPolicies(
  sets: readonly GeneratedSet[],
  mutate: (text: string) => string = (t) => t,
): Promise<(string | undefined)[]> {
  const emitted = sets.map((set) => emit(set, mutate));
  let modules: GeneratedModule[] | undefined;
  try {
    modules = await evaluateModules<GeneratedModule>(emitted.map((e) => e.text));
  } catch {
    modules = undefined;
  }
  const out: (string | undefined)[] = [];
  for (const [i, set] of sets.entries()) {
    const { model, text } = emitted[i]!;
    let g = modules?.[i];
    if (!g) {
      try {
        [g] = await evaluateModules<GeneratedModule>([text]);
      } catch (e) {
        out.push(`the module does not load: ${e instanceof Error ? e.message : String(e)}\n${formatFiles(set.files)}`);
        continue;
      }
    }
    out.push(judge(set, model, g!));
  }
  return out;
}

/**
 * Checks `differentialRuns()` random sets drawn with `seed` (the same sets as fast-check's
 * `assert` with that seed would run), a batch at a time; fails with the number of failing sets
 * and the first one, with the seed and index that draw it again (`fc.sample(policySetArb(),
 * { numRuns: index + 1, seed })`). `POLICYC_DIFF_SEED=random` draws each batch with a fresh seed.
 */
export async function runDifferential(seed: number): Promise<void> {
  const runs = differentialRuns();
  const nightly = process.env.POLICYC_DIFF_SEED === 'random';
  // The suite's sets are drawn at once (one seed, the sets it has always run); a nightly run
  // draws each batch with a fresh seed, so that a long run never holds all its sets.
  const all = nightly ? undefined : fc.sample(policySetArb(), { numRuns: runs, seed });
  let checked = 0;
  const problems: string[] = [];
  for (let start = 0; start < runs; start += BATCH) {
    const count = Math.min(BATCH, runs - start);
    const batchSeed = nightly ? Math.floor(Math.random() * 2 ** 31) : seed;
    const batch = all
      ? all.slice(start, start + count)
      : fc.sample(policySetArb(), { numRuns: count, seed: batchSeed });
    for (const [i, problem] of (await checkPolicies(batch)).entries())
      if (problem) problems.push(`set #${all ? start + i : i} drawn with seed ${batchSeed}: ${problem}`);
    checked += batch.length;
  }
  if (problems.length > 0) throw new Error(`${problems.length} of ${runs} random sets failed; first:\n${problems[0]}`);
  expect(checked).toBe(runs);
}
