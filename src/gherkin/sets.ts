import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisCache } from '../analyze.js';
import { compileSet } from '../compile.js';
import { Diagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { loadGeneratedModule } from '../emit/load.js';
import { ReferenceEvaluator } from '../evaluate/reference.js';
import { readSetFolder } from '../load/discover.js';
import type { SetSource } from '../load/source.js';
import type { Model } from '../model/model.js';
import { applyEdits, type Edit, EditError } from './edits.js';
import { fail } from './failure.js';
import type { GeneratedModule } from './module.js';

/**
 * A policy set as the steps see it: compiled in memory from its YAML and its lockfile, its
 * generated module loaded live (the artifact that ships), and the reference evaluator over the
 * same model to cross-check every answer.
 */
export interface LoadedSet {
  /** The absolute folder of the shipped set: the key its coverage is recorded under. */
  readonly key: string;
  readonly name: string;
  /** The set's source as compiled (with the edits applied). */
  readonly source: SetSource;
  /** The shipped source, before any edit. */
  readonly shipped: SetSource;
  readonly model: Model;
  readonly module: GeneratedModule;
  readonly evaluator: ReferenceEvaluator;
  /** The changes a scenario made; empty for the set as shipped. */
  readonly edits: readonly Edit[];
  readonly warnings: readonly Diagnostic[];
}

/** A compiled edit: the new set, or the errors that rejected the change. */
type EditResult =
  | { readonly ok: true; readonly set: LoadedSet }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

const cache = new Map<string, Promise<LoadedSet | EditResult>>();

/**
 * Per shipped set, the analysis of each file by its bytes: a variant re-analyses only the files
 * its edits changed (applyEdits keeps the bytes of the others).
 */
const analyses = new Map<string, AnalysisCache>();

/** Forgets every compiled set (policy files may have changed since). */
export function clearSetCache(): void {
  cache.clear();
  analyses.clear();
}

function cached<T extends LoadedSet | EditResult>(key: string, make: () => Promise<T>): Promise<T> {
  let hit = cache.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = make();
    cache.set(key, hit);
    // A failed load is not cached: the next scenario reports it again.
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

/** One line per error, for step messages. */
export function formatErrors(errors: readonly Diagnostic[], limit = 8): string {
  const lines = errors.slice(0, limit).map((d) => {
    const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.column}: ` : '';
    return `  ${where}${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
  });
  if (errors.length > limit) lines.push(`  … and ${errors.length - limit} more`);
  return lines.join('\n');
}

async function compileLoaded(
  key: string,
  shipped: SetSource,
  source: SetSource,
  edits: readonly Edit[],
): Promise<EditResult> {
  let analysisCache = analyses.get(key);
  if (!analysisCache) {
    analysisCache = new Map();
    analyses.set(key, analysisCache);
  }
  // An edited variant lives for one scenario: its files are not kept in the parse cache on disk.
  const compilation = compileSet(source, {
    outRoot: 'generated',
    cache: analysisCache,
    ...(edits.length > 0 ? { parsedFiles: false as const } : {}),
  });
  const errors = compilation.diagnostics.filter((d) => d.severity === 'error');
  const index = compilation.files.find((f) => f.name === 'index.ts');
  if (!compilation.ok || !compilation.model || !index) return { ok: false, errors };
  const module = await loadGeneratedModule<GeneratedModule>(index.text);
  const model = compilation.model;
  return {
    ok: true,
    set: {
      key,
      name: model.name,
      source,
      shipped,
      model,
      module,
      evaluator: new ReferenceEvaluator(model),
      edits,
      warnings: compilation.diagnostics.filter((d) => d.severity === 'warning'),
    },
  };
}

/**
 * The set `name` (a folder below `policiesRoot`, or a path to a set folder), compiled with its
 * lockfile. Fails the step with a did-you-mean when there is no such set, and with the
 * compiler's errors when it does not compile.
 */
export function loadSet(policiesRoot: string, name: string): Promise<LoadedSet> {
  const dir = name.includes('/') || name.includes(path.sep) ? path.resolve(name) : path.resolve(policiesRoot, name);
  return cached(dir, async () => {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      let known: string[] = [];
      try {
        known = readdirSync(policiesRoot, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => e.name);
      } catch {
        known = [];
      }
      const hint = didYouMean(name, known);
      fail(
        `unknown policy set "${name}": there is no folder ${path.relative(process.cwd(), dir) || dir}` +
          (hint ? `; ${hint}` : known.length > 0 ? ` (sets: ${known.join(', ')})` : ''),
      );
    }
    const source = await readSetFolder(dir, new Diagnostics());
    const result = await compileLoaded(dir, source, source, []);
    if (!result.ok) fail(`the policy set "${name}" does not compile:\n${formatErrors(result.errors)}`);
    return result.set;
  });
}

/** The shipped set `base` with `edits` applied, compiled with its lockfile. */
export function compileEdited(base: LoadedSet, edits: readonly Edit[]): Promise<EditResult> {
  return cached(`${base.key}\u0000${JSON.stringify(edits)}`, async () => {
    let source: SetSource;
    try {
      source = applyEdits(base.shipped, edits);
    } catch (error) {
      if (error instanceof EditError) fail(`cannot make the change: ${error.message}`);
      throw error;
    }
    return compileLoaded(base.key, base.shipped, source, edits);
  });
}
