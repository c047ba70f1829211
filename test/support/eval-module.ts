import { transform } from 'esbuild';

/**
 * Evaluates a generated module's TypeScript as CommonJS in this process, types stripped by
 * esbuild (a second, independent stripper next to the TypeScript compiler the Gherkin steps
 * use). No module is registered per policy, so differential tests can load thousands cheaply.
 */
export async function evaluateModule<T>(source: string): Promise<T> {
  const { code } = await transform(source, { loader: 'ts', format: 'cjs', target: 'es2022' });
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'module', code)(module.exports, module);
  return module.exports as T;
}
