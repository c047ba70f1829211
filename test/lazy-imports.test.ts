import { execFileSync } from 'node:child_process';
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
  it("`import 'policyc'` does not load ts-morph or TypeScript", () => {
    const loaded = loadedPackages("await import('./dist/index.js');");
    expect(loaded).toContain('yaml');
    expect(loaded).not.toContain('ts-morph');
    expect(loaded).not.toContain('typescript');
  });

  it('ts-morph is loaded by the first emit, and the emitted module is the same', () => {
    const loaded = loadedPackages(
      "const p = await import('./dist/index.js'); const c = p.compileSet(await p.readSetFolder('policies/crm'), { outRoot: 'generated' }); if (!c.files.some((f) => f.name === 'index.ts')) throw new Error('no module emitted');",
    );
    expect(loaded).toContain('ts-morph');
  });
});
