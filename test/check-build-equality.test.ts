import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
): Promise<{ check: string[]; build: string[]; checkCode: number; buildCode: number }> {
  const c = await runCli(['check', dir, '--out', out, '--format', 'json']);
  const b = await runCli(['build', dir, '--check', '--out', out, '--format', 'json']);
  const diagnostics = (text: string, what: string): JsonDiagnostic[] => {
    try {
      return (JSON.parse(text) as { sets: { diagnostics: JsonDiagnostic[] }[] }).sets.flatMap((s) => s.diagnostics);
    } catch {
      throw new Error(`${what} printed no JSON report:\n${text}`);
    }
  };
  return {
    check: diagnostics(c.stdout, 'check').map(key),
    build: diagnostics(b.stdout, 'build --check')
      .filter((d) => d.code !== 'PC604')
      .map(key),
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

describe('check and build --check agree on the shipped sets', () => {
  it.each(['policies/crm', 'policies/platform'])('%s', async (set) => {
    const r = await both(path.join(ROOT, set), path.join(ROOT, 'generated'));
    expect(r.check).toEqual(r.build);
    expect(r.checkCode).toBe(r.buildCode);
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
