import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBuild } from '../src/cli/commands/build.js';
import type { Io } from '../src/cli/io.js';
import { entries, hostileEntries, rewriteEntries } from './support/cache-entries.js';
import { tempWorkspace } from './support/cli.js';

const workspaces: string[] = [];
afterEach(() => {
  for (const d of workspaces.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped sets and their output, with a cache folder beside them. */
function workspace() {
  const w = tempWorkspace();
  workspaces.push(w.dir);
  return { ...w, cache: path.join(w.dir, 'cache') };
}

const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(file, text.replace(from, to));
};

/** `policyc build` in-process; the elapsed time is the one part of its output that may differ. */
async function build(
  w: ReturnType<typeof workspace>,
  options: { cache?: boolean; check?: boolean; cacheDir?: string; format?: 'human' | 'json' } = {},
): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    cwd: w.dir,
    env: {},
  };
  const code = await runBuild(io, {
    path: w.policies,
    out: w.generated,
    check: options.check ?? false,
    locked: false,
    format: options.format ?? 'human',
    color: false,
    cache: options.cache ?? true,
    cacheDir: options.cacheDir ?? w.cache,
  });
  return { code, stdout: stdout.replace(/ in \d+ ms/g, ' in N ms') };
}

/** Puts a warning (PC505: a grant the role already inherits) into crm, so that diagnostics are cached. */
function withWarning(w: ReturnType<typeof workspace>): void {
  edit(
    path.join(w.policies, 'crm/roles/sales-agent.yaml'),
    '    - calls:make-outbound\n',
    '    - calls:make-outbound\n    - records:view: own\n',
  );
}

describe('build cache', () => {
  it('records each set once and answers a warm build with the same output, positions and code frames included', async () => {
    const w = workspace();
    withWarning(w);
    const cold = await build(w, { cache: false });
    expect(cold.stdout).toMatch(/warning\[PC505\][^\n]*\n\s+--> [^\n]*sales-agent\.yaml:\d+:\d+/);
    expect(entries(w.cache)).toHaveLength(0);
    const first = await build(w);
    expect(entries(w.cache)).toHaveLength(2);
    const warm = await build(w);
    expect(first).toEqual(cold);
    expect(warm).toEqual(cold);
    const warmCheck = await build(w, { check: true });
    expect(warmCheck).toEqual(await build(w, { check: true, cache: false }));
    expect(warmCheck.stdout).toMatch(/crm .*up to date/);
    expect(await build(w, { format: 'json' })).toEqual(await build(w, { format: 'json', cache: false }));
  });

  it('is read on a warm build: a re-signed entry shows (nothing is compiled)', async () => {
    // What proves that the warm build did not compile: a forger who re-signs an entry is believed
    // about the counts it reports (the outputs still have to match), which is why the cache is kept
    // where only the build itself writes (see README: the cache trusts its folder like node_modules).
    const w = workspace();
    await build(w);
    rewriteEntries(w.cache, (e) => (e.record.roles = 12345), true);
    expect((await build(w)).stdout).toContain('12345 roles');
    expect((await build(w, { cache: false })).stdout).not.toContain('12345 roles');
  });

  it('answers the build after a first build that wrote the lockfile and every generated file', async () => {
    const w = workspace();
    rmSync(w.generated, { recursive: true, force: true });
    rmSync(path.join(w.policies, 'crm/policyc.lock.json'));
    const first = await build(w);
    expect(first.stdout).toMatch(/crm .*wrote 4 files/);
    rewriteEntries(w.cache, (e) => (e.record.roles = 12345), true);
    const r = await build(w);
    expect(r.stdout).toMatch(/crm .* 12345 roles.*unchanged/);
    expect(r.stdout).toMatch(/platform .* 12345 roles.*unchanged/);
  });

  it('recompiles a set whose input changed, and only that set', async () => {
    const w = workspace();
    await build(w);
    rewriteEntries(w.cache, (e) => (e.record.roles = 12345), true);
    withWarning(w);
    const r = await build(w);
    // platform still comes from the cache (its forged count shows); crm was compiled again.
    expect(r.stdout).toMatch(/crm .* 9 roles/);
    expect(r.stdout).toMatch(/platform .* 12345 roles/);
    expect(r.stdout).toContain('warning[PC505]');
  });

  it('never trusts an entry whose generated files changed on disk: --check still reports them stale', async () => {
    const w = workspace();
    await build(w);
    edit(path.join(w.generated, 'crm/index.ts'), 'export', 'export /* edited */');
    const r = await build(w, { check: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/generated\/crm\/index\.ts is stale/);
    expect(r).toEqual(await build(w, { check: true, cache: false }));
  });

  const hostile = hostileEntries((e) => (e.record.roles = 12345));
  it.each(hostile)('ignores an entry that is %s, builds as without a cache and repairs it', async (_, spoil) => {
    const w = workspace();
    withWarning(w);
    await build(w);
    spoil(w.cache);
    const expected = await build(w, { cache: false });
    const r = await build(w);
    expect(r).toEqual(expected);
    expect(r.stdout).not.toContain('12345');
    // the spoilt entries are replaced by good ones (a directory in the way stays, and is still ignored)
    const again = await build(w);
    expect(again).toEqual(expected);
  });

  it('builds normally when the cache folder cannot be written (a file is in the way)', async () => {
    const w = workspace();
    writeFileSync(w.cache, 'not a folder');
    const expected = await build(w, { cache: false });
    expect(await build(w)).toEqual(expected);
    expect(await build(w, { check: true })).toEqual(await build(w, { check: true, cache: false }));
    expect(readFileSync(w.cache, 'utf8')).toBe('not a folder');
  });

  it.skipIf(process.getuid?.() === 0)('builds normally when the cache folder is read-only', async () => {
    const w = workspace();
    mkdirSync(w.cache, { mode: 0o555 });
    const expected = await build(w, { cache: false });
    expect(await build(w)).toEqual(expected);
    expect(entries(w.cache)).toHaveLength(0);
  });

  it('follows no symlink: a symlinked cache folder is not used, a symlinked entry is neither read nor written through', async () => {
    const w = workspace();
    const elsewhere = path.join(w.dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, w.cache);
    const expected = await build(w, { cache: false });
    expect(await build(w)).toEqual(expected);
    expect(await build(w)).toEqual(expected);
    expect(readdirSync(elsewhere)).toEqual([]);

    // A real folder whose entries are symlinks to a file the build must not overwrite.
    const w2 = workspace();
    await build(w2);
    const victim = path.join(w2.dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    for (const f of entries(w2.cache)) {
      rmSync(path.join(w2.cache, f));
      symlinkSync(victim, path.join(w2.cache, f));
    }
    withWarning(w2);
    const expected2 = await build(w2, { cache: false });
    expect(await build(w2)).toEqual(expected2);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(await build(w2)).toEqual(expected2);
  });
});
