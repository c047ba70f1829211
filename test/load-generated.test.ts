import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { generatedModuleJs, loadGeneratedModule, splitGeneratedModule } from '../src/emit/load.js';
import { runtimeSource } from '../src/emit/runtime.js';

const wholeJs = (source: string) =>
  ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: false,
  }).outputText;
const withoutBlankLines = (js: string) =>
  js
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');

describe('loadGeneratedModule transpiles the runtime once and the set around it each time', () => {
  it.each(['crm', 'platform'])(
    'finds the runtime in generated/%s/index.ts and strips the parts as the whole',
    (set) => {
      const source = readFileSync(`generated/${set}/index.ts`, 'utf8');
      const parts = splitGeneratedModule(source);
      expect(parts).toHaveLength(5);
      expect(parts?.join('')).toBe(source);
      expect(parts?.[1]).toContain('// ---- src/runtime/bits.ts ----');
      expect(parts?.[3]).toContain('// ---- src/runtime/api.ts ----');
      for (const section of [runtimeSource().helpers, runtimeSource().api])
        expect(source.replace(/\n\n/g, '\n')).toContain(section.replace(/\n\n/g, '\n'));
      expect(withoutBlankLines(generatedModuleJs(ts, source))).toBe(withoutBlankLines(wholeJs(source)));
    },
  );

  it('transpiles a module without the runtime whole', async () => {
    const source = 'export const answer: number = 42;\nexport type Answer = typeof answer;\n';
    expect(splitGeneratedModule(source)).toBeUndefined();
    expect(generatedModuleJs(ts, source)).toBe(wholeJs(source));
    expect(((await loadGeneratedModule(source)) as { answer: number }).answer).toBe(42);
  });
});
