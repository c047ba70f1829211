import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/sets.js';

/**
 * The emitter copies the runtime from src/runtime/*.ts (src/emit/runtime.ts), so the installed
 * package must carry those files: the tarball is packed (from the current dist/), unpacked
 * outside the repository and its CLI builds a set into a module identical to the committed one.
 */
describe('the installed package', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'policyc-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the runtime sources and builds a module from them', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'src/runtime/api.ts',
        'src/runtime/bits.ts',
        'src/runtime/collection-table.ts',
        'dist/emit/runtime.js',
      ]),
    );
    expect(files.filter((f) => f.startsWith('src/') && !f.startsWith('src/runtime/'))).toEqual([]);
    const project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    execFileSync('tar', ['-xzf', path.join(dir, packed!.filename), '-C', path.join(project, 'node_modules')]);
    const pkg = path.join(project, 'node_modules', 'policyc');
    execFileSync('mv', [path.join(project, 'node_modules', 'package'), pkg]);
    // The package's dependencies, from this repository's node_modules.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    cpSync(path.join(ROOT, 'policies/crm'), path.join(project, 'policies/crm'), { recursive: true });
    execFileSync(process.execPath, [path.join(pkg, 'bin/policyc.js'), 'build', '--locked'], {
      cwd: project,
      encoding: 'utf8',
    });
    const built = readFileSync(path.join(project, 'generated/crm/index.ts'), 'utf8');
    expect(built).toContain('// ---- src/runtime/api.ts ----');
    expect(built).toBe(readFileSync(path.join(ROOT, 'generated/crm/index.ts'), 'utf8'));
  }, 120_000);
});
