import { build } from 'esbuild';
import { ROOT } from './sets.js';

/** A minified browser bundle (esbuild) of an application that imports `imports` from the module at `entry` and calls `can`. */
export async function bundle(entry: string, imports: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import { ${imports} } from ${JSON.stringify(entry)};\nexport const allowed = can(Role["sales-agent"], Permission["records:update"], Scope.own);\n`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
