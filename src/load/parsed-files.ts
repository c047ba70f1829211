import type { RawFile, SetSource, SourceFile } from './source.js';
import type { YamlDocument } from './yaml.js';

/**
 * Where the `parse` stage (src/pipeline/stages.ts) finds files parsed by an earlier run: the parse
 * cache on disk (src/cache/parse-cache.ts implements this). Declared here, below the pipeline, so
 * that the pipeline depends on the idea and the command line chooses the store.
 */
export interface ParsedFileStore {
  /** The store's answers for one run on `source`. */
  open(source: SetSource): ParsedFileSession;
}

/** A store's answers for one run on one set. */
export interface ParsedFileSession {
  /** The documents of a file parsed cleanly before with these bytes (decoded as `file`); undefined when unknown. */
  documents(raw: RawFile, file: SourceFile): YamlDocument[] | undefined;
  /** Keeps the documents of a file that decoded and parsed without any finding. */
  keep(raw: RawFile, documents: readonly YamlDocument[]): void;
  /** Called once the set's files are parsed: the store keeps what it learned. */
  close(): void;
}

const ACTIVE = Symbol.for('policyc.parsedFileStore');

/**
 * Sets the store every pipeline run of this process uses unless told otherwise (undefined: none).
 * The command line sets it for each command (none with `--no-cache`); library use has none unless
 * the caller sets one. Kept on `globalThis`, so that the Gherkin steps' copy of the pipeline
 * (dist/gherkin, loaded by cucumber beside the bundled command line) uses the command line's.
 */
export function useParsedFileStore(store: ParsedFileStore | undefined): void {
  (globalThis as Record<symbol, unknown>)[ACTIVE] = store;
}

/** The store set by useParsedFileStore, if any. */
export function activeParsedFileStore(): ParsedFileStore | undefined {
  return (globalThis as Record<symbol, unknown>)[ACTIVE] as ParsedFileStore | undefined;
}
