import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSet } from '../src/compile.js';
import { loadGeneratedModule } from '../src/emit/load.js';
import { compareAll, type GeneratedModule } from './support/differential.js';
import { ROOT, memorySet, shippedModel } from './support/sets.js';

/** The committed generated modules of the shipped sets: the artifacts that ship. */
describe.each(['crm', 'platform'] as const)('generated/%s', (name) => {
  const file = path.join(ROOT, 'generated', name, 'index.ts');

  it('agrees with the reference evaluator on every role, pair of roles, permission, scope and entry', async () => {
    const model = await shippedModel(name);
    const g = await loadGeneratedModule<GeneratedModule>(readFileSync(file, 'utf8'));
    expect(compareAll(model, g)).toEqual([]);
  });

  it('matches its manifest', async () => {
    const g = await loadGeneratedModule<GeneratedModule & { permissions: { id: string; no: number }[] }>(
      readFileSync(file, 'utf8'),
    );
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'generated', name, 'manifest.json'), 'utf8'));
    expect(g.policySet.hash).toBe(manifest.set.hash);
    expect(g.permissions.map((p) => [p.id, p.no])).toEqual(
      manifest.permissions.map((p: { id: string; no: number }) => [p.id, p.no]),
    );
  });

  // Node 22.6+ runs TypeScript by stripping types; Node 20 cannot, so there tsc's
  // erasableSyntaxOnly check (tsconfig.generated.json, part of npm test) stands in for it.
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const stripping = major > 22 || (major === 22 && minor >= 6);
  it.skipIf(!stripping)('runs under Node type stripping', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--experimental-strip-types',
        '--no-warnings',
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(file)}).then((m) => console.log(m.policySet.name))`,
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe(name);
  });
});

/**
 * The generated module finds an unknown entry's nearest known ancestor by a hash of the entry's
 * prefixes. `Aa` and `BB` have the same hash (31·65 + 97 = 31·66 + 66), so under `BB/…` both are
 * candidates and only the comparison in place may pick `BB`.
 */
describe('collection entries whose paths share a hash', () => {
  const set = memorySet('hashes', {
    'policy.yaml': [
      'apiVersion: policyc/v1',
      'kind: PolicySet',
      'metadata: { name: hashes }',
      'spec: { version: 1.0.0 }',
      '---',
      'apiVersion: policyc/v1',
      'kind: Catalog',
      'metadata: { name: hashes }',
      'spec:',
      '  actions: [{ name: view, title: View }]',
      '  resources: [{ name: things, title: Things }]',
      '  permissions: [{ id: things:view, title: View things }]',
      '  collections:',
      '    - { name: apps, title: Apps, entries: [Aa, BB, Aa/x, BBx] }',
      '---',
      'apiVersion: policyc/v1',
      'kind: Role',
      'metadata: { name: a-only }',
      'spec:',
      '  title: A only',
      '  description: Uses Aa and nothing else.',
      '  grants: [things:view]',
      '  collections: { apps: { mode: allow, entries: [Aa] } }',
      '---',
      'apiVersion: policyc/v1',
      'kind: Role',
      'metadata: { name: all-but-b }',
      'spec:',
      '  title: All but B',
      '  description: Uses every app except BB.',
      '  grants: [things:view]',
      '  collections: { apps: { mode: except, entries: [BB] } }',
      '',
    ].join('\n'),
  });

  it('picks the ancestor whose path matches, not the one whose hash does', async () => {
    const compilation = compileSet(set, { outRoot: 'generated' });
    expect(compilation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const g = await loadGeneratedModule<GeneratedModule>(compilation.files.find((f) => f.name === 'index.ts')!.text);
    const [aOnly, allButB] = [g.Role['a-only']!, g.Role['all-but-b']!];
    // Mode allow: listed entries and what is below them, unknown entries included; `BB/…` must find `BB`, not `Aa`.
    expect(g.canUse(aOnly, 'apps', 'Aa')).toBe(true);
    expect(g.canUse(aOnly, 'apps', 'Aa/x')).toBe(true);
    expect(g.canUse(aOnly, 'apps', 'Aa/new')).toBe(true);
    expect(g.canUse(aOnly, 'apps', 'Aa/x/new')).toBe(true);
    expect(g.canUse(aOnly, 'apps', 'BB')).toBe(false);
    expect(g.canUse(aOnly, 'apps', 'BB/new')).toBe(false);
    expect(g.canUse(aOnly, 'apps', 'Zz/new')).toBe(false);
    // Mode except: an unknown entry follows its nearest known ancestor; `BB/…` must find `BB`, not `Aa`.
    expect(g.canUse(allButB, 'apps', 'Aa/new')).toBe(true);
    expect(g.canUse(allButB, 'apps', 'Aa/x/new')).toBe(true);
    expect(g.canUse(allButB, 'apps', 'BB/new/deeper')).toBe(false);
    expect(g.canUse(allButB, 'apps', 'BB/new')).toBe(false);
    expect(g.canUse(allButB, 'apps', 'BBx/new')).toBe(true);
    expect(g.canUse(allButB, 'apps', 'Zz/new')).toBe(true);
    const model = compilation.model!;
    expect(compareAll(model, g)).toEqual([]);
  });
});
