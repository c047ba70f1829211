import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './sets.js';

/** The newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );
}

/**
 * Vitest's global setup: rebuilds dist/ (`npm run build:src`) when any file of src/ or a build
 * setting is newer than it, so that the tests that spawn `bin/policyc.js` (which imports dist/)
 * or pack the package always run the current source, never a stale build.
 */
export default function setup(): void {
  const built = existsSync(path.join(ROOT, 'dist/cli/main.js'))
    ? statSync(path.join(ROOT, 'dist/cli/main.js')).mtimeMs
    : 0;
  const sources = Math.max(
    newest(path.join(ROOT, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs),
  );
  if (built >= sources) return;
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
}
