import { it } from 'vitest';
import { differentialRuns, runDifferential } from './differential.js';

it(`generated code agrees with the reference evaluator on ${differentialRuns()} random policies (quarter 4)`, async () => {
  await runDifferential(40_407);
}, 1_800_000);
