import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/sets.js';

/** README.md's worked example of run-time roles is the real output of docs/examples/custom-roles.ts. */
it('README shows the real output of docs/examples/custom-roles.ts', () => {
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'docs/examples/custom-roles.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- custom-roles output -->\n```text\n([\s\S]*?)```/.exec(readme);
  expect(block, 'README has the custom-roles output block').not.toBeNull();
  expect(block![1]).toBe(output);
}, 120_000);
