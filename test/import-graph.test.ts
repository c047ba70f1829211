import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/sets.js';

/**
 * The stages of the compiler import only downward (issue 11): each folder of `src/` below may
 * import the folders before it in this list and nothing else of `src/` (not `analyze.ts`,
 * `compile.ts`, the command line, the review tools or the steps). The order is the pipeline's:
 * findings, the model's types, the rules of the language (one module each), then a stage per
 * folder, then the list of stages that chains them.
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

/** The `src/`-relative path (with `/`) of each relative import of a file: static, re-export and dynamic. */
function importedPaths(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) =>
    path
      .relative(SRC, path.resolve(path.dirname(file), s))
      .split(path.sep)
      .join('/'),
  );
}

/** The `src/` folder (or top-level file) each relative import of a file lands in. */
function importedParts(file: string): string[] {
  return importedPaths(file).map((p) => p.split('/')[0]!);
}

/** The imports of `files` that `banned` matches, as "file imports target" (target relative to `src/`). */
function importsMatching(files: readonly string[], banned: (target: string) => boolean): string[] {
  return files.flatMap((f) =>
    importedPaths(f)
      .filter(banned)
      .map((target) => `${path.relative(ROOT, f)} imports ${target}`),
  );
}

const under = (folder: string) => (target: string) => target.startsWith(`${folder}/`);

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

  /*
   * What is computed, how it is shown, and the command line are three layers (issue 11):
   * src/review/ computes (diff, explain, access, numbering, ...), src/review/render/ and
   * src/report/ show it, and src/cli/ reads arguments, prints and sets exit codes. Only the
   * command line (and the package entry src/index.ts, which re-exports `main` and the report types
   * of `check` and `build`) may import src/cli.
   */
  it('nothing outside src/cli imports src/cli (but the package entry)', () => {
    const outside = filesUnder(SRC).filter(
      (f) => !f.startsWith(path.join(SRC, 'cli') + path.sep) && f !== path.join(SRC, 'index.ts'),
    );
    expect(importsMatching(outside, under('cli'))).toEqual([]);
  });

  it('the review domain imports neither the command line nor any rendering', () => {
    const domain = filesUnder(path.join(SRC, 'review')).filter(
      (f) => !f.startsWith(path.join(SRC, 'review', 'render') + path.sep),
    );
    expect(domain.length).toBeGreaterThan(5);
    const rendering = (t: string) => under('review/render')(t) || under('report')(t);
    expect(importsMatching(domain, (t) => under('cli')(t) || rendering(t))).toEqual([]);
  });

  it('rendering does not import the command line', () => {
    const rendering = [...filesUnder(path.join(SRC, 'review', 'render')), ...filesUnder(path.join(SRC, 'report'))];
    expect(rendering.length).toBeGreaterThan(3);
    expect(importsMatching(rendering, under('cli'))).toEqual([]);
  });

  it('reads every import form (a check that the scan sees something)', () => {
    const parts = importedParts(path.join(SRC, 'pipeline/stages.ts'));
    expect(parts).toEqual(expect.arrayContaining(['allocate', 'load', 'resolve', 'validate', 'output']));
  });
});
