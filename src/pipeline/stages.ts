import path from 'node:path';
import { type Allocation, allocate, renderLockfile } from '../allocate/lockfile.js';
import { numberedRoles, type ReadLockfile, readLockfile } from '../allocate/read-lockfile.js';
import { type Diagnostic, Diagnostics, diagnostic } from '../diagnostics/diagnostic.js';
import type { Emitted, EmittedFile } from '../emit/emit.js';
import { LOCKFILE_NAME } from '../load/discover.js';
import { activeParsedFileStore, type ParsedFileSession, type ParsedFileStore } from '../load/parsed-files.js';
import { decodeFile, type SetSource, type SourceFile } from '../load/source.js';
import { parseYamlFile, type YamlDocument } from '../load/yaml.js';
import type { Model } from '../model/model.js';
import { checkGeneratedConsistency } from '../output/consistency.js';
import { readText, WriteError, writeFailure, writeFilesAtomic } from '../output/write.js';
import { resolveSet } from '../resolve/resolve.js';
import { type Declaration, readDeclaration } from '../validate/documents.js';
import { validateDocument } from '../validate/schema.js';
import {
  checkControlCharacters,
  checkGrantsInDescriptions,
  type RoleDescription,
  roleDescriptions,
} from '../validate/text.js';

/**
 * The compiler's stages, written once (after OPA's `ast/compile.go`): every command runs a prefix
 * of `STAGES` through `runPipeline` (./run.ts). `check`, `diff`, `explain`, `who-can`, `access`,
 * `vectors` and `test` stop after `allocate` and never write; the Gherkin steps stop after `emit`
 * (they evaluate the generated module in memory); `build` and `watch` run all of it.
 */
export const STAGE_NAMES = ['parse', 'validate', 'resolve', 'lint', 'allocate', 'emit', 'write'] as const;

/** A stage's name, in pipeline order. */
export type StageName = (typeof STAGE_NAMES)[number];

/** A generated file with the path it belongs at. */
export interface OutputFile extends EmittedFile {
  /** Path to write, as displayed (relative to the working directory when below it). */
  readonly path: string;
}

/** The generator of one set's files: `emitSet`, passed in by the caller so that commands that stop earlier never load ts-morph. */
export type Emitter = (
  model: Model,
  numbering: Allocation['lockfile'],
  options: { generator: string; sourceDir: string },
) => Emitted;

/** What the `write` stage does with the emitted files. */
export interface WriteMode {
  /** `write` replaces the files atomically (build, watch); `compare` reports stale ones and writes nothing (`build --check`). */
  readonly mode: 'write' | 'compare';
  /** Whether the lockfile is among the files (build); watch leaves it to `policyc build`. */
  readonly lockfile: boolean;
  /** Replaces the writer's rename: fault-injection tests stop a build between two renames with it. */
  readonly rename?: (from: string, to: string) => void;
}

/** What a caller chooses about the stages it runs. */
export interface PipelineOptions {
  /** Reuse the parsing of unchanged files from an earlier run on the same set (watch). */
  readonly cache?: ParseCache;
  /**
   * Where to find files parsed before and keep the ones parsed now (the parse cache on disk,
   * src/cache/parse-cache.ts); `false` for nowhere. By default, the store the command line set
   * (useParsedFileStore, src/load/parsed-files.ts), if any.
   */
  readonly parsedFiles?: ParsedFileStore | false;
  /** Fail in `allocate` instead of changing the lockfile (CI). */
  readonly locked?: boolean;
  /** For `emit`: the folder generated sets go to (`generated`); each set gets `<outRoot>/<set>/`. */
  readonly outRoot?: string;
  /** For `emit`: the emitter and the generator named in the files. */
  readonly emit?: { readonly emitter: Emitter; readonly generator: string };
  /** For `write`. */
  readonly write?: WriteMode;
}

/** What `parse` and `validate` found in one file. Reused while the file's bytes are the same. */
export interface FileResult {
  readonly bytes: Uint8Array;
  readonly file: SourceFile | undefined;
  readonly documents: readonly YamlDocument[];
  /** Problems reading, decoding and parsing the file. */
  readonly parsing: readonly Diagnostic[];
  /** Role descriptions with their spans, checked for misplaced grants once the catalog is known (`lint`). */
  readonly descriptions: readonly RoleDescription[];
  /** Filled by `validate` the first time it sees the file parsed cleanly. */
  validated?: { readonly schema: readonly Diagnostic[]; readonly declarations: readonly Declaration[] };
}

/** Per-file results kept between runs on the same set (`policyc watch`): a file whose bytes did not change is neither parsed nor validated again. */
export type ParseCache = Map<string, FileResult>;

/** The state the stages fill in, in order. Each field is set by the stage named beside it. */
export interface PipelineState {
  readonly source: SetSource;
  readonly options: PipelineOptions;
  readonly diagnostics: Diagnostics;
  /** parse: decoded files (the lockfile too), for code frames. */
  readonly files: Map<string, SourceFile>;
  /** parse: one result per policy file, in the source's order. */
  results: readonly FileResult[];
  /** parse: the lockfile as committed, read once; undefined when the set has none or it is not valid. */
  lockfile: ReadLockfile | undefined;
  /** validate */
  declarations: readonly Declaration[];
  /** resolve: the model; dropped again (undefined) when any later stage up to `allocate` fails. */
  model: Model | undefined;
  /** allocate: the model numbered against the lockfile, and the lockfile's new text. */
  allocation: Allocation | undefined;
  lockfileText: string | undefined;
  lockfileChanged: boolean;
  /** allocate: true when the policies (and the lockfile) are free of errors; `--locked` refusing a change leaves it true. */
  valid: boolean;
  /** emit */
  outputs: readonly OutputFile[];
  lockfileOutput: OutputFile | undefined;
  hash: string | undefined;
  /** write: what reached the disk, what was already current, what is stale (compare). */
  written: readonly string[];
  unchanged: readonly string[];
  stale: readonly string[];
  /** write: findings about generated/ rather than the policies (stale, mixed or unwritable output), reported after the rest. */
  outputDiagnostics: readonly Diagnostic[];
  writeError: WriteError | undefined;
}

/** One stage: its name, what it does, and its function; a stage that reports an error ends the run. */
export interface Stage {
  readonly name: StageName;
  /** The name its timing carries in `PipelineRun.timings` (`stage_parse`), for a metrics collector; `--timings` shows `name`. */
  readonly metricName: string;
  readonly run: (state: PipelineState) => void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function parseFile(raw: SetSource['files'][number], known: ParsedFileSession | undefined): FileResult {
  const parsing = new Diagnostics();
  const file = decodeFile(raw, parsing);
  // The parse cache answers only for files that decode without a finding, and keeps only files
  // that also parse without one; what follows (control characters, the schema) runs either way.
  const clean = file !== undefined && parsing.items.length === 0;
  let documents = clean ? known?.documents(raw, file) : undefined;
  if (!documents) {
    documents = file ? parseYamlFile(file, parsing) : [];
    if (clean && parsing.items.length === 0) known?.keep(raw, documents);
  }
  for (const doc of documents) checkControlCharacters(doc, parsing);
  return { bytes: raw.bytes, file, documents, parsing: parsing.items, descriptions: roleDescriptions(documents) };
}

/** Read, decode and parse every file into YAML documents with positions; read the lockfile (the one place it is read). */
function parse(s: PipelineState): void {
  const cache = s.options.cache;
  const parsedFiles =
    s.options.parsedFiles === undefined ? activeParsedFileStore() : s.options.parsedFiles || undefined;
  const known = parsedFiles?.open(s.source);
  s.results = s.source.files.map((raw) => {
    const cached = cache?.get(raw.path);
    return cached && sameBytes(cached.bytes, raw.bytes) ? cached : parseFile(raw, known);
  });
  known?.close();
  if (cache) {
    cache.clear();
    s.source.files.forEach((raw, i) => cache.set(raw.path, s.results[i]!));
  }
  for (const r of s.results) if (r.file) s.files.set(r.file.path, r.file);
  s.diagnostics.addAll(s.source.readDiagnostics ?? []);
  for (const r of s.results) s.diagnostics.addAll(r.parsing);
  const reading = s.source.lockfile ? readLockfile(s.source.lockfile, s.diagnostics) : undefined;
  if (reading?.file) s.files.set(reading.file.path, reading.file);
  s.lockfile = reading?.read;
}

/** Check every document against the JSON Schema and read it into a typed declaration. */
function validate(s: PipelineState): void {
  const declarations: Declaration[] = [];
  for (const r of s.results) {
    if (!r.validated) {
      const schema = new Diagnostics();
      const decls: Declaration[] = [];
      for (const doc of r.documents) {
        const kind = validateDocument(doc, schema);
        if (kind) decls.push(readDeclaration(doc, kind));
      }
      r.validated = { schema: schema.items, declarations: decls };
    }
    s.diagnostics.addAll(r.validated.schema);
    declarations.push(...r.validated.declarations);
  }
  s.declarations = declarations;
}

/** Names, references, inheritance, implications, wildcards, scopes and collections: the model. */
function resolve(s: PipelineState): void {
  s.model = resolveSet(
    s.source.name,
    s.source.dir,
    s.declarations,
    s.diagnostics,
    s.lockfile ? numberedRoles(s.lockfile) : new Map(),
  );
}

/** Rules that need the resolved catalog but are about the text: grants written in role descriptions. */
function lint(s: PipelineState): void {
  if (!s.model) return;
  checkGrantsInDescriptions(
    s.results.flatMap((r) => r.descriptions),
    new Set(s.model.permissions.map((p) => p.id)),
    s.diagnostics,
  );
}

function lockPath(source: SetSource): string {
  return source.lockfile?.path ?? `${source.dir}/${LOCKFILE_NAME}`;
}

/** Stable numbers against the lockfile, computed and never written here; `--locked` fails when they would change it. */
function allocateNumbers(s: PipelineState): void {
  const model = s.model;
  if (!model) return;
  const allocation = allocate(model, s.lockfile, lockPath(s.source), s.diagnostics);
  if (!allocation) return;
  s.allocation = allocation;
  s.lockfileText = renderLockfile(allocation.lockfile);
  const oldText = s.source.lockfile ? new TextDecoder().decode(s.source.lockfile.bytes) : undefined;
  s.lockfileChanged = s.lockfileText !== oldText;
  s.valid = !s.diagnostics.hasErrors;
  if (s.lockfileChanged && s.options.locked) {
    const changes = allocation.changes;
    const what =
      changes.length > 0 ? changes.slice(0, 10).join('; ') : 'the lockfile is missing or not in canonical form';
    s.diagnostics.report(
      'PC602',
      `the lockfile of \`${model.name}\` would change (--locked): ${what}${changes.length > 10 ? `; and ${changes.length - 10} more` : ''}`,
      undefined,
      { hint: `run \`policyc build\` without --locked and commit ${lockPath(s.source)}` },
    );
  }
}

/** The set's source folder as the generated files name it: relative to their folder, with `/`. */
export function sourceDirFrom(outDir: string, sourceDir: string): string {
  return path.relative(path.resolve(outDir), path.resolve(sourceDir)).split(path.sep).join('/');
}

/** The generated module, manifest and role schema of the set, in memory; and the lockfile's new text as a file. */
function emit(s: PipelineState): void {
  const { model, allocation } = s;
  const { emit: emitting, outRoot } = s.options;
  if (!model || !allocation) return;
  if (!emitting || outRoot === undefined) throw new Error('the emit stage needs options.emit and options.outRoot');
  const outDir = path.join(outRoot, model.name);
  const sourceDir = sourceDirFrom(outDir, s.source.dir);
  const emitted = emitting.emitter(model, allocation.lockfile, { generator: emitting.generator, sourceDir });
  s.outputs = emitted.files.map((f) => ({ ...f, path: `${outDir.split(path.sep).join('/')}/${f.name}` }));
  s.hash = emitted.hash;
  s.lockfileOutput = { name: LOCKFILE_NAME, text: s.lockfileText!, path: lockPath(s.source) };
}

/**
 * The emitted files in the order they must replace their targets: the lockfile first, so that a
 * build killed between two renames never leaves a generated file using a number the lockfile does
 * not record (numbers are never reused, so the old module stays correct beside the new lockfile).
 * A module and manifest of different builds are detected by `check`.
 */
export function outputsInWriteOrder(s: Pick<PipelineState, 'lockfileOutput' | 'outputs'>): OutputFile[] {
  return [...(s.lockfileOutput ? [s.lockfileOutput] : []), ...s.outputs];
}

/** Replace the files on disk all or nothing (build, watch), or compare them with the disk (`build --check`). */
function write(s: PipelineState): void {
  const mode = s.options.write;
  if (!mode || !s.model || s.outputs.length === 0) return;
  const files = mode.lockfile ? outputsInWriteOrder(s) : [...s.outputs];
  const found: Diagnostic[] = [];
  if (mode.mode === 'compare') {
    found.push(...checkGeneratedConsistency(path.join(s.options.outRoot ?? '', s.model.name), s.lockfile?.lockfile));
    const stale: string[] = [];
    for (const f of files) {
      const current = readText(f.path);
      if (current === f.text) continue;
      stale.push(f.path);
      found.push(
        diagnostic(
          'PC604',
          `${f.path} is ${current === undefined ? 'missing' : 'stale'}: it does not match the policies`,
          undefined,
          {
            hint: 'run `policyc build` and commit the result',
          },
        ),
      );
    }
    s.stale = stale;
  } else {
    try {
      const w = writeFilesAtomic(files, mode.rename ? { rename: mode.rename } : {});
      s.written = w.written;
      s.unchanged = w.unchanged;
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      s.writeError = error;
      found.push(writeFailure(error));
    }
  }
  s.outputDiagnostics = found;
}

/**
 * The stages in order. The order is the order of knowledge: a stage runs only when the ones
 * before it found no errors in the whole set, so an error is never followed by a cascade of its
 * consequences (an unparsable file is not schema-checked, an unknown reference is not numbered).
 */
export const STAGES: readonly Stage[] = [
  { name: 'parse', metricName: 'stage_parse', run: parse },
  { name: 'validate', metricName: 'stage_validate', run: validate },
  { name: 'resolve', metricName: 'stage_resolve', run: resolve },
  { name: 'lint', metricName: 'stage_lint', run: lint },
  { name: 'allocate', metricName: 'stage_allocate', run: allocateNumbers },
  { name: 'emit', metricName: 'stage_emit', run: emit },
  { name: 'write', metricName: 'stage_write', run: write },
];
