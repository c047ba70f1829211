import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ROOT } from './sets.js';

/** Git with a fixed identity and clock and no user configuration, so commits are reproducible. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Policy Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Policy Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/**
 * A temporary git repository holding a copy of the shipped policies/ as its first commit
 * (on `main`, tagged `base`), for scripting a history of policy changes.
 */
export class ScratchRepo {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'policyc-diff-'));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'Policy Author');
    this.git('config', 'user.email', 'author@example.com');
    this.git('config', 'commit.gpgsign', 'false');
    cpSync(path.join(ROOT, 'policies'), path.join(this.dir, 'policies'), { recursive: true });
    this.commit('base: the shipped policy sets', 'base');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString(
      'utf8',
    );
  }

  file(relative: string): string {
    return path.join(this.dir, relative);
  }

  read(relative: string): string {
    return readFileSync(this.file(relative), 'utf8');
  }

  write(relative: string, text: string): void {
    writeFileSync(this.file(relative), text);
  }

  /** Replaces `from` (which must occur exactly once) by `to` in a file. */
  edit(relative: string, from: string, to: string): void {
    const text = this.read(relative);
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0)
      throw new Error(`expected exactly one ${JSON.stringify(from)} in ${relative}`);
    this.write(relative, text.slice(0, at) + to + text.slice(at + from.length));
  }

  remove(relative: string): void {
    rmSync(this.file(relative));
  }

  /** Commits everything and tags the commit. */
  commit(message: string, tag: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '-m', message);
    this.git('tag', tag);
    return this.git('rev-parse', 'HEAD').trim();
  }

  checkout(ref: string, create = false): void {
    this.git('checkout', '-q', ...(create ? ['-b'] : []), ref);
  }

  /** Runs the CLI in-process with this repository as the working directory. */
  async run(
    argv: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: Io = {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      cwd: this.dir,
      env,
    };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Replaces commit ids (full and short) so that golden files do not depend on them. */
export function normalizeCommits(text: string): string {
  return text.replace(/\b[0-9a-f]{40}\b/g, '<commit>').replace(/\(([0-9a-f]{7})\)/g, '(<commit>)');
}
