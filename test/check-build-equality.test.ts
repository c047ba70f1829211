import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, type DiagnosticCode } from '../src/diagnostics/codes.js';
import { runCli, tempWorkspace } from './support/cli.js';
import { caseNames, loadCase, writeSet } from './support/corpus.js';
import { ROOT } from './support/sets.js';

/**
 * `policyc check` reports what `policyc build --check` reports (issue 11): both run the same
 * pipeline up to and including allocation against the lockfile, so a pull request gated on
 * `check` cannot go green while the build breaks. Every corpus case, every shipped set and a set
 * that lost a role the lockfile knows go through both commands; the diagnostics must agree on
 * code, file, line and column. Only PC604 (generated/ is stale) is build's own: it is about
 * generated/, not the policies, and a corpus case has no generated/.
 */

interface JsonDiagnostic {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

const key = (d: JsonDiagnostic) => `${d.code} ${d.file ?? '-'}:${d.line ?? 0}:${d.column ?? 0}`;

async function both(
  dir: string,
  out: string,
): Promise<{ check: string[]; build: string[]; checkCode: number; buildCode: number; stale: boolean }> {
  const c = await runCli(['check', dir, '--out', out, '--format', 'json']);
  const b = await runCli(['build', dir, '--check', '--out', out, '--format', 'json']);
  const diagnostics = (text: string, what: string): JsonDiagnostic[] => {
    try {
      return (JSON.parse(text) as { sets: { diagnostics: JsonDiagnostic[] }[] }).sets.flatMap((s) => s.diagnostics);
    } catch {
      throw new Error(`${what} printed no JSON report:\n${text}`);
    }
  };
  const built = diagnostics(b.stdout, 'build --check');
  return {
    check: diagnostics(c.stdout, 'check').map(key),
    build: built.filter((d) => d.code !== 'PC604').map(key),
    stale: built.some((d) => d.code === 'PC604'),
    checkCode: c.code,
    buildCode: b.code,
  };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'policyc-equal-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const names = caseNames();

describe(`check and build --check agree on all ${names.length} corpus cases`, () => {
  it.each(names)('%s', async (name) => {
    const c = loadCase(name);
    const dir = writeSet(path.join(tmp, name), c.files);
    for (const [link, target] of Object.entries(c.spec.symlinks ?? {})) {
      mkdirSync(path.dirname(path.join(dir, link)), { recursive: true });
      symlinkSync(target, path.join(dir, link));
    }
    const r = await both(dir, path.join(tmp, name, 'generated'));
    expect(r.check).toEqual(r.build);
    expect(r.check.length).toBe(c.spec.expect.length);
    const errors = c.spec.expect.some((e) => CODES[e.code as DiagnosticCode].severity === 'error');
    expect(r.checkCode).toBe(errors ? 1 : 0);
    if (errors) expect(r.buildCode).toBe(1);
  });
});

/**
 * Every set the repository holds, found on disk rather than listed (a new one is covered without
 * editing this file): the shipped sets, each with its generated/, and the test fixtures' sets
 * (`test/fixtures/<name>/policies/<set>`, `test/fixtures/golden/<name>/policies/<set>`), each
 * with the generated/ folder beside its policies/ when it has one.
 */
function repositorySets(): { set: string; generated: string }[] {
  const sets: { set: string; generated: string }[] = [];
  const setsIn = (policies: string, generated: string) => {
    if (!existsSync(path.join(ROOT, policies))) return;
    for (const e of readdirSync(path.join(ROOT, policies), { withFileTypes: true }))
      if (e.isDirectory()) sets.push({ set: `${policies}/${e.name}`, generated });
  };
  setsIn('policies', 'generated');
  for (const root of ['test/fixtures', 'test/fixtures/golden'])
    for (const e of readdirSync(path.join(ROOT, root), { withFileTypes: true }))
      if (e.isDirectory()) setsIn(`${root}/${e.name}/policies`, `${root}/${e.name}/generated`);
  return sets.sort((a, b) => (a.set < b.set ? -1 : a.set > b.set ? 1 : 0));
}

const repository = repositorySets();

describe(`check and build --check agree on all ${repository.length} sets of the repository`, () => {
  it('finds the shipped sets and the fixtures', () => {
    const found = repository.map((r) => r.set);
    expect(found).toEqual(expect.arrayContaining(['policies/crm', 'policies/platform']));
    expect(found.filter((s) => s.startsWith('test/fixtures/')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(repository)('$set', async ({ set, generated }) => {
    const r = await both(path.join(ROOT, set), path.join(ROOT, generated));
    expect(r.check).toEqual(r.build);
    // A fixture without a committed lockfile or generated/ is stale for build --check (PC604) only.
    if (set.startsWith('policies/')) expect(r.stale).toBe(false);
    if (!r.stale) expect(r.checkCode).toBe(r.buildCode);
    else expect(r.buildCode).toBe(1);
  });

  it('a deleted role that the lockfile knows: PC601 from check as from build', async () => {
    const w = tempWorkspace();
    try {
      rmSync(path.join(w.policies, 'crm/roles/support-agent.yaml'));
      const assignments = path.join(w.policies, 'crm/assignments.yaml');
      writeFileSync(
        assignments,
        readFileSync(assignments, 'utf8').replaceAll('roles: [support-agent]', 'roles: [sales-agent]'),
      );
      const r = await both(path.join(w.policies, 'crm'), w.generated);
      expect(r.check).toEqual(r.build);
      expect(r.check).toHaveLength(1);
      expect(r.check[0]).toMatch(/^PC601 .*crm\/policyset\.yaml:\d+:\d+$/);
      expect(r.checkCode).toBe(1);
      expect(r.buildCode).toBe(1);
    } finally {
      rmSync(w.dir, { recursive: true, force: true });
    }
  });
});
