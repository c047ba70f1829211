import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_FORMAT_VERSION } from '../src/cli/commands/build.js';
import { CHECK_FORMAT_VERSION } from '../src/cli/check-report.js';
import { runCli } from './support/cli.js';
import { loadCase, writeSet } from './support/corpus.js';
import { ROOT } from './support/sets.js';

/**
 * The JSON of `check` and `build` against their published schemas (schemas/*-report-v1): real
 * output of clean sets, broken sets, stale output and no set at all must validate, and the
 * schemas' `formatVersion` must be the one the code writes.
 */

const schema = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'schemas', name), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(schema('diagnostic-v1.schema.json'));
const validateCheck = ajv.compile(schema('check-report-v1.schema.json'));
const validateBuild = ajv.compile(schema('build-report-v1.schema.json'));

function valid(validate: ValidateFunction, stdout: string): Record<string, unknown> {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  const ok = validate(report);
  expect(ok ? [] : validate.errors).toEqual([]);
  return report;
}

let tmp: string;
let broken: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'policyc-json-'));
  // A set with errors, warnings and related places: an unknown permission and a deleted role.
  broken = writeSet(path.join(tmp, 'broken'), loadCase('614-deleted-role-still-assigned').files);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('policyc check --format json', () => {
  it('validates for the shipped sets, with the format version the code declares', async () => {
    const r = await runCli([
      'check',
      path.join(ROOT, 'policies'),
      '--out',
      path.join(ROOT, 'generated'),
      '--format',
      'json',
    ]);
    const report = valid(validateCheck, r.stdout);
    expect(report.formatVersion).toBe(CHECK_FORMAT_VERSION);
    expect(report.ok).toBe(true);
  });

  it('validates for a broken set (diagnostics with positions and related places)', async () => {
    const r = await runCli(['check', broken, '--format', 'json']);
    const report = valid(validateCheck, r.stdout) as { sets: { diagnostics: { related?: unknown[] }[] }[] };
    expect(r.code).toBe(1);
    expect(report.sets[0]!.diagnostics.some((d) => (d.related ?? []).length > 0)).toBe(true);
  });

  it('validates when no set is found (the problems at the top level)', async () => {
    const r = await runCli(['check', path.join(tmp, 'nothing-here'), '--format', 'json']);
    const report = valid(validateCheck, r.stdout) as { diagnostics?: unknown[] };
    expect(r.code).toBe(2);
    expect(report.diagnostics?.length).toBeGreaterThan(0);
  });
});

describe('policyc build --format json', () => {
  it('validates for build --check of the shipped sets, with the format version the code declares', async () => {
    const r = await runCli([
      'build',
      path.join(ROOT, 'policies'),
      '--check',
      '--out',
      path.join(ROOT, 'generated'),
      '--format',
      'json',
    ]);
    const report = valid(validateBuild, r.stdout);
    expect(report.formatVersion).toBe(BUILD_FORMAT_VERSION);
    expect(report.check).toBe(true);
  });

  it('validates for stale output, then for a build that writes it', async () => {
    const out = path.join(tmp, 'generated');
    const set = path.join(tmp, 'crm');
    cpSync(path.join(ROOT, 'policies/crm'), set, { recursive: true });
    const stale = await runCli(['build', set, '--check', '--out', out, '--format', 'json']);
    expect(stale.code).toBe(1);
    const staleReport = valid(validateBuild, stale.stdout) as { sets: { stale: string[] }[] };
    expect(staleReport.sets[0]!.stale.length).toBeGreaterThan(0);
    const built = await runCli(['build', set, '--out', out, '--format', 'json']);
    expect(built.code).toBe(0);
    const builtReport = valid(validateBuild, built.stdout) as { sets: { written: string[]; hash: string }[] };
    expect(builtReport.sets[0]!.written.length).toBeGreaterThan(0);
    expect(builtReport.sets[0]!.hash).toMatch(/^sha256:/);
  });

  it('validates for a broken set (hash null, nothing written)', async () => {
    const r = await runCli(['build', broken, '--out', path.join(tmp, 'generated-broken'), '--format', 'json']);
    const report = valid(validateBuild, r.stdout) as { sets: { hash: unknown; written: unknown[] }[] };
    expect(r.code).toBe(1);
    expect(report.sets[0]).toMatchObject({ hash: null, written: [] });
  });
});
