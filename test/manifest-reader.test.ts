import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { vectorsJson } from '../src/cli/commands/vectors.js';
import { testVectors, type Vector } from '../src/vectors/vectors.js';
import { runCli } from './support/cli.js';
import { ROOT, shippedModel } from './support/sets.js';

// The manifest is enough for a service in another language: its JSON Schema holds for every
// manifest policyc writes, and the Python reference reader (standard library only) answers
// every test vector of both shipped sets as the generated module does.

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const schema = (name: string) =>
  ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas', name), 'utf8')) as object);
const validateManifest = schema('manifest-v1.schema.json');
const validateVectors = schema('vectors-v1.schema.json');
const READER = path.join(ROOT, 'readers/python/policyc_manifest.py');
const work = mkdtempSync(path.join(tmpdir(), 'policyc-reader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MANIFESTS = [
  'generated/crm/manifest.json',
  'generated/platform/manifest.json',
  'test/fixtures/golden/shop/generated/shop/manifest.json',
  'test/fixtures/golden/hostile/generated/hostile/manifest.json',
  'test/fixtures/golden/lifecycle/generated/lifecycle/manifest.json',
];
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;
const errorsOf = (v: typeof validateManifest) => (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

interface ModuleApi {
  check(roles: readonly string[], permission: string, scope?: string, targetIsSelf?: boolean): boolean;
  roleNo(id: string): number | undefined;
  subject(roles: readonly number[]): { canUse(collection: string, entry: string): boolean };
}

/** The generated module's answer to a vector, through its id-based API. */
function moduleAnswer(m: ModuleApi, v: Vector): boolean {
  if ('collection' in v) {
    const numbers = v.roles.map((r) => m.roleNo(r)).filter((n): n is number => n !== undefined);
    return m.subject(numbers).canUse(v.collection, v.entry);
  }
  return m.check(v.roles, v.permission, v.scope, v.self === true);
}

describe('schemas/manifest-v1.schema.json', () => {
  for (const file of MANIFESTS) {
    it(`holds for ${file}`, () => {
      const ok = validateManifest(readJson(file));
      expect(ok ? [] : errorsOf(validateManifest)).toEqual([]);
    });
  }

  it('rejects a manifest with an unknown field, a missing table or a broken hash', () => {
    const m = readJson(MANIFESTS[0]!);
    expect(validateManifest({ ...m, extra: 1 })).toBe(false);
    const { tables: _dropped, ...noTables } = m;
    expect(validateManifest(noTables)).toBe(false);
    expect(validateManifest({ ...m, set: { ...(m.set as object), hash: 'md5:00' } })).toBe(false);
  });
});

describe.each(['crm', 'platform'] as const)('test vectors of %s', (set) => {
  it('are valid, include out-of-domain questions (all denied), and the module agrees with every one', async () => {
    const vectors = testVectors(await shippedModel(set));
    const ok = validateVectors(JSON.parse(vectorsJson(vectors)));
    expect(ok ? [] : errorsOf(validateVectors)).toEqual([]);
    const outOfDomain = vectors.vectors.filter(
      (v) => v.note?.startsWith('unknown') || v.note?.startsWith('a scope on'),
    );
    expect(outOfDomain.length).toBeGreaterThan(30);
    expect(outOfDomain.filter((v) => v.allowed)).toEqual([]);
    expect(vectors.vectors.some((v) => v.allowed)).toBe(true);

    const m = (await import(path.join(ROOT, `generated/${set}/index.ts`))) as ModuleApi;
    const disagreements = vectors.vectors.filter((v) => moduleAnswer(m, v) !== v.allowed);
    expect(disagreements).toEqual([]);
  });

  it('the Python reader (readers/python, standard library only) agrees with every vector', async () => {
    const vectors = testVectors(await shippedModel(set));
    const file = path.join(work, `${set}.vectors.json`);
    writeFileSync(file, vectorsJson(vectors));
    const out = execFileSync('python3', [READER, path.join(ROOT, `generated/${set}/manifest.json`), file], {
      encoding: 'utf8',
    });
    expect(out).toBe(`${set} 1.0.0: ${vectors.vectors.length} passed, 0 failed\n`);
  });

  it('the Python reader notices a wrong answer (exit 1), so the agreement above means something', async () => {
    const vectors = testVectors(await shippedModel(set));
    const flipped = {
      ...vectors,
      vectors: vectors.vectors.map((v, i) => (i === 7 ? { ...v, allowed: !v.allowed } : v)),
    };
    const file = path.join(work, `${set}.flipped.json`);
    writeFileSync(file, vectorsJson(flipped));
    const r = spawnSync('python3', [READER, path.join(ROOT, `generated/${set}/manifest.json`), file], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${vectors.vectors.length - 1} passed, 1 failed`);
  });
});

describe('the Python reader and run-time roles', () => {
  it('role_schema() gives role.schema.json when it is the one the manifest records, and refuses another', () => {
    const py = (dir: string) =>
      spawnSync(
        'python3',
        [
          '-c',
          `from policyc_manifest import Manifest\nprint(Manifest.load(${JSON.stringify(path.join(dir, 'manifest.json'))}).role_schema()["title"])`,
        ],
        { encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(ROOT, 'readers/python') } },
      );
    const ok = py(path.join(ROOT, 'generated/crm'));
    expect(ok.stdout).toBe('A role defined at run time on crm 1.0.0\n');
    const copy = path.join(work, 'schema-mix');
    mkdirSync(copy, { recursive: true });
    writeFileSync(path.join(copy, 'manifest.json'), readFileSync(path.join(ROOT, 'generated/crm/manifest.json')));
    writeFileSync(
      path.join(copy, 'role.schema.json'),
      readFileSync(path.join(ROOT, 'generated/platform/role.schema.json')),
    );
    const mixed = py(copy);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr).toContain('ValueError: role.schema.json is not the schema of this build of crm');
  });
});

describe('policyc vectors', () => {
  it('writes <out>/<set>/vectors.json for every set, and prints one set', async () => {
    const out = path.join(work, 'out');
    const r = await runCli(['vectors', path.join(ROOT, 'policies'), '--out', out, '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ crm: \d+ questions \(\d+ allowed, \d+ denied\) → /);
    const crm = readFileSync(path.join(out, 'crm/vectors.json'), 'utf8');
    const printed = await runCli(['vectors', path.join(ROOT, 'policies/crm')]);
    expect(printed.stdout).toBe(crm);
    expect((await runCli(['vectors', path.join(ROOT, 'policies')])).code).toBe(2);
  });
});

describe('the README example of the Python reader', () => {
  it('runs and prints what the README shows', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const [, code, shown] =
      /```python\n([\s\S]*?)```\n\n```console\n\$ python3 example\.py\n([\s\S]*?)```/.exec(readme) ?? [];
    expect(code, 'README has the python example and its output').toBeDefined();
    const out = execFileSync('python3', ['-c', code ?? ''], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'readers/python') },
    });
    expect(out).toBe(shown);
  });
});
