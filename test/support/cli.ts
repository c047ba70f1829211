import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ROOT } from './sets.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd: process.cwd(),
    env,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A temporary copy of the repository's policies/ (and generated/), for tests that write. */
export function tempWorkspace(): { dir: string; policies: string; generated: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'policyc-'));
  cpSync(path.join(ROOT, 'policies'), path.join(dir, 'policies'), { recursive: true });
  cpSync(path.join(ROOT, 'generated'), path.join(dir, 'generated'), { recursive: true });
  return { dir, policies: path.join(dir, 'policies'), generated: path.join(dir, 'generated') };
}
