import { build, transform } from 'esbuild';
import { topLevelStatements } from '../../src/emit/load.js';

/**
 * Evaluates many generated modules' TypeScript in this process with one compiled function:
 * each module's JavaScript runs in a function of its own (strict, its own scope, as the module
 * would run), and its exports come back as a plain object. Types are stripped by esbuild, a
 * second, independent stripper next to the TypeScript compiler the Gherkin steps use.
 * Throws when one module does not build or its top level throws (callers then load them one by one).
 *
 * Each module's text is stripped statement by statement, and a statement esbuild already
 * stripped (in this module or an earlier one) is not sent again: the ~63 KB runtime every
 * module carries is the same statements in every module, so esbuild sees it once per process
 * (once per variant, when a test mutates it) instead of once per module. Every module still
 * runs its whole text, its own runtime included, in its own order.
 * Why this is the same JavaScript as stripping the whole module: the generated module uses only
 * erasable syntax (no enums, namespaces or parameter properties; `tsconfig.generated.json`
 * checks it with `erasableSyntaxOnly`), so esbuild strips each statement on its own, with no
 * look at its neighbours (no bundling, renaming or tree-shaking); the printer starts every
 * top-level statement on a line of its own at column 0 (`topLevelStatements`); `export` is
 * taken off the declarations and their names returned, which is what a module namespace gives
 * an importer. A text that does not fit (another `export` form, an import, a cut that esbuild
 * does not keep) is bundled whole by esbuild instead (`bundleModules`).
 */
export async function evaluateModules<T>(sources: readonly string[]): Promise<T[]> {
  if (sources.length === 0) return [];
  let modules: ModuleJs[];
  try {
    // The first module alone: the others find its runtime stripped.
    const first = await moduleJs(sources[0]!);
    modules = [first, ...(await Promise.all(sources.slice(1).map(moduleJs)))];
  } catch (e) {
    if (!(e instanceof NotSplittable)) throw e;
    return bundleModules<T>(sources);
  }
  const body = modules.map((m) => `function () {\n${m.code}\nreturn { ${m.exports.join(', ')} };\n}`).join(',\n');
  const factories = new Function(`"use strict";\nreturn [\n${body}\n];`)() as (() => T)[];
  return factories.map((f) => f());
}

/** A module's JavaScript (its declarations without `export`) and the names it exports. */
export interface ModuleJs {
  readonly code: string;
  readonly exports: readonly string[];
}

/** A module whose text is not cut into statements here: it is bundled whole instead. */
class NotSplittable extends Error {}

/** Statements stripped of their types, by their text (`export` already taken off). */
const stripped = new Map<string, string>();
/** A bound on the statements kept: a long run (the nightly one) forgets and starts again. */
const MAX_STATEMENTS = 50_000;
/** Between statements sent to esbuild together: a legal comment, which esbuild keeps where it is. */
const CUT = '//! policyc:statement';

/** `export` before a declaration, at the start of a line (only top-level statements start at column 0). */
const EXPORT = /^export (?=(?:async function|function|const|let|class|type|interface) )/gm;
/** An exported value: its name. */
const EXPORTED_NAME = /^export (?:async function|function|const|let|class) ([A-Za-z_$][\w$]*)/gm;

/** A module's statements stripped (from the cache or by one esbuild call for those it has not seen). */
export async function moduleJs(source: string): Promise<ModuleJs> {
  const exports = [...source.matchAll(EXPORTED_NAME)].map((m) => m[1]!);
  const statements = topLevelStatements(source).map((statement) => {
    const plain = statement.replace(EXPORT, '');
    if (/^(?:export|import)\b/m.test(plain)) throw new NotSplittable();
    return plain;
  });
  const missing = [...new Set(statements.filter((s) => !stripped.has(s)))];
  if (missing.length > 0) {
    const { code } = await transform(missing.join(`\n${CUT}\n`), { loader: 'ts', target: 'es2022' });
    const pieces: string[][] = [[]];
    for (const line of code.split('\n')) {
      if (line === CUT) pieces.push([]);
      else pieces[pieces.length - 1]!.push(line);
    }
    if (pieces.length !== missing.length) throw new NotSplittable();
    if (stripped.size + missing.length > MAX_STATEMENTS) stripped.clear();
    for (const [i, s] of missing.entries()) stripped.set(s, pieces[i]!.join('\n'));
  }
  return { code: statements.map((s) => stripped.get(s)!).join('\n'), exports };
}

/**
 * The modules bundled by esbuild as separate ES modules (each keeps its own scope; names that
 * collide across modules are renamed) and run in strict mode, as the modules would.
 */
export async function bundleModules<T>(sources: readonly string[]): Promise<T[]> {
  const entry = sources.map((_, i) => `export * as m${i} from "policy:${i}";`).join('\n');
  const result = await build({
    stdin: { contents: entry, loader: 'js', sourcefile: 'batch.js' },
    bundle: true,
    write: false,
    format: 'cjs',
    target: 'es2022',
    platform: 'neutral',
    logLevel: 'silent',
    plugins: [
      {
        name: 'generated-modules',
        setup(b) {
          b.onResolve({ filter: /^policy:\d+$/ }, (a) => ({ path: a.path, namespace: 'generated' }));
          b.onLoad({ filter: /.*/, namespace: 'generated' }, (a) => ({
            contents: sources[Number(a.path.slice('policy:'.length))]!,
            loader: 'ts',
          }));
        },
      },
    ],
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'module', `"use strict";\n${result.outputFiles[0]!.text}`)(module.exports, module);
  // The bundle's namespaces read through getters; a plain copy is what a test calls thousands of times.
  return sources.map((_, i) => ({ ...(module.exports[`m${i}`] as object) }) as T);
}
