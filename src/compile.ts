import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Allocation, renderLockfile } from './allocate/lockfile.js';
import { type AnalysisCache, analyzeSet, type Analysis } from './analyze.js';
import { Diagnostics, type Diagnostic, sortDiagnostics } from './diagnostics/diagnostic.js';
import { emitSet, type EmittedFile } from './emit/emit.js';
import { LOCKFILE_NAME } from './load/discover.js';
import type { SetSource } from './load/source.js';
import type { Model } from './model/model.js';

/** "policyc 0.1.0": names the generator in generated files. */
export const GENERATOR = `policyc ${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

export interface CompileOptions {
  /** The folder generated sets go to (`generated`); each set gets `<outRoot>/<set>/`. */
  readonly outRoot: string;
  /** Fail instead of changing the lockfile (CI). */
  readonly locked?: boolean;
  /** Reuse the parsing of unchanged files from an earlier compilation of the same set (watch). */
  readonly cache?: AnalysisCache;
}

/** A generated file with the path it belongs at. */
export interface OutputFile extends EmittedFile {
  /** Path to write, as displayed (relative to the working directory when below it). */
  readonly path: string;
}

/** Everything one set compiles to. `files` is empty when there were errors: there is never partial output. */
export interface Compilation {
  readonly analysis: Analysis;
  readonly model: Model | undefined;
  /** Generated files, then the lockfile when it changes. */
  readonly files: readonly OutputFile[];
  readonly lockfile: OutputFile | undefined;
  /** True when the lockfile's text changes (numbers were given, reserved or moved). */
  readonly lockfileChanged: boolean;
  readonly allocation: Allocation | undefined;
  readonly hash: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

/**
 * The whole pipeline for one set: analyse (parse, validate, resolve, allocate stable numbers
 * against the lockfile), then emit the generated module and manifest. Pure: reads nothing but the
 * source and writes nothing; `build` decides what reaches the disk.
 */
export function compileSet(source: SetSource, options: CompileOptions): Compilation {
  const analysis = analyzeSet(source, options.cache);
  const diagnostics = new Diagnostics();
  diagnostics.addAll(analysis.diagnostics);
  const lockPath = source.lockfile?.path ?? `${source.dir}/${LOCKFILE_NAME}`;
  const failed = (): Compilation => ({
    analysis,
    model: analysis.model,
    files: [],
    lockfile: undefined,
    lockfileChanged: false,
    allocation: undefined,
    hash: undefined,
    diagnostics: sortDiagnostics(diagnostics.items),
    ok: false,
  });
  const model = analysis.model;
  const allocation = analysis.allocation;
  if (!model || !allocation) return failed();

  const lockText = renderLockfile(allocation.lockfile);
  const oldText = source.lockfile ? new TextDecoder().decode(source.lockfile.bytes) : undefined;
  const lockfileChanged = lockText !== oldText;
  if (lockfileChanged && options.locked) {
    const what =
      allocation.changes.length > 0
        ? allocation.changes.slice(0, 10).join('; ')
        : 'the lockfile is missing or not in canonical form';
    diagnostics.report(
      'PC602',
      `the lockfile of \`${model.name}\` would change (--locked): ${what}${allocation.changes.length > 10 ? `; and ${allocation.changes.length - 10} more` : ''}`,
      undefined,
      {
        hint: `run \`policyc build\` without --locked and commit ${lockPath}`,
      },
    );
    return failed();
  }

  const outDir = path.join(options.outRoot, model.name);
  const sourceDir = path.relative(path.resolve(outDir), path.resolve(source.dir)).split(path.sep).join('/');
  const emitted = emitSet(model, allocation.lockfile, { generator: GENERATOR, sourceDir });
  const files = emitted.files.map((f) => ({ ...f, path: `${outDir.split(path.sep).join('/')}/${f.name}` }));
  return {
    analysis,
    model,
    files,
    lockfile: { name: LOCKFILE_NAME, text: lockText, path: lockPath },
    lockfileChanged,
    allocation,
    hash: emitted.hash,
    diagnostics: sortDiagnostics(diagnostics.items),
    ok: !diagnostics.hasErrors,
  };
}

/**
 * A compilation's files in the order they must replace their targets: the lockfile first, so
 * that a build killed between two renames never leaves a generated file using a number the
 * lockfile does not record (numbers are never reused, so the old module stays correct beside
 * the new lockfile). A module and manifest of different builds are detected by `check`.
 */
export function outputsInWriteOrder(c: Compilation): OutputFile[] {
  return [...(c.lockfile ? [c.lockfile] : []), ...c.files];
}
