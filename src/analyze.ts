import { Diagnostics, type Diagnostic, sortDiagnostics } from './diagnostics/diagnostic.js';
import { decodeFile, type SetSource, type SourceFile } from './load/source.js';
import { parseYamlFile } from './load/yaml.js';
import type { Model } from './model/model.js';
import { resolveSet } from './resolve/resolve.js';
import { type Declaration, readDeclaration } from './validate/documents.js';
import { validateDocument } from './validate/schema.js';

/** What the front end knows about one set: its model when it is free of errors, and every finding. */
export interface Analysis {
  readonly source: SetSource;
  /** Decoded files, for code frames. */
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly model: Model | undefined;
  /** Sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The front end of the pipeline: parse every file, validate every document against the JSON
 * Schema, then resolve the set into its model. Each stage runs only when the one before it
 * found no errors, so an error is never followed by a cascade of consequences.
 */
export function analyzeSet(source: SetSource): Analysis {
  const diagnostics = new Diagnostics();
  const files = new Map<string, SourceFile>();

  // Stage 1: read, decode and parse.
  diagnostics.addAll(source.readDiagnostics ?? []);
  const documents = source.files.flatMap((raw) => {
    const file = decodeFile(raw, diagnostics);
    if (!file) return [];
    files.set(file.path, file);
    return parseYamlFile(file, diagnostics);
  });

  // Stage 2: JSON Schema, document by document.
  const declarations: Declaration[] = [];
  if (!diagnostics.hasErrors) {
    for (const doc of documents) {
      const kind = validateDocument(doc, diagnostics);
      if (kind) declarations.push(readDeclaration(doc, kind));
    }
  }

  // Stage 3: names, references and effective access.
  const model = diagnostics.hasErrors ? undefined : resolveSet(source.name, source.dir, declarations, diagnostics, lockfileRoles(source));
  return { source, files, model, diagnostics: sortDiagnostics(diagnostics.items) };
}

/**
 * The roles a set's lockfile has numbered, active or reserved: only used to explain a reference
 * to a role that was removed. A lockfile that cannot be read gives none here; the back end
 * reports it.
 */
function lockfileRoles(source: SetSource): ReadonlySet<string> {
  if (!source.lockfile) return new Set();
  try {
    const roles = (JSON.parse(new TextDecoder().decode(source.lockfile.bytes)) as { roles?: { active?: object; reserved?: object } }).roles;
    return new Set([...Object.keys(roles?.active ?? {}), ...Object.keys(roles?.reserved ?? {})]);
  } catch {
    return new Set();
  }
}
