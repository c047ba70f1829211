import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { README, withStepDocs } from '../src/gherkin/docs.js';

it('README documents every step phrase (run `npm run docs:steps` after changing src/gherkin/definitions.ts)', () => {
  const readme = readFileSync(README, 'utf8');
  expect(readme).toBe(withStepDocs(readme));
});
