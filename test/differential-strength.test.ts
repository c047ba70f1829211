import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPolicies } from './differential/differential.js';
import { policySetArb } from './support/arbitrary.js';

/**
 * The differential test must keep its teeth: with a bug injected into the generated module's
 * runtime, the same checks it runs on every random policy fail on some of 16 policies.
 * (With no bug, they pass on all of them.)
 */
const MUTANTS: readonly (readonly [string, string, string])[] = [
  [
    'a bit read from the next word',
    'return (words[start + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;',
    'return (words[start + (bit >>> 5) + 1]! & (1 << (bit & 31))) !== 0;',
  ],
  ['a bit read one position over', '(1 << (bit & 31))', '(1 << ((bit + 1) & 31))'],
  [
    'a range check that lets anything through',
    'return typeof n === "number" && n >>> 0 === n && n < count;',
    'return true;',
  ],
];

const sets = fc.sample(policySetArb(), { numRuns: 16, seed: 15_015 });

describe('the differential checks catch an injected bug', () => {
  it('pass on the unmutated modules', async () => {
    expect(await checkPolicies(sets)).toEqual(sets.map(() => undefined));
  }, 300_000);

  it.each(MUTANTS)(
    'fail with %s',
    async (_name, from, to) => {
      let applied = 0;
      const mutate = (text: string) => {
        expect(text).toContain(from);
        applied++;
        return text.replace(from, to);
      };
      // Loaded together, as the differential test loads its batches.
      const caught = (await checkPolicies(sets, mutate)).filter((problem) => problem !== undefined).length;
      expect(applied).toBe(sets.length);
      expect(caught).toBeGreaterThan(0);
    },
    300_000,
  );
});
