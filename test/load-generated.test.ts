import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { eraseTypes } from '../src/emit/erase-types.js';
import { generatedModuleJs, loadGeneratedModule, splitGeneratedModule } from '../src/emit/load.js';
import { runtimeSource } from '../src/emit/runtime.js';

const wholeJs = (source: string) =>
  ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: false,
  }).outputText;
const importJs = (js: string) =>
  import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`) as Promise<Record<string, unknown>>;
/**
 * Code without comments, blank lines and empty statements, as the compiler prints it: the JavaScript
 * of an eraser goes through the compiler too (JavaScript is TypeScript), so layout does not count.
 * The compiler also drops the parentheses an assertion had (`(id as string)`): so does this.
 */
const tokens = (code: string) =>
  ts
    .transpileModule(code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
      reportDiagnostics: false,
    })
    .outputText.split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== ';' && l !== '"use strict";' && l !== 'export {};')
    .join('\n')
    .replace(/(?<![\w$)\]])\(([\w$]+)\)/g, '$1');

interface Loose {
  Role: Record<string, number>;
  Permission: Record<string, number>;
  Scope: Record<string, number>;
  can(role: number, permission: number, scope?: number, self?: boolean): boolean;
}

describe('loadGeneratedModule strips the runtime once and the set around it by statement', () => {
  it.each(['crm', 'platform'])(
    'finds the runtime in generated/%s/index.ts; its JavaScript answers as the compiled module does',
    async (set) => {
      const source = readFileSync(`generated/${set}/index.ts`, 'utf8');
      const parts = splitGeneratedModule(source);
      expect(parts).toHaveLength(5);
      expect(parts?.join('')).toBe(source);
      expect(parts?.[1]).toContain('// ---- src/runtime/bits.ts ----');
      expect(parts?.[3]).toContain('// ---- src/runtime/api.ts ----');
      for (const section of [runtimeSource().helpers, runtimeSource().api])
        expect(source.replace(/\n\n/g, '\n')).toContain(section.replace(/\n\n/g, '\n'));

      const js = generatedModuleJs(ts, source);
      // The same code as the compiler's, token for token .
      const compiled = wholeJs(source);
      expect(tokens(js)).toBe(tokens(compiled));
      const [mine, theirs] = (await Promise.all([importJs(js), importJs(compiled)])) as unknown as Loose[];
      expect(Object.keys(mine!).sort()).toEqual(Object.keys(theirs!).sort());
      for (const [name, value] of Object.entries(theirs!))
        if (typeof value !== 'function')
          expect(JSON.stringify((mine as unknown as Record<string, unknown>)[name])).toBe(JSON.stringify(value));
      const scopes = Object.values(theirs!.Scope);
      for (const r of Object.values(theirs!.Role))
        for (const p of Object.values(theirs!.Permission))
          for (const s of scopes.length > 0 ? scopes : [undefined])
            for (const self of [false, true]) expect(mine!.can(r, p, s, self)).toBe(theirs!.can(r, p, s, self));
    },
  );

  it('strips a changed copy of a module the same way after its statements were cached', () => {
    const source = readFileSync('generated/crm/index.ts', 'utf8');
    generatedModuleJs(ts, source);
    const changed = source
      .replace('"auditor": 0,', '"auditor": 0,\n  "zz-new": 99 as RoleNo,')
      .replace(/sha256:[0-9a-f]+/g, 'sha256:0000');
    expect(tokens(generatedModuleJs(ts, changed))).toBe(tokens(wholeJs(changed)));
  });

  it('loads a module without the runtime, and one the eraser refuses, through the compiler', async () => {
    const source = 'export const answer: number = 42;\nexport type Answer = typeof answer;\n';
    expect(splitGeneratedModule(source)).toBeUndefined();
    expect(((await loadGeneratedModule(source)) as { answer: number }).answer).toBe(42);
    const refused = 'export enum Colour { Red = 1 }\nexport const red: number = Colour.Red;\n';
    expect(eraseTypes(ts, refused)).toBe('unsupported');
    expect(tokens(generatedModuleJs(ts, refused))).toBe(tokens(wholeJs(refused)));
    expect(((await loadGeneratedModule(refused)) as { red: number }).red).toBe(1);
  });
});

describe('eraseTypes blanks erasable TypeScript and refuses the rest', () => {
  const erased: readonly [string, string][] = [
    ['const x: number = 1;', 'const x = 1;'],
    ['export type A = "a" | "b";\nexport const a = 1;', 'export const a = 1;'],
    ['export interface I { readonly x: number }\nconst y = 2;', 'const y = 2;'],
    ['const m = new Map<string, number[]>([["a", [1]]]);', 'const m = new Map([["a", [1]]]);'],
    ['const r = 7 as RoleNo, s = { a: 1 } as unknown as S;', 'const r = 7, s = { a: 1 };'],
    ['const t = [1, 2] as const satisfies readonly number[];', 'const t = [1, 2];'],
    ['function f<T>(a: T, b?: string): T { return a!; }', 'function f(a, b) { return a; }'],
    ['export function g(a: number): void;\nexport function g(a: number) {}', 'export function g(a) {}'],
    ['const h = async (x: number): Promise<number> => x;', 'const h = async (x) => x;'],
    [
      'class C<T> extends Base<T> implements I {\n  private readonly bits: Uint32Array;\n  declare d: number;\n  n?: number;\n  constructor(b: Uint32Array) { super(); this.bits = b; }\n  public get size(): number { return this.bits.length; }\n}',
      'class C extends Base {\n  bits;\n  n;\n  constructor(b) { super(); this.bits = b; }\n  get size() { return this.bits.length; }\n}',
    ],
    ['declare const g: number;\nlet v!: string;\ntry {} catch (e: unknown) {}', 'let v;\ntry {} catch (e) {}'],
  ];
  it.each(erased)('%s', (ts_, js) => {
    const out = eraseTypes(ts, ts_);
    expect(typeof out === 'string' && out.length).toBe(ts_.length); // offsets kept
    expect(tokens(out)).toBe(tokens(js));
    expect(tokens(out)).toBe(tokens(wholeJs(ts_)));
  });

  const refused: readonly [string, string][] = [
    ['an enum', 'enum E { A }'],
    ['a namespace', 'namespace N { export const x = 1; }'],
    ['an import (the compiler would elide one used only as a type)', 'import { T } from "./t.js";\nconst x: T = 1;'],
    ['export =', 'const x = 1;\nexport = x;'],
    ['a parameter property', 'class C { constructor(private x: number) {} }'],
    ['a decorator', 'function d(c: unknown) {}\n@d class C {}'],
    ['an abstract class', 'abstract class C { abstract f(): void; }'],
    ['an angle-bracket assertion', 'const x = <number>y;'],
    ['a `this` parameter', 'function f(this: Window) {}'],
    ['an instantiation expression', 'const g = f<string>;'],
    ['an index signature in a class', 'class C { [k: string]: number; }'],
    ['a `using` declaration', 'function f() { using r = open(); }'],
    ['an accessor field', 'class C { accessor x = 1; }'],
    ['a blank that would join two statements', 'const a = b as T\n(c)'],
    ['a blank at the end of the text, before code it cannot see', 'const a = b as T'],
  ];
  it.each(refused)('refuses %s', (_, text) => {
    expect(eraseTypes(ts, text)).toBe('unsupported');
  });

  it('refuses a blank at the end of a statement erased with others (what follows it is unknown)', () => {
    const text = 'const a = b as T\n;const c = 1;';
    expect(eraseTypes(ts, text)).not.toBe('unsupported');
    expect(eraseTypes(ts, text, new Set([16]))).toBe('unsupported');
  });

  it('reports text that does not parse', () => {
    expect(eraseTypes(ts, 'const = ;')).toBe('syntax');
    expect(eraseTypes(ts, 'export interface I {')).toBe('syntax');
  });
});
