import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/sets.js';

/**
 * The stages of the compiler import only downward (issue 11): each folder of `src/` below may
 * import the folders before it in this list and nothing else of `src/` (not `analyze.ts`,
 * `compile.ts`, the command line, the review tools or the steps). The order is the pipeline's:
 * findings, the model's types, then a stage per folder, then the list of stages that chains them.
 */
const LAYERS = [
  'diagnostics',
  'model',
  // The rules of the language (src/language/), stated once for the resolver, the review tools and the steps.
  'language',
  'load',
  'validate',
  'resolve',
  'allocate',
  'emit',
  'output',
  'pipeline',
];

const SRC = path.join(ROOT, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** The `src/` folder (or top-level file) each relative import of a file lands in: static, re-export and dynamic. */
function importedParts(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).split(path.sep)[0]!);
}

describe('the import graph of src/', () => {
  it.each(LAYERS.map((layer, i) => [layer, i] as const))('%s imports only the layers below it', (layer, i) => {
    const allowed = new Set(LAYERS.slice(0, i + 1));
    const wrong = filesUnder(path.join(SRC, layer)).flatMap((f) =>
      importedParts(f)
        .filter((part) => !allowed.has(part))
        .map((part) => `${path.relative(ROOT, f)} imports ${part}`),
    );
    expect(wrong).toEqual([]);
  });

  it('reads every import form (a check that the scan sees something)', () => {
    const parts = importedParts(path.join(SRC, 'pipeline/stages.ts'));
    expect(parts).toEqual(expect.arrayContaining(['allocate', 'load', 'resolve', 'validate', 'output']));
  });
});
