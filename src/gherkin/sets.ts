import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AnalysisCache } from '../analyze.js';
import { BuildCache } from '../cache/build-cache.js';
import { GENERATOR } from '../compile.js';
import { Diagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { emitSet } from '../emit/emit.js';
import { generatedModuleJavaScript, importModuleJs } from '../emit/load.js';
import { runPipeline } from '../pipeline/run.js';
import { sourceDirFrom } from '../pipeline/stages.js';
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

/** The folder generated sets go to, as the steps compile them (it names the source folder in the module's header). */
const OUT_ROOT = 'generated';

let moduleCache: BuildCache | undefined;

/**
 * Keeps the JavaScript of the generated modules the steps compile (of each set, and of each
 * scenario's changed copy of it) in a build cache folder between runs, or nowhere (undefined, the
 * default). An entry is keyed like the build cache's, by every byte of the (changed) set, its
 * lockfile and policyc's own code, so it is the module this policyc would emit and strip for
 * those bytes now; a missing, corrupt or foreign entry is ignored and the module compiled again.
 */
export function useModuleCache(dir: string | undefined): void {
  moduleCache = dir === undefined ? undefined : new BuildCache(dir);
}

/** A cached module: its JavaScript, as generatedModuleJavaScript made it. */
interface ModuleRecord {
  readonly js: string;
}

const isModuleRecord = (x: unknown): x is ModuleRecord =>
  typeof x === 'object' && x !== null && typeof (x as { js?: unknown }).js === 'string';

/**
 * Where a variant's entry goes: a slot of its own per list of edits (the cache keeps one entry
 * per set and output folder, so the edits are named as the output folder); whether the entry
 * answers is decided by its key, from the bytes.
 */
function slotOf(edits: readonly Edit[]): string {
  return `${OUT_ROOT}/.steps/${stripper()}/${createHash('sha256').update(JSON.stringify(edits)).digest('hex').slice(0, 32)}`;
}

let stripperVersion: string | undefined;

/**
 * What strips the modules' types besides policyc's own code (which the key covers): ts-morph's
 * TypeScript parser. Named in the slot, which is part of the key.
 */
function stripper(): string {
  if (stripperVersion === undefined) {
    try {
      stripperVersion = `ts-morph@${(createRequire(import.meta.url)('ts-morph/package.json') as { version: string }).version}`;
    } catch {
      stripperVersion = `ts-morph@unknown-${process.pid}-${Date.now()}`;
    }
  }
  return stripperVersion;
}

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
  // Through `allocate`: the model and its numbers. The module is emitted (or found in the cache) below.
  // An edited variant lives for one scenario: its files are not kept in the parse cache on disk.
  const run = runPipeline(source, 'allocate', {
    cache: analysisCache,
    ...(edits.length > 0 ? { parsedFiles: false as const } : {}),
  });
  const errors = run.diagnostics.filter((d) => d.severity === 'error');
  if (!run.ok || !run.model || !run.allocation) return { ok: false, errors };
  const model = run.model;
  const slot = slotOf(edits);
  let js = moduleCache?.lookupEntry('steps', source, slot, isModuleRecord)?.js;
  if (js === undefined) {
    // As the emit stage does it (pipeline/stages.ts), with the same generator and output folder.
    const sourceDir = sourceDirFrom(path.join(OUT_ROOT, model.name), source.dir);
    const emitted = emitSet(model, run.allocation.lockfile, { generator: GENERATOR, sourceDir });
    const index = emitted.files.find((f) => f.name === 'index.ts');
    if (!index) throw new Error(`the emitter made no index.ts for ${model.name}`);
    js = generatedModuleJavaScript(index.text);
    moduleCache?.storeEntry('steps', source, slot, undefined, { js } satisfies ModuleRecord);
  }
  const module = await importModuleJs<GeneratedModule>(js);
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
      warnings: run.diagnostics.filter((d) => d.severity === 'warning'),
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
