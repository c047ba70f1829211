import { prng } from '../../bench/synthetic.js';
import { analyzeSet } from '../../src/analyze.js';
import { compileSet } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { SetSource } from '../../src/load/source.js';
import { SET_NAME, baseFiles, toSetSource } from './corpus.js';

/**
 * Tampered lockfiles for the hostile-repository tests: the corpus base set (`shop`), its
 * lockfile as `policyc build` writes it, and many ways a pull request can change that lockfile.
 */

export const LOCK_PATH = `${SET_NAME}/policyc.lock.json`;

/** The base set as read from disk, with a lockfile. */
export function withLockfile(bytes: Uint8Array | string): SetSource {
  return {
    ...toSetSource(baseFiles()),
    lockfile: { path: LOCK_PATH, bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes },
  };
}

/** The base set with one more permission (the tampering in the issue needs a fresh number). */
export function withNewPermission(lock: string): SetSource {
  const files = baseFiles();
  const perms = new TextDecoder().decode(files.get('catalog/permissions.yaml')!);
  const add = perms.replace(/(\n\s*permissions:\s*\n)/, '$1    - { id: orders:view-archive, title: View Archive }\n');
  if (add === perms) throw new Error('catalog/permissions.yaml: no permissions list to extend');
  files.set('catalog/permissions.yaml', new TextEncoder().encode(add));
  return { ...toSetSource(files), lockfile: { path: LOCK_PATH, bytes: new TextEncoder().encode(lock) } };
}

/** The lockfile `policyc build` writes for the base set. */
export function freshLockfile(): string {
  const c = compileSet(toSetSource(baseFiles()), { outRoot: 'generated' });
  if (!c.ok || !c.lockfile)
    throw new Error(`the corpus base does not build: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return c.lockfile.text;
}

/** One tampering: a name and the bytes of the tampered lockfile; `valid` when the result is still a correct lockfile. */
export interface Tampering {
  readonly name: string;
  readonly text: string | Uint8Array;
  /** The tampering must be refused (a PC6xx error); false when it may be accepted (random flips). */
  readonly mustFail: boolean;
}

type Json = Record<string, unknown>;

/** Every tampering: structural edits of each table, odd values, odd files, and seeded random byte edits. */
export function tamperings(fresh: string): Tampering[] {
  const out: Tampering[] = [];
  const base = JSON.parse(fresh) as Json;
  const edit = (name: string, f: (doc: Json) => void, mustFail = true) => {
    const doc = structuredClone(base);
    f(doc);
    out.push({ name, text: `${JSON.stringify(doc, null, 2)}\n`, mustFail });
  };
  const tables: [string, (d: Json) => Json][] = [
    ['permissions', (d) => d.permissions as Json],
    ['roles', (d) => d.roles as Json],
    ['scopes', (d) => d.scopes as Json],
    ...Object.keys(base.collections as Json).map((c): [string, (d: Json) => Json] => [
      `collections.${c}`,
      (d) => (d.collections as Json)[c] as Json,
    ]),
  ];
  const odd: [string, unknown][] = [
    ['-1', -1],
    ['0.5', 0.5],
    ['2000000000', 2_000_000_000],
    ['50000000', 50_000_000],
    ['1e300', 1e300],
    ['2^53', 2 ** 53],
    ['a string', '3'],
    ['null', null],
    ['true', true],
    ['an object', {}],
    ['a list', [1]],
  ];
  for (const [t, get] of tables) {
    for (const [label, v] of odd) edit(`${t}.next = ${label}`, (d) => void (get(d).next = v));
    edit(`${t}.next missing`, (d) => void delete get(d).next);
    edit(`${t}: unknown field`, (d) => void (get(d).extra = 1));
    for (const part of ['active', 'reserved']) {
      edit(`${t}.${part} missing`, (d) => void delete get(d)[part]);
      edit(`${t}.${part} is a list`, (d) => void (get(d)[part] = []));
      edit(`${t}.${part} is null`, (d) => void (get(d)[part] = null));
    }
    const active = Object.keys((get(base) as { active: Json }).active);
    if (active.length > 0) {
      const first = active[0]!;
      for (const [label, v] of odd)
        edit(`${t}.active.${first} = ${label}`, (d) => void ((get(d).active as Json)[first] = v));
      edit(`${t}.active.${first} = next`, (d) => void ((get(d).active as Json)[first] = get(d).next));
      edit(`${t}.active.${first} also reserved`, (d) => void ((get(d).reserved as Json)[first] = 999));
      edit(
        `${t}: a reserved key with a number in use`,
        (d) => void ((get(d).reserved as Json).gone = (get(d).active as Json)[first]),
      );
      edit(`${t}: a key with an escape character`, (d) => void ((get(d).active as Json)['x\u001b[2K'] = get(d).next));
      edit(`${t}: an empty key`, (d) => void ((get(d).reserved as Json)[''] = get(d).next));
      edit(
        `${t}: __proto__ at a fresh number`,
        (d) => {
          const n = get(d).next as number;
          Object.defineProperty(get(d).reserved, '__proto__', {
            value: n,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          get(d).next = n + 1;
        },
        false,
      );
      if (active.length > 1)
        edit(
          `${t}: two keys share a number`,
          (d) => void ((get(d).active as Json)[active[1]!] = (get(d).active as Json)[first]),
        );
      edit(
        `${t}: the first key removed, next kept (renumbers it: --locked catches it)`,
        (d) => void delete (get(d).active as Json)[first],
        false,
      );
      edit(`${t}: a gap below next (hand merge)`, (d) => void (get(d).next = (get(d).next as number) + 3), false);
    }
    edit(`${t} is a list`, (d) => {
      const path = t.split('.');
      const parent = path.length === 1 ? d : (d.collections as Json);
      parent[path[path.length - 1]!] = [];
    });
  }
  edit('set is another set', (d) => void (d.set = 'crm'));
  edit('set is a number', (d) => void (d.set = 42));
  edit('set missing', (d) => void delete d.set);
  edit('set has an escape character', (d) => void (d.set = 'shop\u001b[2K'));
  edit('lockfileVersion 2', (d) => void (d.lockfileVersion = 2));
  edit('lockfileVersion "1"', (d) => void (d.lockfileVersion = '1'));
  edit('lockfileVersion missing', (d) => void delete d.lockfileVersion);
  edit('unknown top-level field', (d) => void (d.owner = 'mallory'));
  edit('collections is a list', (d) => void (d.collections = []));
  edit('collections missing', (d) => void delete d.collections);
  edit(
    'an unknown collection with a huge next',
    (d) => void ((d.collections as Json).ghosts = { next: 2_000_000_000, active: {}, reserved: {} }),
  );
  edit(
    'permissions: 5000 reserved keys, next 20000 (allowed: within 4x)',
    (d) => {
      const t = d.permissions as Json;
      const n = t.next as number;
      for (let i = 0; i < 5000; i++) (t.reserved as Json)[`old:p${i}`] = n + i;
      t.next = n + 5000;
    },
    false,
  );

  const whole: [string, string | Uint8Array][] = [
    ['empty file', ''],
    ['null', 'null'],
    ['a list', '[]'],
    ['a number', '42'],
    ['a string', '"lock"'],
    ['truncated', fresh.slice(0, Math.floor(fresh.length / 2))],
    ['a duplicate key', fresh.replace('"lockfileVersion": 1,', '"lockfileVersion": 1,\n  "lockfileVersion": 1,')],
    ['a duplicate table key', fresh.replace('"roles": {', '"roles": {},\n  "roles": {')],
    ['a duplicate number key', fresh.replace(/("active": \{\n\s*)("[^"]+": \d+)/, '$1$2,\n      $2')],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['deep object nesting', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['binary bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0xc0, 0xaf])],
    ['UTF-8 BOM', `\ufeff${fresh}`],
    [
      'invalid UTF-8 in a key',
      new Uint8Array([
        ...new TextEncoder().encode(fresh.slice(0, fresh.indexOf('"active": {') + 12)),
        0x22,
        0xc3,
        0x28,
        0x22,
        0x3a,
        0x31,
        0x2c,
        ...new TextEncoder().encode(fresh.slice(fresh.indexOf('"active": {') + 12)),
      ]),
    ],
    ['9 MiB of spaces', `${fresh}${' '.repeat(9 * 1024 * 1024)}`],
    ['a NUL in a string', fresh.replace('"set": "shop"', '"set": "sh\\u0000op"')],
  ];
  for (const [name, text] of whole) out.push({ name: `whole file: ${name}`, text, mustFail: name !== 'UTF-8 BOM' });

  // Seeded random edits: change, delete or insert one byte from a small alphabet, 1 to 3 times.
  const rnd = prng(13);
  const alphabet = '0123456789-.e{}[]":, \nx';
  for (let i = 0; i < 400; i++) {
    const chars = [...fresh];
    const edits = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rnd() * chars.length);
      const c = alphabet[Math.floor(rnd() * alphabet.length)]!;
      const op = rnd();
      if (op < 0.4) chars[at] = c;
      else if (op < 0.7) chars.splice(at, 1);
      else chars.splice(at, 0, c);
    }
    const text = chars.join('');
    if (text !== fresh) out.push({ name: `random edit #${i}`, text, mustFail: false });
  }
  return out;
}

/** What check (analysis) and build (compilation) report for a source, and how much build would write. */
export function checkAndBuild(source: SetSource): {
  check: readonly Diagnostic[];
  build: readonly Diagnostic[];
  bytes: number;
} {
  const check = analyzeSet(source).diagnostics;
  const c = compileSet(source, { outRoot: 'generated' });
  const bytes = [...c.files, ...(c.lockfile ? [c.lockfile] : [])].reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  return { check, build: c.diagnostics, bytes };
}
