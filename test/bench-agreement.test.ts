// Keeps the benchmark harness from rotting: every contender of bench/adapters.ts (policyc's
// generated module, the inlined floor, CASL, casbin, accesscontrol, Cedar) must give the reference
// evaluator's answers on the check policy, through both its check and its timed loop. No timing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENDERS } from '../bench/adapters.js';
import { checkPolicy } from '../bench/check-policy.js';
import {
  describeQuery,
  type PreparedPolicy,
  prepareCheckPolicy,
  referenceAnswer,
  runRange,
  WORKLOADS,
  workloadContext,
} from '../bench/throughput.js';

let dir: string;
let prepared: PreparedPolicy;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'policyc-bench-agreement-'));
  // The benchmark's policy shape, smaller: this checks the translations, not the speed.
  prepared = prepareCheckPolicy(dir, checkPolicy({ roles: 12, resources: 12, subjects: 40 }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The libraries that take milliseconds per check are asked fewer questions. */
const SLOW = /casbin|cedar/;

describe.each(WORKLOADS)('benchmark contenders, $title', ({ id }) => {
  it('agree with the reference evaluator', async () => {
    const ctx = workloadContext(prepared, id, 200);
    const oracle = Array.from({ length: ctx.q.n }, (_, i) => referenceAnswer(prepared.refs, ctx, i));
    expect(oracle).toEqual(Array.from(ctx.q.expected, (x) => x === 1));
    for (const c of CONTENDERS) {
      if (c.cannot?.[id]) continue;
      const runner = await c.setup(ctx);
      const n = SLOW.test(c.name) ? 40 : ctx.q.n;
      const wrong: string[] = [];
      for (let i = 0; i < n; i++) if (runner.check(i) !== oracle[i]) wrong.push(describeQuery(ctx, i));
      expect(wrong, `${c.name} disagrees`).toEqual([]);
      const [got, want] = runRange(runner, ctx.q, 0, n);
      expect(got, `${c.name}: allowed answers of its timed loop`).toBe(want);
    }
  });
});
