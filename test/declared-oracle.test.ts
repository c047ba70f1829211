import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSet } from '../src/compile.js';
import type { SetSource } from '../src/load/source.js';
import { formatFiles, policySetArb } from './support/arbitrary.js';
import { declaredSet, disagreements, type OracleModule } from './support/declared-oracle.js';
import { evaluateModule } from './support/eval-module.js';
import { memorySet, ROOT } from './support/sets.js';

/**
 * The generated module against an oracle computed straight from the YAML declarations
 * (test/support/declared-oracle.ts), which shares no code with src/: a bug in src/resolve
 * reaches the reference evaluator and the generated tables alike, but not this oracle.
 *
 * Issue 10 injected three bugs into src/resolve, one at a time; this file caught each, and the
 * differential test (whose reference evaluator reads the same model) caught none by a
 * disagreement:
 * - scope order (scopes kept widest first, levels renumbered): failed crm, hostile, shop and
 *   the random policies (also test/resolve.property.test.ts and the golden bytes);
 * - the last of several parents in `inherits` dropped: failed platform and the random policies
 *   (also test/resolve.property.test.ts; the golden fixtures and the differential test passed);
 * - a role's previous name mapped to another role: failed hostile, lifecycle and the random
 *   policies (also resolve.property and golden; the differential test failed only because a
 *   random set stopped compiling).
 */

/** A folder's YAML files, relative paths to text. */
function yamlFiles(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, yamlFiles(path.join(dir, entry.name), `${rel}/`));
    else if (/\.ya?ml$/.test(entry.name)) out[rel] = readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return out;
}

async function moduleOf(source: SetSource): Promise<OracleModule> {
  const c = compileSet(source, { outRoot: 'generated' });
  if (!c.ok) throw new Error(`does not compile: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return evaluateModule<OracleModule>(c.files.find((f) => f.name === 'index.ts')!.text);
}

const FOLDERS: [string, string][] = [
  ['crm', 'policies/crm'],
  ['platform', 'policies/platform'],
  ...readdirSync(path.join(ROOT, 'test/fixtures/golden')).map((n): [string, string] => [
    n,
    `test/fixtures/golden/${n}/policies/${n}`,
  ]),
];

describe('generated modules agree with the declarations (an oracle independent of src/)', () => {
  it.each(FOLDERS)('%s', async (name, folder) => {
    const files = yamlFiles(path.join(ROOT, folder));
    const lockPath = path.join(ROOT, folder, 'policyc.lock.json');
    let lock: string | undefined;
    try {
      lock = readFileSync(lockPath, 'utf8');
    } catch {
      lock = undefined;
    }
    const g = await moduleOf(memorySet(name, files, lock));
    expect(disagreements(declaredSet(files), g)).toEqual([]);
  });

  it('on random policies', async () => {
    await fc.assert(
      fc.asyncProperty(policySetArb(), async (set) => {
        const found = disagreements(declaredSet(set.files), await moduleOf(set.source));
        if (found.length > 0) throw new Error(`${found.join('\n')}\n${formatFiles(set.files)}`);
      }),
      { numRuns: Number(process.env.POLICYC_ORACLE_RUNS ?? 200), seed: 20_261_129 },
    );
  }, 600_000);
});
