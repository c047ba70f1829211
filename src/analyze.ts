import { allocate, type Allocation } from './allocate/lockfile.js';
import { type ReadLockfile, readLockfile } from './allocate/read-lockfile.js';
import { Diagnostics, type Diagnostic, sortDiagnostics } from './diagnostics/diagnostic.js';
import type { Span } from './diagnostics/span.js';
import { LOCKFILE_NAME } from './load/discover.js';
import { decodeFile, type SetSource, type SourceFile } from './load/source.js';
import { parseYamlFile } from './load/yaml.js';
import type { Model } from './model/model.js';
import { resolveSet } from './resolve/resolve.js';
import { type Declaration, readDeclaration } from './validate/documents.js';
import { validateDocument } from './validate/schema.js';
import {
  checkControlCharacters,
  checkGrantsInDescriptions,
  type RoleDescription,
  roleDescriptions,
} from './validate/text.js';

/**
 * What the pipeline up to and including allocation knows about one set: its model and numbers
 * when it is free of errors, and every finding. `check`, the review commands and `build` all
 * start from it, so they report the same things.
 */
export interface Analysis {
  readonly source: SetSource;
  /** Decoded files (the lockfile too), for code frames. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Undefined when the set has errors, the lockfile's included. */
  readonly model: Model | undefined;
  /** The lockfile as committed, read once; undefined when the set has none or it is not valid. */
  readonly lockfile: ReadLockfile | undefined;
  /** The model numbered against the lockfile (nothing is written); undefined after errors. */
  readonly allocation: Allocation | undefined;
  /** Sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
}

/** What stages 1 and 2 found in one file. Immutable, so it can be reused while the bytes are the same. */
interface FileAnalysis {
  readonly bytes: Uint8Array;
  readonly file: SourceFile | undefined;
  /** Problems reading, decoding and parsing the file (stage 1). */
  readonly parsing: readonly Diagnostic[];
  /** Problems against the JSON Schema (stage 2); computed only when the file parsed cleanly. */
  readonly schema: readonly Diagnostic[];
  readonly declarations: readonly Declaration[];
  /** Role descriptions with their spans, checked for misplaced grants once the catalog is known. */
  readonly descriptions: readonly RoleDescription[];
}

/**
 * Per-file results kept between analyses of the same set (`policyc watch`): a file whose bytes
 * did not change is neither parsed nor validated again.
 */
export type AnalysisCache = Map<string, FileAnalysis>;

function analyzeFile(raw: SetSource['files'][number]): FileAnalysis {
  const parsing = new Diagnostics();
  const file = decodeFile(raw, parsing);
  const documents = file ? parseYamlFile(file, parsing) : [];
  for (const doc of documents) checkControlCharacters(doc, parsing);
  const schema = new Diagnostics();
  const declarations: Declaration[] = [];
  if (!parsing.hasErrors) {
    for (const doc of documents) {
      const kind = validateDocument(doc, schema);
      if (kind) declarations.push(readDeclaration(doc, kind));
    }
  }
  return {
    bytes: raw.bytes,
    file,
    parsing: parsing.items,
    schema: schema.items,
    declarations,
    descriptions: roleDescriptions(documents),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * The pipeline up to and including allocation, which `check`, the review commands and `build`
 * share: parse every file (and read the lockfile), validate every document against the JSON
 * Schema, resolve the set into its model, then number it against the lockfile without writing
 * anything. Each stage runs only when the ones before it found no errors in the whole set, so an
 * error is never followed by a cascade of consequences.
 */
export function analyzeSet(source: SetSource, cache?: AnalysisCache): Analysis {
  const diagnostics = new Diagnostics();
  const files = new Map<string, SourceFile>();
  const analyses = source.files.map((raw) => {
    const cached = cache?.get(raw.path);
    const analysis = cached && sameBytes(cached.bytes, raw.bytes) ? cached : analyzeFile(raw);
    if (analysis.file) files.set(analysis.file.path, analysis.file);
    return [raw.path, analysis] as const;
  });
  if (cache) {
    cache.clear();
    for (const [path, analysis] of analyses) cache.set(path, analysis);
  }

  // Stage 1: read, decode and parse (the lockfile too: it is read once, here).
  diagnostics.addAll(source.readDiagnostics ?? []);
  for (const [, a] of analyses) diagnostics.addAll(a.parsing);
  const reading = source.lockfile ? readLockfile(source.lockfile, diagnostics) : undefined;
  if (reading?.file) files.set(reading.file.path, reading.file);
  const lockfile = reading?.read;

  // Stage 2: JSON Schema, document by document.
  if (!diagnostics.hasErrors) for (const [, a] of analyses) diagnostics.addAll(a.schema);

  // Stage 3: names, references and effective access.
  // Every role the lockfile numbers, with the place it is numbered (a deleted one is reported with it).
  const formerRoles = new Map<string, Span>();
  if (lockfile) {
    for (const table of ['active', 'reserved'] as const) {
      for (const name of lockfile.lockfile.roles[table].keys())
        formerRoles.set(name, lockfile.spans.at(['roles', table, name]));
    }
  }
  const resolved = diagnostics.hasErrors
    ? undefined
    : resolveSet(
        source.name,
        source.dir,
        analyses.flatMap(([, a]) => a.declarations),
        diagnostics,
        formerRoles,
      );

  if (resolved && !diagnostics.hasErrors) {
    checkGrantsInDescriptions(
      analyses.flatMap(([, a]) => a.descriptions),
      new Set(resolved.permissions.map((p) => p.id)),
      diagnostics,
    );
  }

  // Stage 4: stable numbers from the lockfile (computed, never written here).
  const allocation =
    resolved && !diagnostics.hasErrors
      ? allocate(resolved, lockfile, source.lockfile?.path ?? `${source.dir}/${LOCKFILE_NAME}`, diagnostics)
      : undefined;
  const model = diagnostics.hasErrors ? undefined : resolved;
  return {
    source,
    files,
    model,
    lockfile,
    allocation: model ? allocation : undefined,
    diagnostics: sortDiagnostics(diagnostics.items),
  };
}
