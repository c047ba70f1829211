import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formatPolicyYaml } from '../src/format/policy-yaml.js';
import { runCli } from './support/cli.js';
import { policySetArb } from './support/arbitrary.js';
import { ROOT } from './support/sets.js';

// Golden files, as OPA's formatter keeps them: `x.yaml` beside `x.yaml.formatted` (the layout
// policyc fmt writes) or `x.yaml.error` (what `policyc fmt --check` prints for a file it
// refuses). `UPDATE_GOLDEN=1 npx vitest run test/fmt.test.ts` accepts a deliberate change.

const FIXTURES = path.join(ROOT, 'test/fixtures/fmt');
const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const inputs = readdirSync(FIXTURES)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const update = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): void {
  if (update) writeFileSync(file, actual);
  expect(existsSync(file), `${relative(file)} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempCopy(from: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policyc-fmt-'));
  temps.push(dir);
  cpSync(from, dir, { recursive: true });
  return dir;
}

describe('policyc fmt: golden files', () => {
  for (const name of inputs) {
    const input = path.join(FIXTURES, name);
    const expectsError =
      existsSync(`${input}.error`) ||
      (update && readFileSync(input, 'utf8').match(/\t|&m|name: a\n {2}name: b/) !== null);
    if (expectsError) {
      it(`${name}: refused with a positioned error, left untouched`, async () => {
        const before = readFileSync(input, 'utf8');
        const r = await runCli(['fmt', relative(input), '--check', '--no-color']);
        expect(r.code).toBe(1);
        golden(`${input}.error`, r.stdout);
        expect(r.stdout).toMatch(new RegExp(`--> ${relative(input)}:\\d+:\\d+`));
        expect(r.stdout).not.toMatch(/\n\s+at /); // no stack trace
        expect(readFileSync(input, 'utf8')).toBe(before);
      });
    } else {
      it(`${name}: formats as ${name}.formatted, and formatting twice changes nothing`, () => {
        const once = formatPolicyYaml(readFileSync(input, 'utf8'));
        golden(`${input}.formatted`, once);
        expect(formatPolicyYaml(once)).toBe(once);
      });
    }
  }

  it('keeps every comment and the data of every document', () => {
    for (const name of inputs.filter((n) => existsSync(path.join(FIXTURES, `${n}.formatted`)))) {
      const before = readFileSync(path.join(FIXTURES, name), 'utf8');
      const after = readFileSync(path.join(FIXTURES, `${name}.formatted`), 'utf8');
      const data = (t: string) => parseAllDocuments(t).map((d) => (Array.isArray(d) ? d : d).toJS());
      expect(data(after), name).toEqual(data(before));
      const comments = (t: string) => t.split('\n').flatMap((l) => /#.*$/.exec(l)?.[0] ?? []);
      expect(comments(after), name).toEqual(comments(before));
    }
  });

  it('is idempotent and keeps the data on random policy sets', () => {
    fc.assert(
      fc.property(policySetArb(), (set) => {
        for (const [file, text] of Object.entries(set.files)) {
          const once = formatPolicyYaml(text);
          expect(formatPolicyYaml(once), file).toBe(once);
          expect(
            parseAllDocuments(once).map((d) => d.toJS()),
            file,
          ).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe('policyc fmt: the command', () => {
  it('finds the shipped sets formatted (--check)', async () => {
    const r = await runCli(['fmt', path.join(ROOT, 'policies'), '--check', '--no-color']);
    expect(r.stdout).toMatch(/^✔ \d+ files formatted$/m);
    expect(r.code).toBe(0);
  });

  it('--check lists the files that would change, writes nothing and exits 1; without it, writes them', async () => {
    const dir = tempCopy(path.join(ROOT, 'policies/crm'));
    const role = path.join(dir, 'roles/team-lead.yaml');
    // Four-space indentation, a blank line too many, a comment moved away from its line.
    const messy = readFileSync(role, 'utf8')
      .replaceAll('\n  ', '\n    ')
      .replace('group     #', 'group          #')
      .replace(/\n$/, '\n\n\n');
    writeFileSync(role, messy);
    const check = await runCli(['fmt', dir, '--check', '--no-color']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`would reformat ${role}`);
    expect(check.stdout).toMatch(/✖ 1 of \d+ files not formatted/);
    expect(readFileSync(role, 'utf8')).toBe(messy);

    const write = await runCli(['fmt', dir, '--no-color']);
    expect(write.code).toBe(0);
    expect(write.stdout).toContain(`formatted ${role}`);
    expect(readFileSync(role, 'utf8')).toBe(readFileSync(path.join(ROOT, 'policies/crm/roles/team-lead.yaml'), 'utf8'));
    expect((await runCli(['fmt', dir, '--check'])).code).toBe(0);
  });

  it('finds the starter set of `policyc init` formatted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policyc-fmt-'));
    temps.push(dir);
    expect((await runCli(['init', path.join(dir, 'shop')])).code).toBe(0);
    const r = await runCli(['fmt', path.join(dir, 'shop'), '--check', '--no-color']);
    expect(r.stdout).toBe('✔ 5 files formatted\n');
    expect(r.code).toBe(0);
  });

  it('formats a single file, and refuses what is not a policy file (exit 2)', async () => {
    const dir = tempCopy(path.join(FIXTURES));
    expect((await runCli(['fmt', path.join(dir, 'flow.yaml')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'flow.yaml'), 'utf8')).toBe(
      readFileSync(path.join(FIXTURES, 'flow.yaml.formatted'), 'utf8'),
    );
    const notYaml = path.join(dir, 'flow.yaml.formatted');
    const r = await runCli(['fmt', notYaml, '--no-color']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('is not a policy file');
  });
});
