import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGeneratedModule } from '../src/emit/load.js';
import { compareAll, type GeneratedModule } from './support/differential.js';
import { ROOT, shippedModel } from './support/sets.js';

/** The committed generated modules of the shipped sets: the artifacts that ship. */
describe.each(['crm', 'platform'] as const)('generated/%s', (name) => {
  const file = path.join(ROOT, 'generated', name, 'index.ts');

  it('agrees with the reference evaluator on every role, pair of roles, permission, scope and entry', async () => {
    const model = await shippedModel(name);
    const g = await loadGeneratedModule<GeneratedModule>(readFileSync(file, 'utf8'));
    expect(compareAll(model, g)).toEqual([]);
  });

  it('matches its manifest', async () => {
    const g = await loadGeneratedModule<GeneratedModule & { permissions: { id: string; no: number }[] }>(readFileSync(file, 'utf8'));
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'generated', name, 'manifest.json'), 'utf8'));
    expect(g.policySet.hash).toBe(manifest.set.hash);
    expect(g.permissions.map((p) => [p.id, p.no])).toEqual(manifest.permissions.map((p: { id: string; no: number }) => [p.id, p.no]));
  });

  // Node 22.6+ runs TypeScript by stripping types; Node 20 cannot, so there tsc's
  // erasableSyntaxOnly check (tsconfig.generated.json, part of npm test) stands in for it.
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const stripping = major > 22 || (major === 22 && minor >= 6);
  it.skipIf(!stripping)('runs under Node type stripping', () => {
    const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', `import(${JSON.stringify(file)}).then((m) => console.log(m.policySet.name))`], { encoding: 'utf8' });
    expect(out.trim()).toBe(name);
  });
});
