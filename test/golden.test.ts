import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSet } from '../src/compile.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { loadGeneratedModule } from '../src/emit/load.js';
import { readSetFolder } from '../src/load/discover.js';
import { compareAll, type GeneratedModule } from './support/differential.js';
import { ROOT } from './support/sets.js';

/**
 * Golden files for the generated code. Each fixture under test/fixtures/golden/<name>/ holds a
 * set in policies/<name>/ and the expected output in generated/<name>/ plus expected.lock.json.
 * To accept a deliberate change of the output: UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const FIXTURES = path.join(ROOT, 'test/fixtures/golden');
const fixtures = readdirSync(FIXTURES).sort();

const relative = (p: string) => path.relative(process.cwd(), p);

async function compileFixture(name: string) {
  const dir = path.join(FIXTURES, name);
  const source = await readSetFolder(relative(path.join(dir, 'policies', name)), new Diagnostics());
  return { dir, compilation: compileSet(source, { outRoot: relative(path.join(dir, 'generated')) }) };
}

describe.each(fixtures)('golden fixture %s', (name) => {
  it('compiles to the expected module, manifest and lockfile', async () => {
    const { dir, compilation } = await compileFixture(name);
    expect(compilation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const outputs = [
      ...compilation.files.map((f) => ({ file: path.resolve(f.path), text: f.text })),
      { file: path.join(dir, 'expected.lock.json'), text: compilation.lockfile!.text },
    ];
    for (const { file, text } of outputs) {
      if (UPDATE) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      expect(
        text,
        `${relative(file)} differs: run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts if the change is intended`,
      ).toBe(readFileSync(file, 'utf8'));
    }
  });

  it('compiles to byte-identical output every time', async () => {
    const a = await compileFixture(name);
    const b = await compileFixture(name);
    expect(b.compilation.files).toEqual(a.compilation.files);
  });

  it('answers every question like the reference evaluator', async () => {
    const { compilation } = await compileFixture(name);
    const g = await loadGeneratedModule<GeneratedModule>(compilation.files.find((f) => f.name === 'index.ts')!.text);
    expect(compareAll(compilation.model!, g)).toEqual([]);
  });
});

describe('the lifecycle fixture', () => {
  it('keeps numbers across renames, reserves removed keys and exports transfers and aliases', async () => {
    const { compilation } = await compileFixture('lifecycle');
    const lock = JSON.parse(compilation.lockfile!.text);
    expect(lock.permissions).toEqual({
      next: 4,
      active: { 'tickets:view': 0, 'tickets:update': 1, 'tickets:close': 3 },
      reserved: { 'tickets:archive': 2 },
    });
    expect(lock.roles).toEqual({ next: 3, active: { member: 0, lead: 1 }, reserved: { agent: 2 } });
    expect(compilation.allocation!.changes).toEqual(
      expect.arrayContaining([
        'permission tickets:edit renamed to tickets:update, keeps number 1',
        'role supervisor renamed to lead, keeps number 1',
        'role agent removed, number 2 stays reserved',
      ]),
    );
    const g = await loadGeneratedModule<GeneratedModule>(compilation.files[0]!.text);
    expect(g.Role.supervisor).toBe(g.Role.lead);
    expect(g.Permission['tickets:edit']).toBe(g.Permission['tickets:update']);
    expect(g.transferTarget('agent')).toBe('member');
    expect(g.transferTarget('supervisor')).toBe('lead');
    expect(g.transferTarget('lead')).toBe('lead');
    expect(g.transferTarget('nobody')).toBeUndefined();
    expect(g.check('supervisor', 'tickets:edit')).toBe(true);
  });
});

describe('the hostile fixture', () => {
  it('keeps every hostile name and text inert', async () => {
    const { compilation } = await compileFixture('hostile');
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const g = await loadGeneratedModule<GeneratedModule & Record<string, unknown>>(compilation.files[0]!.text);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(Object.hasOwn(g.Role, '__proto__')).toBe(true);
    // biome-ignore lint/suspicious/noProto: the test checks that a role named `__proto__` is an own member
    expect(typeof g.Role.__proto__).toBe('number');
    expect(Object.getPrototypeOf(g.Role)).toBe(Object.prototype);
    expect(g.check('__proto__', '__proto__:hasOwnProperty', '__proto__')).toBe(true);
    expect(g.check('__proto__', '__proto__:hasOwnProperty', '__proto__', true)).toBe(false);
    expect(g.check('toString', '__proto__:hasOwnProperty')).toBe(false);
    const permissions = g.permissions as { id: string; title: string; description: string | null }[];
    expect(permissions.find((p) => p.id === '__proto__:valueOf')).toMatchObject({
      title: "*/ alert('x') /*",
      description: '${process.exit(1)}',
    });
    // A line break in a title is refused (PC111); a description may hold one, and the module keeps it inert.
    expect(permissions.find((p) => p.id === 'constructor:valueOf')).toMatchObject({
      title: 'Line break',
      description: 'Line\nbreak',
    });
    expect((g.policySet as unknown as { description: string }).description).toContain('\u2028');
  });
});
