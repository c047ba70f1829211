import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticSet } from '../bench/synthetic.js';
import { compileSet } from '../src/compile.js';
import { readSetFolder } from '../src/load/discover.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { ROOT } from './support/sets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'policyc-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a generated module of more than 1,000 roles and users', () => {
  // Until the metadata arrays named their element type, tsc failed here with TS2590 ("union type
  // that is too complex to represent") from 1,009 roles or 1,211 users on, while `build` said ✔.
  it('type-checks under tsconfig.generated.json (1,100 roles, 1,300 users)', async () => {
    const policies = writeSyntheticSet(dir, 'big', {
      roles: 1100,
      permissions: 300,
      users: 1300,
      density: 0.05,
      seed: 15,
    });
    const diagnostics = new Diagnostics();
    const source = await readSetFolder(path.join(policies, 'big'), diagnostics);
    const compilation = compileSet(source, { outRoot: path.join(dir, 'generated') });
    expect(compilation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const index = compilation.files.find((f) => f.name === 'index.ts');
    expect(index?.text).toMatch(/^ {2}\{ id: "role-00000", .* \} as RoleMeta,$/m);
    writeFileSync(path.join(dir, 'index.ts'), index!.text);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(ROOT, 'tsconfig.generated.json'), include: [path.join(dir, 'index.ts')] }),
    );
    const tsc = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);
});
