import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import type { Log } from 'sarif';
import { afterEach, describe, expect, it } from 'vitest';
import { toSarif } from '../src/diagnostics/sarif.js';
import { analyzeCase, caseNames, loadCase } from './support/corpus.js';
import { runCli, tempWorkspace } from './support/cli.js';

// SARIF output (`check --format sarif`, `build --format sarif`) validated against the SARIF
// 2.1.0 JSON Schema (final, rtm.5) as published in the npm package @microsoft/jest-sarif
// (a devDependency; the schema is draft-04, hence ajv-draft-04).

const require = createRequire(import.meta.url);
const schemaFile = path.join(
  path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json',
);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
// A CommonJS module: its class is the `default` property of what the import gives.
const ajv = new ajvDraft04.default({
  allErrors: true,
  strict: false, // the schema's `language` pattern (`^[a-zA-Z]{2}|…]?$`) is not valid with the u flag
  unicodeRegExp: false,
});
ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/'));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validateSarif = ajv.compile(schema);

function expectValid(log: unknown): Log {
  const ok = validateSarif(log);
  expect(
    ok
      ? []
      : validateSarif.errors?.map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`),
  ).toEqual([]);
  return log as Log;
}

const workspaces: string[] = [];
afterEach(() => {
  for (const d of workspaces.splice(0)) rmSync(d, { recursive: true, force: true });
});
function workspace() {
  const w = tempWorkspace();
  workspaces.push(w.dir);
  return w;
}
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

describe('SARIF output', () => {
  it('the schema rejects what is not SARIF (the validator is not a no-op)', () => {
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validateSarif({ version: '2.0.0', runs: [] })).toBe(false);
  });

  it('check: a clean run is a valid log with no results (exit 0)', async () => {
    const r = await runCli(['check', 'policies', '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = expectValid(JSON.parse(r.stdout));
    expect(log.runs[0]?.tool.driver.name).toBe('policyc');
    expect(log.runs[0]?.results).toEqual([]);
  });

  it('check: errors become results with rule, level, message, hint and the exact region (exit 1)', async () => {
    const w = workspace();
    edit(path.join(w.policies, 'crm/roles/sales-agent.yaml'), 'inherits: [user]', 'inherits: [usr]');
    const r = await runCli(['check', w.policies, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = expectValid(JSON.parse(r.stdout));
    const run = log.runs[0]!;
    const result = run.results?.find((x) => x.ruleId === 'PC302');
    expect(result).toMatchObject({
      ruleId: 'PC302',
      level: 'error',
      message: { text: expect.stringMatching(/^unknown role `usr` .*\nhint: did you mean `user`\?$/s) as unknown },
    });
    const region = result?.locations?.[0]?.physicalLocation?.region;
    const uri = result?.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    expect(uri).toMatch(/crm\/roles\/sales-agent\.yaml$/);
    // The region underlines exactly the unknown name.
    const line =
      readFileSync(path.join(w.policies, 'crm/roles/sales-agent.yaml'), 'utf8').split('\n')[
        (region?.startLine ?? 0) - 1
      ] ?? '';
    expect(line.slice((region?.startColumn ?? 0) - 1, (region?.endColumn ?? 0) - 1)).toBe('usr');
    const rule = run.tool.driver.rules?.[result?.ruleIndex ?? -1];
    expect(rule).toMatchObject({ id: 'PC302', name: 'unknown-role', defaultConfiguration: { level: 'error' } });
  });

  it('build: stale output and policy errors are valid logs (exit 1)', async () => {
    const w = workspace();
    edit(path.join(w.generated, 'crm/manifest.json'), '"crm"', '"crm-stale"');
    const stale = await runCli(['build', w.policies, '--out', w.generated, '--check', '--format', 'sarif']);
    expect(stale.code).toBe(1);
    const log = expectValid(JSON.parse(stale.stdout));
    expect(log.runs[0]?.results?.map((x) => x.ruleId)).toEqual(['PC604']);

    edit(path.join(w.policies, 'crm/roles/team-lead.yaml'), 'records:update: group', 'records:updte: group');
    const broken = await runCli(['build', w.policies, '--out', w.generated, '--format', 'sarif']);
    expect(broken.code).toBe(1);
    expect(expectValid(JSON.parse(broken.stdout)).runs[0]?.results?.map((x) => x.ruleId)).toContain('PC301');
  });

  it('every case of the bad-input corpus gives a valid log, with one result per diagnostic', async () => {
    for (const name of caseNames()) {
      const analysis = await analyzeCase(loadCase(name));
      const log = expectValid(toSarif(analysis.diagnostics));
      expect(log.runs[0]?.results?.length, name).toBe(analysis.diagnostics.length);
    }
  });

  it('encodes file names as URIs and keeps the output byte-identical across runs', () => {
    const span = {
      file: 'policies/my set/roles/a#b.yaml',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 3,
      offset: 0,
      endOffset: 0,
    };
    const d = { code: 'PC301' as const, severity: 'error' as const, message: 'm', span };
    const log = expectValid(toSarif([d]));
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'policies/my%20set/roles/a%23b.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 4 },
    });
    expect(JSON.stringify(toSarif([d]))).toBe(JSON.stringify(log));
  });
});
