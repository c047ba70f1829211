import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/sets.js';

/** The CommonJS packages a fresh Node process has loaded after running `script` (an ES module). */
function loadedPackages(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `${script}\nimport { createRequire } from 'node:module';\nconst cache = createRequire(import.meta.url).cache;\nprocess.stdout.write(JSON.stringify(Object.keys(cache)));`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const names = (JSON.parse(out) as string[])
    .map((file) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1])
    .filter((n) => n !== undefined);
  return [...new Set(names)];
}

describe('start-up imports only what is used (dist/, built by `npm run build:src`)', () => {
  it("`import 'policyc'` loads neither ts-morph, TypeScript nor the YAML parser; reading a set loads the parser", () => {
    const loaded = loadedPackages("await import('./dist/index.js');");
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('ts-morph');
    expect(loaded).not.toContain('typescript');
    const analysed = loadedPackages(
      "const p = await import('./dist/index.js'); if (!p.analyzeSet(await p.readSetFolder('policies/crm')).model) throw new Error('no model');",
    );
    expect(analysed).toContain('yaml');
  });

  it('an emit loads ts-morph (its code writer prints the module), and so does loading a generated module', () => {
    const emitted = loadedPackages(
      "const p = await import('./dist/index.js'); const c = p.compileSet(await p.readSetFolder('policies/crm'), { outRoot: 'generated' }); if (!c.files.some((f) => f.name === 'index.ts')) throw new Error('no module emitted');",
    );
    expect(emitted).toContain('yaml');
    expect(emitted).toContain('ts-morph');
    const loaded = loadedPackages(
      "const p = await import('./dist/index.js'); const m = await p.loadGeneratedModule('export const x: number = 1;'); if (m.x !== 1) throw new Error('not loaded');",
    );
    expect(loaded).toContain('ts-morph');
  });
});

describe('the command line (bin/policyc.js, bundled in dist/bundle/ by `npm run build:src`) loads what its command needs', () => {
  /** The CommonJS packages one `policyc` run loaded, and its exit code. */
  function packagesLoadedBy(
    args: readonly string[],
    at: { cwd: string; env?: NodeJS.ProcessEnv } = { cwd: ROOT },
  ): { status: number | null; packages: string[] } {
    const dir = mkdtempSync(path.join(tmpdir(), 'policyc-probe-'));
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`\\nLOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));\n",
    );
    try {
      const run = spawnSync(process.execPath, ['--require', probe, path.join(ROOT, 'bin', 'policyc.js'), ...args], {
        cwd: at.cwd,
        env: at.env ?? process.env,
        encoding: 'utf8',
      });
      const files = JSON.parse(/LOADED (.*)/.exec(run.stderr)?.[1] ?? '[]') as string[];
      const names = files
        .map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1])
        .filter((n) => n !== undefined);
      return { status: run.status, packages: [...new Set(names)] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ['check', 'policies/crm'],
    ['explain', 'system-owner', 'users:view', '--set', 'crm'],
    ['access', 'system-owner', '--set', 'crm'],
    ['who-can', 'users:view'],
  ])('`policyc %s` loads neither ts-morph, TypeScript nor cucumber', (...args) => {
    const run = packagesLoadedBy(args);
    expect(run.status).toBe(0);
    for (const heavy of ['ts-morph', 'typescript', '@cucumber/cucumber']) expect(run.packages).not.toContain(heavy);
  });

  it.each([
    ['who-can', 'users:view'],
    ['explain', 'system-owner', 'users:view', '--set', 'crm'],
    ['access', 'system-owner', '--set', 'crm'],
    ['diff'],
    ['vectors', 'policies/crm'],
  ])(
    '`policyc %s` does not load the YAML parser when the parse cache knows every file (and does with --no-cache)',
    (...args) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'policyc-parse-cache-'));
      try {
        cpSync(path.join(ROOT, 'policies'), path.join(dir, 'policies'), { recursive: true });
        execFileSync('git', ['init', '-q'], { cwd: dir });
        execFileSync('git', ['add', '.'], { cwd: dir });
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'policies'], {
          cwd: dir,
        });
        // No node_modules above the folder: the cache goes to $XDG_CACHE_HOME/policyc.
        const at = { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') } };
        const first = packagesLoadedBy(args, at);
        expect(first.status).toBe(0);
        expect(first.packages).toContain('yaml');
        expect(readdirSync(path.join(dir, 'cache', 'policyc')).length).toBeGreaterThan(0);
        const second = packagesLoadedBy(args, at);
        expect(second.status).toBe(0);
        expect(second.packages).not.toContain('yaml');
        expect(packagesLoadedBy([...args, '--no-cache'], at).packages).toContain('yaml');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
