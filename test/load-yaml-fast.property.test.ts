import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { LineIndex, type SourceFile } from '../src/diagnostics/span.js';
import { decodeFile } from '../src/load/source.js';
import { type Pointer, parseYamlFile, type YamlDocument } from '../src/load/yaml.js';
import { parseFast } from '../src/load/yaml-fast.js';
import { yamlText } from './support/yaml-texts.js';

/**
 * The fast path of the YAML stage (src/load/yaml-fast.ts) against the Document path it replaces:
 * for every text, the same documents (values compared exactly: -0, NaN, key order, own
 * `__proto__`), the same span for every pointer and part, and the same diagnostics. The fast path
 * decides what roles grant, so the texts are hostile: every scalar style, numbers at the edges,
 * keys that look like something else, comments, odd indentation, CRLF, tabs, a byte order mark,
 * several documents, and random damage to all of it.
 */

function sourceFile(text: string): SourceFile {
  return { path: 'policies/x/role.yaml', text, lines: new LineIndex(text) };
}

interface Outcome {
  readonly docs: YamlDocument[];
  readonly diagnostics: unknown[];
}

function run(file: SourceFile, fastPath: boolean): Outcome {
  const diagnostics = new Diagnostics();
  const docs = parseYamlFile(file, diagnostics, { fastPath });
  return { docs, diagnostics: diagnostics.items };
}

/** A canonical text of a value that tells apart everything `toEqual` may not: -0, NaN, key order, prototypes, sparse arrays. */
function exact(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? 'num:-0' : `num:${String(value)}`;
  if (typeof value === 'string') return `str:${JSON.stringify(value)}`;
  if (typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  if (Array.isArray(value)) {
    const keys = Object.keys(value);
    return `[${value.length}|${keys.join(',')}|${value.map(exact).join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) === Object.prototype ? 'Object' : 'OTHER';
    const own = Reflect.ownKeys(value).map((k) => {
      const d = Object.getOwnPropertyDescriptor(value, k)!;
      return `${String(k)}${d.enumerable ? '' : '(hidden)'}${'value' in d ? '' : '(accessor)'}=${exact(d.value)}`;
    });
    return `${proto}{${own.join(',')}}`;
  }
  return `?${typeof value}`;
}

/** Every pointer into a value, and a few that lead nowhere, to compare `locate` on. */
function pointers(value: unknown, prefix: Pointer = [], out: Pointer[] = []): Pointer[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pointers(v, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, -1], [...prefix, 'x']);
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) pointers((value as Record<string, unknown>)[key], [...prefix, key], out);
    out.push([...prefix, 'no such key'], [...prefix, 0]);
  }
  return out;
}

/** Asserts that both paths agree on `text`; says whether the text is clean (no YAML diagnostics) and whether the fast path read it by itself. */
function expectSameOutcome(text: string): { clean: boolean; fast: boolean } {
  const file = sourceFile(text);
  const full = run(file, false);
  const fast = run(file, true);
  expect(fast.diagnostics).toEqual(full.diagnostics);
  expect(fast.docs.map((d) => d.index)).toEqual(full.docs.map((d) => d.index));
  fast.docs.forEach((doc, i) => {
    const other = full.docs[i]!;
    expect(exact(doc.value)).toBe(exact(other.value));
    for (const pointer of pointers(other.value)) {
      expect(doc.locate(pointer, 'value')).toEqual(other.locate(pointer, 'value'));
      expect(doc.locate(pointer, 'key')).toEqual(other.locate(pointer, 'key'));
    }
  });
  // PC105 (no document) is the file-level finding both paths make; every other one comes from yaml's errors.
  const clean = full.diagnostics.every((d) => (d as { code: string }).code === 'PC105');
  return { clean, fast: parseFast(text) !== undefined };
}

describe('the YAML fast path', () => {
  it('reads every generated text exactly as the Document path does, or leaves it to that path', () => {
    let fast = 0;
    let clean = 0;
    let errors = 0;
    fc.assert(
      fc.property(yamlText, (text) => {
        const outcome = expectSameOutcome(text);
        if (outcome.clean) clean++;
        else errors++;
        if (outcome.clean && outcome.fast) fast++;
        // Texts with a diagnostic always come from the Document path.
        if (!outcome.clean) expect(outcome.fast).toBe(false);
      }),
      { numRuns: 3000 },
    );
    // The comparison proves something only if both kinds of text are common and the fast path
    // reads most clean ones (it leaves tabs, directives, a byte order mark and keys that are not
    // strings to the Document path).
    expect(errors).toBeGreaterThan(300);
    expect(clean).toBeGreaterThan(300);
    expect(fast / clean).toBeGreaterThan(0.5);
  });

  it('agrees on hand-written edge cases', () => {
    // Clean texts the fast path must read by itself (so that the comparison tests it).
    const READ_FAST = [
      '__proto__: { polluted: true }\n',
      '{ __proto__: [1], constructor: 2 }\n',
      '[__proto__: x]\n',
      'a: -0\nb: 0o17\nc: 0x1f\nd: .nan\ne: -.inf\nf: 1e400\ng: 9007199254740993\nh: 1.50\n',
      'k:   # comment\n',
      '- \n-\n- # c\n',
      'a: [x, y, ]\n',
      '[a: 1, b: , c]\n',
      '[a: b #c\n , d]\n',
      '[a, #c\n b]\n',
      'k: [a, b] #c\n',
      'a: 1\n... # end\nb: 2\n',
      'a: |\n  text\n   more\nb: >-\n  folded\n  text\n',
      'a: "multi\n  line"\nb: plain\n  continued\n',
      'users:\n  - { name: user0, roles: [role-00330, role-01052] }\n',
    ];
    const cases = [
      ...READ_FAST,
      '',
      '# only a comment\n',
      '---\n',
      '--- ~\n',
      '---\n...\n',
      '...\n',
      'a: 1\n...\n---\nb: 2\n',
      'a: 1\n... # end\nb: 2\n',
      '--- a: 1\n',
      '--- [a]\n',
      '__proto__: { polluted: true }\n',
      '{ __proto__: [1], constructor: 2 }\n',
      '- __proto__: x\n',
      '[__proto__: x]\n',
      'a: -0\nb: 0o17\nc: 0x1f\nd: .nan\ne: -.inf\nf: 1e400\ng: 9007199254740993\nh: 1.50\n',
      'k:\n',
      'k:   # comment\n',
      'k: # c\n  # d\n',
      '- \n-\n- # c\n',
      'a:\n  - x\n  # trailing\nb: 1\n',
      'a:\n  b: 1\n # less indented comment\n  c: 2\n',
      'a: [x, y, ]\n',
      'a: [, x]\n',
      'a: {x: 1,, y: 2}\n',
      'a: {x}\n',
      'a: {x, y: 1}\n',
      '[a: 1, b: , : c]\n',
      '[a\n : 1]\n',
      '[a,#c\n b]\n',
      '{a: 1,#c\n b: 2}\n',
      '- x\n-#c\n',
      'k: [a, b]#c\n',
      '--- #c\na: 1\n',
      '---#c\na: 1\n',
      'a: [x,\ny]\n',
      'a: "x"#c\n',
      'a: [x]#c\n',
      'a: x #c\n',
      'a:\n\t- x\n',
      'a: x\t# c\n',
      '1: a\n"1": b\n',
      'true: a\n',
      'null: a\n',
      '~: a\n',
      ': v\n',
      '? a\n: b\n',
      'a: 1\na: 2\n',
      '{a: 1, a: 2}\n',
      "a: 1\n'a': 2\n",
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '<<: {a: 1}\n',
      '"<<": 1\n',
      '%YAML 1.2\n---\na: 1\n',
      '%TAG ! tag:x,2000:\n---\na: 1\n',
      '\uFEFFa: 1\n',
      'a: 1\r\nb:\r\n  - x\r\n',
      'a: |\n  text\n   more\nb: >-\n  folded\n  text\n',
      'a: |2\n   x\n',
      'a: |\n text\n',
      'a: "multi\n  line"\nb: plain\n  continued\n',
      'a: "\\q"\n',
      'a: "\\u00e9\\U0001F600\\x41"\n',
      `${'k'.repeat(1100)}: v\n`,
      `[${'k'.repeat(1100)}: v]\n`,
      `${'['.repeat(200)}${']'.repeat(200)}\n`,
      `${Array.from({ length: 80 }, (_, i) => `${' '.repeat(i * 2)}k:`).join('\n')} v\n`,
      'a:\n  b: 1\n c: 2\n',
      'a:\n  - x\n - y\n',
      '- a\nb: 1\n',
      'a: b: c\n',
      'a:\n  b\n  c: d\n',
      '- - - x\n',
      '- {a: [1, {b: c}]}\n',
      'users:\n  - { name: user0, roles: [role-00330, role-01052] }\n',
    ];
    for (const text of cases) {
      for (const variant of [text, text.replaceAll('\n', '\r\n')]) {
        try {
          const outcome = expectSameOutcome(variant);
          if (!outcome.clean) expect(outcome.fast).toBe(false);
          if (READ_FAST.includes(text)) expect(outcome.fast).toBe(true);
        } catch (error) {
          throw new Error(`for ${JSON.stringify(variant)}: ${(error as Error).message}`);
        }
      }
    }
  });

  it('agrees on every YAML file of the repository: policies, fixtures and the bad-input corpus', () => {
    const files: string[] = [];
    for (const dir of ['policies', 'test/fixtures', 'test/corpus', 'examples']) {
      let entries: string[] = [];
      try {
        entries = readdirSync(dir, { recursive: true }) as string[];
      } catch {
        continue;
      }
      for (const e of entries) if (/\.ya?ml$/.test(e)) files.push(path.join(dir, e));
    }
    expect(files.length).toBeGreaterThan(100);
    let fast = 0;
    for (const name of files) {
      const diagnostics = new Diagnostics();
      const decoded = decodeFile({ path: name, bytes: readFileSync(name) }, diagnostics);
      if (!decoded) continue;
      try {
        const outcome = expectSameOutcome(decoded.text);
        if (outcome.fast) fast++;
        if (!outcome.clean) expect(outcome.fast).toBe(false);
      } catch (error) {
        throw new Error(`for ${name}: ${(error as Error).message}`);
      }
    }
    // Every policy and fixture without a deliberate problem takes the fast path.
    expect(fast).toBeGreaterThan(files.length * 0.8);
  });
});
