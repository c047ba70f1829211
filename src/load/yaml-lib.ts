import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/**
 * The `yaml` package, loaded on first use rather than at start-up: a run whose files are all in
 * the parse cache (src/cache/parse-cache.ts) never loads it, nor does one that reads a lockfile
 * without an error to place. Synchronous, because the pipeline is: `yaml` is a CommonJS
 * package, which `require` loads at once (and ES `import` of it shares the same instance).
 */
let loaded: typeof Yaml | undefined;

/** The `yaml` module, loading it the first time. */
export function yamlLib(): typeof Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return loaded;
}

/** `yaml`'s functions of the same names, loading the package on their first call. */
export const isAlias = ((node: unknown) => yamlLib().isAlias(node)) as typeof Yaml.isAlias;
export const isCollection = ((node: unknown) => yamlLib().isCollection(node)) as typeof Yaml.isCollection;
export const isMap = ((node: unknown) => yamlLib().isMap(node)) as typeof Yaml.isMap;
export const isScalar = ((node: unknown) => yamlLib().isScalar(node)) as typeof Yaml.isScalar;
export const isSeq = ((node: unknown) => yamlLib().isSeq(node)) as typeof Yaml.isSeq;
export const parseAllDocuments: typeof Yaml.parseAllDocuments = (...args: Parameters<typeof Yaml.parseAllDocuments>) =>
  yamlLib().parseAllDocuments(...args);
export const parseDocument: typeof Yaml.parseDocument = (...args: Parameters<typeof Yaml.parseDocument>) =>
  yamlLib().parseDocument(...args);

/** `yaml`'s `visit`, with its `BREAK`, `SKIP` and `REMOVE` signals (symbols the package defines with `Symbol`, so they are read from it). */
export const visit = Object.defineProperties(
  ((node: Parameters<typeof Yaml.visit>[0], visitor: Parameters<typeof Yaml.visit>[1]) =>
    yamlLib().visit(node, visitor)) as typeof Yaml.visit,
  {
    BREAK: { get: () => yamlLib().visit.BREAK },
    SKIP: { get: () => yamlLib().visit.SKIP },
    REMOVE: { get: () => yamlLib().visit.REMOVE },
  },
);
