import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../src/cli/commands/check.js';
import type { Io } from '../src/cli/io.js';
import { entries, hostileEntries, rewriteEntries } from './support/cache-entries.js';
import { tempWorkspace } from './support/cli.js';
import { ROOT } from './support/sets.js';

/**
 * `policyc check` answers an unchanged set from the build cache's `check` entries
 * (src/cache/check-record.ts): its output must be byte for byte the output without the cache, in
 * every format, and an entry it cannot trust must be ignored.
 */

const folders: string[] = [];
afterEach(() => {
  for (const d of folders.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace() {
  const w = tempWorkspace();
  folders.push(w.dir);
  return { ...w, cache: path.join(w.dir, 'cache') };
}

type Format = 'human' | 'json' | 'sarif' | 'github';

/** `policyc check` in-process: exit code, stdout and stderr. */
async function check(
  cwd: string,
  target: string,
  options: { cacheDir: string; cache?: boolean; format?: Format; color?: boolean; out?: string; timings?: boolean },
): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    cwd,
    env: {},
  };
  const code = await runCheck(io, {
    path: target,
    out: options.out ?? 'generated',
    format: options.format ?? 'human',
    color: options.color ?? false,
    cache: options.cache ?? true,
    cacheDir: options.cacheDir,
  });
  return { code, stdout };
}

/** What --timings prints to stderr (the table's figures vary; the cache line does not). */
async function stderrOf(cwd: string, target: string, cacheDir: string): Promise<string> {
  let stderr = '';
  const io: Io = {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd,
    env: {},
  };
  await runCheck(io, {
    path: target,
    out: 'generated',
    format: 'human',
    color: false,
    timings: true,
    cacheDir,
    cache: true,
  });
  return stderr;
}

function tempCache(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policyc-check-cache-'));
  folders.push(dir);
  return path.join(dir, 'cache');
}

describe('check cache', () => {
  it.each<[Format, boolean]>([
    ['human', false],
    ['human', true],
    ['json', false],
    ['sarif', false],
    ['github', false],
  ])(
    'answers the error corpus (errors, warnings, code frames, undecodable files) byte for byte as without the cache: %s, color %s',
    async (format, color) => {
      const cacheDir = tempCache();
      const expected = await check(ROOT, 'test/corpus', { cacheDir, cache: false, format, color });
      expect(expected.code).toBe(1);
      if (format === 'human' && !color)
        expect(expected.stdout).toMatch(/error\[PC\d+\][^\n]*\n\s+--> [^\n]*:\d+:\d+\n\s+\d+ \|/);
      expect(entries(cacheDir)).toHaveLength(0);
      const miss = await check(ROOT, 'test/corpus', { cacheDir, format, color });
      const sets = entries(cacheDir).length;
      expect(sets).toBeGreaterThan(50);
      const hit = await check(ROOT, 'test/corpus', { cacheDir, format, color });
      expect(miss).toEqual(expected);
      expect(hit).toEqual(expected);
      expect(entries(cacheDir)).toHaveLength(sets);
    },
  );

  it('answers sets whose files cannot be decoded and whose lockfile is wrong as without the cache', async () => {
    const w = workspace();
    // Latin-1 (no code frame: the file is not text) and a lockfile of another set (framed).
    writeFileSync(
      path.join(w.policies, 'crm/roles/latin1.yaml'),
      Buffer.from('metadata:\n  name: caf\xe9\n', 'latin1'),
    );
    const lock = path.join(w.policies, 'platform/policyc.lock.json');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace('"set": "platform"', '"set": "other"'));
    for (const format of ['human', 'json', 'sarif', 'github'] as const) {
      const expected = await check(w.dir, 'policies', { cacheDir: w.cache, cache: false, format });
      expect(expected.stdout).toContain('PC106');
      expect(expected.stdout).toContain('policyc.lock.json');
      expect(await check(w.dir, 'policies', { cacheDir: w.cache, format })).toEqual(expected);
      expect(await check(w.dir, 'policies', { cacheDir: w.cache, format })).toEqual(expected);
    }
    expect(entries(w.cache)).toHaveLength(2);
  });

  it('is read: --timings names the sets the cache answered, and a re-signed entry shows', async () => {
    const w = workspace();
    const first = await stderrOf(w.dir, 'policies', w.cache);
    expect(first).toMatch(/^stage/);
    expect(first).not.toContain('answered from');
    expect(await stderrOf(w.dir, 'policies', w.cache)).toBe(
      'crm, platform: answered from the build cache (--no-cache times every stage)\n',
    );
    rewriteEntries(w.cache, (e) => (e.record.model.summary = 'forged'), true);
    expect((await check(w.dir, 'policies', { cacheDir: w.cache })).stdout).toContain(': forged');
    expect((await check(w.dir, 'policies', { cacheDir: w.cache, cache: false })).stdout).not.toContain('forged');
  });

  it('analyses a set again when one of its files or its lockfile changes, and only that set', async () => {
    const w = workspace();
    await check(w.dir, 'policies', { cacheDir: w.cache });
    rewriteEntries(w.cache, (e) => e.record.model && (e.record.model.summary = 'forged'), true);
    const role = path.join(w.policies, 'crm/roles/sales-agent.yaml');
    writeFileSync(
      role,
      readFileSync(role, 'utf8').replace(
        '    - calls:make-outbound\n',
        '    - calls:make-outbound\n    - records:view: own\n',
      ),
    );
    const r = await check(w.dir, 'policies', { cacheDir: w.cache });
    expect(r.stdout).toContain('warning[PC505]');
    expect(r.stdout).toMatch(/✔ crm [^\n]*49 permissions/);
    expect(r.stdout).toMatch(/✔ platform [^\n]*: forged/);

    const lock = path.join(w.policies, 'platform/policyc.lock.json');
    writeFileSync(lock, `${readFileSync(lock, 'utf8')}\n`);
    const again = await check(w.dir, 'policies', { cacheDir: w.cache });
    expect(again.stdout).not.toContain('forged');
  });

  it('runs the generated-output consistency check (PC606) on every run, cache or not', async () => {
    const w = workspace();
    expect((await check(w.dir, 'policies', { cacheDir: w.cache })).code).toBe(0);
    // A manifest of another build beside the module: what an interrupted build leaves.
    const manifest = path.join(w.generated, 'crm/manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/sha256:[0-9a-f]{64}/, `sha256:${'0'.repeat(64)}`));
    for (const format of ['human', 'json', 'sarif', 'github'] as const) {
      const expected = await check(w.dir, 'policies', { cacheDir: w.cache, cache: false, format });
      expect(expected.code).toBe(1);
      expect(expected.stdout).toContain('PC606');
      expect(await check(w.dir, 'policies', { cacheDir: w.cache, format })).toEqual(expected);
    }
    // A manifest whose numbers the lockfile does not record: the lockfile's numbers come from the entry.
    const w2 = workspace();
    await check(w2.dir, 'policies', { cacheDir: w2.cache });
    const m2 = path.join(w2.generated, 'crm/manifest.json');
    const json = JSON.parse(readFileSync(m2, 'utf8'));
    json.roles[0].no = 999;
    writeFileSync(m2, JSON.stringify(json, null, 2));
    const expected = await check(w2.dir, 'policies', { cacheDir: w2.cache, cache: false });
    expect(expected.stdout).toMatch(/does not match the lockfile: role/);
    expect(await check(w2.dir, 'policies', { cacheDir: w2.cache })).toEqual(expected);
  });

  const hostile: [string, (dir: string) => void][] = [
    ...hostileEntries((e) => e.record.model && (e.record.model.summary = 'forged')),
    [
      'of another shape (a diagnostic without a position that adds up)',
      (dir) =>
        rewriteEntries(
          dir,
          (e) => {
            e.record.model.summary = 'forged';
            e.record.diagnostics = [
              { code: 'PC505', severity: 'warning', message: 'x', span: { file: 'a', line: -1 } },
            ];
          },
          true,
        ),
    ],
    [
      'of another shape (lockfile numbers that are not numbers)',
      (dir) =>
        rewriteEntries(
          dir,
          (e) => {
            e.record.model.summary = 'forged';
            if (e.record.lockfile) e.record.lockfile.roles.active = [['x', 'y']];
          },
          true,
        ),
    ],
  ];
  it.each(hostile)('ignores an entry that is %s and checks as without a cache', async (_, spoil) => {
    const w = workspace();
    await check(w.dir, 'policies', { cacheDir: w.cache });
    expect(entries(w.cache)).toHaveLength(2);
    spoil(w.cache);
    const expected = await check(w.dir, 'policies', { cacheDir: w.cache, cache: false });
    const r = await check(w.dir, 'policies', { cacheDir: w.cache });
    expect(r).toEqual(expected);
    expect(r.stdout).not.toContain('forged');
    expect(await check(w.dir, 'policies', { cacheDir: w.cache })).toEqual(expected);
  });

  it('follows no symlink: a symlinked cache folder is not used, a symlinked entry is neither read nor written through', async () => {
    const w = workspace();
    const elsewhere = path.join(w.dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, w.cache);
    const expected = await check(w.dir, 'policies', { cacheDir: w.cache, cache: false });
    expect(await check(w.dir, 'policies', { cacheDir: w.cache })).toEqual(expected);
    expect(readdirSync(elsewhere)).toEqual([]);

    const w2 = workspace();
    await check(w2.dir, 'policies', { cacheDir: w2.cache });
    const victim = path.join(w2.dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    for (const f of entries(w2.cache)) {
      rmSync(path.join(w2.cache, f));
      symlinkSync(victim, path.join(w2.cache, f));
    }
    const expected2 = await check(w2.dir, 'policies', { cacheDir: w2.cache, cache: false });
    expect(await check(w2.dir, 'policies', { cacheDir: w2.cache })).toEqual(expected2);
    expect(await check(w2.dir, 'policies', { cacheDir: w2.cache })).toEqual(expected2);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('keeps check and build entries apart: a build entry never answers check, nor a check entry build', async () => {
    const w = workspace();
    await check(w.dir, 'policies', { cacheDir: w.cache });
    const { runBuild } = await import('../src/cli/commands/build.js');
    const io: Io = {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: () => true, isTTY: false },
      cwd: w.dir,
      env: {},
    };
    await runBuild(io, {
      path: 'policies',
      out: 'generated',
      check: true,
      locked: true,
      format: 'human',
      color: false,
      cache: true,
      cacheDir: w.cache,
    });
    expect(entries(w.cache)).toHaveLength(4);
    expect((await check(w.dir, 'policies', { cacheDir: w.cache })).code).toBe(0);
  });
});
