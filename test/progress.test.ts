import { describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { PROGRESS_DELAY_MS, Progress } from '../src/cli/progress.js';

/** A fake terminal (or pipe) and a clock the test moves. */
function setup(tty: boolean, env: Record<string, string> = {}) {
  let stderr = '';
  let now = 0;
  const io: Io = {
    stdout: { write: () => true, isTTY: tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    cwd: '/',
    env,
  };
  return {
    io,
    clock: () => now,
    advance: (ms: number) => (now += ms),
    stderr: () => stderr,
  };
}

describe('build progress', () => {
  it('stays silent for the first second, then redraws one line in place, and erases it', () => {
    const s = setup(true);
    const p = new Progress(s.io, true, s.clock);
    p.update('building 1/3: a');
    expect(s.stderr()).toBe('');
    s.advance(PROGRESS_DELAY_MS);
    p.update('building 2/3: b');
    expect(s.stderr()).toBe('\r\x1b[2Kbuilding 2/3: b');
    p.clear();
    expect(s.stderr()).toBe('\r\x1b[2Kbuilding 2/3: b\r\x1b[2K');
    p.clear();
    expect(s.stderr()).toBe('\r\x1b[2Kbuilding 2/3: b\r\x1b[2K');
  });

  it('draws at once a step that is expected to be long on its own', () => {
    const s = setup(true);
    new Progress(s.io, true, s.clock).update('building 1/1: big', true);
    expect(s.stderr()).toBe('\r\x1b[2Kbuilding 1/1: big');
  });

  it.each([
    ['not a terminal', setup(false), true],
    ['in CI', setup(true, { CI: 'true' }), true],
    ['on a dumb terminal', setup(true, { TERM: 'dumb' }), true],
    ['when the format is not human (JSON, SARIF, GitHub)', setup(true), false],
  ])('never draws %s', (_, s, enabled) => {
    const p = new Progress(s.io, enabled, s.clock);
    s.advance(10 * PROGRESS_DELAY_MS);
    p.update('building 1/1: big', true);
    p.clear();
    expect(s.stderr()).toBe('');
  });
});

describe('policyc build of several sets', () => {
  it('prints each set as soon as it is done, before the next set is compiled', async () => {
    const { runBuild } = await import('../src/cli/commands/build.js');
    const { tempWorkspace } = await import('./support/cli.js');
    const { renameSync, rmSync } = await import('node:fs');
    const path = await import('node:path');
    const w = tempWorkspace();
    try {
      rmSync(w.generated, { recursive: true, force: true });
      let stdout = '';
      const seenAtPlatformWrite: string[] = [];
      const io: Io = {
        stdout: { write: (s: string) => (stdout += s), isTTY: false },
        stderr: { write: () => true, isTTY: false },
        cwd: w.dir,
        env: {},
      };
      const code = await runBuild(io, {
        path: w.policies,
        out: w.generated,
        check: false,
        locked: false,
        format: 'human',
        color: false,
        rename: (from, to) => {
          if (to.includes(`${path.sep}platform${path.sep}`)) seenAtPlatformWrite.push(stdout);
          renameSync(from, to);
        },
      });
      expect(code).toBe(0);
      expect(seenAtPlatformWrite.length).toBeGreaterThan(0);
      expect(seenAtPlatformWrite[0]).toMatch(/✔ crm .*wrote 3 files\n$/);
      expect(seenAtPlatformWrite[0]).not.toContain('platform');
      expect(stdout).toMatch(/✔ crm [^\n]*\n✔ platform [^\n]*\nBuilt 2 sets in \d+ ms/);
    } finally {
      rmSync(w.dir, { recursive: true, force: true });
    }
  });
});
