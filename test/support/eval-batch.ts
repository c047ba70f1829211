import { build } from 'esbuild';

/**
 * Evaluates many generated modules' TypeScript in this process with one esbuild call and one
 * compiled function: esbuild bundles them as separate ES modules (each keeps its own scope; names
 * that collide across modules are renamed), strips their types, and the bundle runs in strict
 * mode as the modules would. Each module's exports come back as a plain object. Types are stripped by
 * esbuild, a second, independent stripper next to the TypeScript compiler the Gherkin steps use.
 * Throws when one module does not build or its top level throws (callers then load them one by one).
 */
export async function evaluateModules<T>(sources: readonly string[]): Promise<T[]> {
  if (sources.length === 0) return [];
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
