// Bundles the command line (dist/cli/main.js, compiled by tsc) into dist/bundle/ with esbuild, so
// that `policyc` starts by reading a few files instead of resolving and compiling ~60 modules.
// Run by `npm run build:src` after tsc. Commands load their heavy parts on first use: each
// dynamic import() becomes a chunk of its own, next to the entry, read only by the commands
// that reach it.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist', 'bundle');

/** Packages loaded from node_modules at run time: large, needed by few commands, or loaded by path (`yaml` is loaded on demand, src/load/yaml-lib.ts: one copy, not loaded when the parse cache answers). */
const EXTERNAL = ['yaml', 'ts-morph', 'typescript', '@cucumber/*', 'chokidar', 'esbuild', 'playwright-core'];

/**
 * The Gherkin runner stays unbundled (dist/gherkin/): a project's support files import
 * `policyc/steps`, and both must share one copy of the steps' state.
 */
const UNBUNDLED = /[\\/]gherkin[\\/](run|suggest)\.js$/;

/**
 * Keeps paths read relative to a module (`new URL('../../package.json', import.meta.url)`) true
 * in the bundle: each module's `import.meta.url` becomes the URL its file has in dist/.
 */
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      return UNBUNDLED.test(file) ? { path: `../${path.relative(path.join(root, 'dist'), file)}`, external: true } : undefined;
    });
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const rel = path.relative(path.join(root, 'dist'), args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __policycDist).href`), loader: 'js' };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { policyc: path.join(root, 'dist', 'cli', 'main.js') },
  outdir,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  external: EXTERNAL,
  plugins: [moduleUrls],
  // Bundled CommonJS packages call require() for Node's modules; every output file (entry and
  // chunks, all in dist/bundle/) also knows where dist/ is, for moduleUrls.
  banner: {
    js: "import { createRequire as __policycRequire } from 'node:module';const require = __policycRequire(import.meta.url);const __policycDist = new URL('../', import.meta.url);",
  },
  logLevel: 'warning',
});
