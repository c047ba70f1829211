import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../src/allocate/lockfile.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { emitSet } from '../src/emit/emit.js';
import { modelOf, policySetArb } from './support/arbitrary.js';
import type { GeneratedModule } from './support/differential.js';
import { bundleModules, evaluateModules, moduleJs } from './support/eval-batch.js';

/** Shipped modules and random ones, as the differential test emits them. */
const sources = [
  readFileSync('generated/crm/index.ts', 'utf8'),
  readFileSync('generated/platform/index.ts', 'utf8'),
  ...fc.sample(policySetArb(), { numRuns: 6, seed: 7_115 }).map((set) => {
    const model = modelOf(set);
    const allocation = allocate(model, undefined, `${set.name}/policyc.lock.json`, new Diagnostics())!;
    return emitSet(model, allocation.lockfile, { generator: 'policyc test', sourceDir: set.name }).files[0]!.text;
  }),
];

describe('evaluateModules strips each statement once and runs every module whole', () => {
  it('cuts every generated module into statements (no module falls back to the bundle)', async () => {
    for (const source of sources) {
      const js = await moduleJs(source);
      expect(js.code).toContain('function decodeWords(');
      expect(js.code).not.toMatch(/^(export|import)\b/m);
      expect(js.exports).toEqual(expect.arrayContaining(['can', 'check', 'subject', 'Permission', 'policySet']));
    }
  });

  it('gives the exports esbuild bundling gives, with the same answers', async () => {
    const fast = await evaluateModules<GeneratedModule>(sources);
    const bundled = await bundleModules<GeneratedModule>(sources);
    for (const [i, g] of fast.entries()) {
      const b = bundled[i]!;
      expect(Object.keys(g).sort()).toEqual(Object.keys(b).sort());
      expect(g.policySet).toEqual(b.policySet);
      for (const role of Object.values(g.Role))
        for (const permission of Object.values(g.Permission)) {
          expect(g.can(role, permission)).toBe(b.can(role, permission));
          expect(g.subject([role]).can(permission, undefined, true)).toBe(
            b.subject([role]).can(permission, undefined, true),
          );
        }
    }
  });

  it('keeps each module to itself: its own tables and its own run-time roles', async () => {
    const [a, b] = await evaluateModules<GeneratedModule & { customRoles(): readonly unknown[] }>([
      sources[0]!,
      sources[0]!,
    ]);
    expect(a).not.toBe(b);
    expect(a!.can).not.toBe(b!.can);
    expect(a!.Permission).not.toBe(b!.Permission);
    expect(a!.Permission).toEqual(b!.Permission);
  });

  it('throws when a module top level throws, and when one does not parse', async () => {
    await expect(evaluateModules([sources[2]!, `${sources[3]!}\nthrow new Error("top level");\n`])).rejects.toThrow(
      'top level',
    );
    await expect(evaluateModules([`${sources[2]!}\nexport const broken = (;\n`])).rejects.toThrow();
  });
});
