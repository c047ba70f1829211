import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { baseFiles, loadCase, writeSet } from './support/corpus.js';
import { ROOT } from './support/sets.js';

/**
 * `policyc check` end to end through `main(argv, io)`: exit codes, the three output formats,
 * colour, and usage errors. The broken set is a corpus case written to a temporary folder.
 */

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line with a fake terminal (or not) and no colour-related environment. */
async function run(argv: string[], options: { tty?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    cwd: ROOT,
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const ANSI = /\u001b\[/;

let tmp: string;
/** A copy of corpus case 301: `users:veiw` in roles/agent.yaml, line 11, column 7. */
let broken: string;
/** The base set plus a dangling symbolic link. */
let linked: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'policyc-cli-check-'));
  broken = writeSet(path.join(tmp, 'broken'), loadCase('301-unknown-permission-typo').files);
  linked = writeSet(path.join(tmp, 'linked'), baseFiles());
  symlinkSync('../nowhere/auditor.yaml', path.join(linked, 'roles/auditor.yaml'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('policyc check on the shipped sets', () => {
  it('exits 0 and lists both sets', async () => {
    const r = await run(['check', 'policies']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ crm \(policies\/crm\): /);
    expect(r.stdout).toMatch(/✔ platform \(policies\/platform\): /);
    expect(r.stdout).not.toMatch(ANSI);
  });
});

describe('policyc check on a broken set', () => {
  it('exits 1 with file:line:column, a code frame, the underline and the hint', async () => {
    const r = await run(['check', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const file = `${broken.split(path.sep).join('/')}/roles/agent.yaml`;
    expect(r.stdout).toContain('error[PC301] unknown permission `users:veiw`');
    expect(r.stdout).toContain(`--> ${file}:11:7`);
    expect(r.stdout).toMatch(/> 11 \| {5}- users:veiw\n\s+\| {7}\^{10}\n/);
    expect(r.stdout).toContain('hint: did you mean `users:view`?');
    expect(r.stdout).toMatch(/✖ shop \(.*\): 1 error, 0 warnings/);
  });

  it('prints no colour codes when not on a terminal, and colour with --color', async () => {
    expect((await run(['check', broken])).stdout).not.toMatch(ANSI);
    expect((await run(['check', broken, '--color'])).stdout).toMatch(ANSI);
    expect((await run(['check', broken], { tty: true })).stdout).toMatch(ANSI);
    expect((await run(['check', broken, '--no-color'], { tty: true })).stdout).not.toMatch(ANSI);
    expect((await run(['check', broken], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('--format json prints one parseable document with the documented fields', async () => {
    const r = await run(['check', broken, '--format', 'json', '--color']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(ANSI);
    const report = JSON.parse(r.stdout) as {
      formatVersion: number;
      ok: boolean;
      sets: {
        name: string;
        dir: string;
        ok: boolean;
        errors: number;
        warnings: number;
        diagnostics: Record<string, unknown>[];
      }[];
    };
    expect(report).toMatchObject({ formatVersion: 1, ok: false });
    expect(report.sets).toHaveLength(1);
    expect(report.sets[0]).toMatchObject({ name: 'shop', ok: false, errors: 1, warnings: 0 });
    expect(report.sets[0]!.diagnostics).toEqual([
      {
        code: 'PC301',
        name: 'unknown-permission',
        severity: 'error',
        message: 'unknown permission `users:veiw`',
        file: `${report.sets[0]!.dir}/roles/agent.yaml`,
        line: 11,
        column: 7,
        endLine: 11,
        endColumn: 17,
        hint: 'did you mean `users:view`?',
      },
    ]);
  });

  it('--format github prints workflow commands GitHub turns into annotations', async () => {
    const r = await run(['check', broken, '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error file=[^,]*\/roles\/agent\.yaml,line=11,col=7,endColumn=17,title=PC301 unknown-permission::unknown permission `users:veiw`%0Ahint: did you mean `users:view`\?$/,
    );
  });

  it('reports a policy file it cannot read among the set’s other files', async () => {
    const r = await run(['check', linked]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'error[PC108] cannot read file: it is a symbolic link to ../nowhere/auditor.yaml, which does not exist',
    );
    expect(r.stdout).toContain('/roles/auditor.yaml:1:1');
  });
});

describe('policyc check usage errors', () => {
  it('exits 2 for a path that does not exist', async () => {
    const r = await run(['check', path.join(tmp, 'no-such-folder')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('error[PC902] no such folder');
  });

  it('exits 2 for a file instead of a folder', async () => {
    const r = await run(['check', path.join(broken, 'roles', 'agent.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('is a file; policyc reads policy sets by folder');
    // The hint names the set's folder (the one holding the PolicySet document), not the file's own.
    expect(r.stdout).toMatch(/hint: pass the folder of its set: \S*broken\/shop\n/);
  });

  it('exits 2 for a folder without policy sets, also in JSON', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    const r = await run(['check', empty, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      formatVersion: 1,
      ok: false,
      sets: [],
      diagnostics: [{ code: 'PC902', name: 'no-policy-sets', severity: 'error' }],
    });
  });

  it('exits 2 for an unknown option or format, and says why', async () => {
    const option = await run(['check', '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--frobnicate'");
    const format = await run(['check', broken, '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('xml');
    expect(format.stdout).toBe('');
  });
});

/**
 * The environment without colour: NO_COLOR set and FORCE_COLOR removed (vitest sets it; Node 24
 * warns on stderr when both are present, even when FORCE_COLOR is empty).
 */
function plainEnv(): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...env } = process.env;
  return { ...env, NO_COLOR: '1' };
}

// dist/ is rebuilt from the current source before the tests (test/support/global-setup.ts).
describe('the compiled policyc binary', () => {
  it('reports a broken set without a stack trace, exit 1', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/policyc.js'), 'check', broken], {
      encoding: 'utf8',
      env: plainEnv(),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('error[PC301] unknown permission `users:veiw`');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  });
});
