import path from 'node:path';
import { analyzeSet } from '../../analyze.js';
import { Diagnostics } from '../../diagnostics/diagnostic.js';
import { discoverSets, displayPath } from '../../load/discover.js';
import { WriteError, writeFileAtomic, writeFailure } from '../../output/write.js';
import { testVectors, type Vectors } from '../../vectors/vectors.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { printDiagnostics } from '../check-report.js';

/**
 * `policyc vectors [PATH] [-o DIR]`: the language-neutral test vectors of each set (questions by
 * ids with their answers, schemas/vectors-v1.schema.json), for readers of the manifest written
 * in other languages. With one set and no --out, prints them; with --out, writes
 * `<DIR>/<set>/vectors.json` (`-o generated` puts them beside the manifests).
 */
async function runVectors(
  io: Io,
  options: { path: string; out: string | undefined; color: boolean | undefined },
): Promise<number> {
  const c = useColor(io, 'stderr', options.color);
  const found = new Diagnostics();
  const sources = await discoverSets(path.resolve(io.cwd, options.path), found);
  if (sources.length === 0) {
    printDiagnostics(io, io.stderr, 'human', found.items, new Map(), c);
    return EXIT.usage;
  }
  if (options.out === undefined && sources.length > 1) {
    io.stderr.write(
      `policyc vectors: ${sources.length} sets found in ${options.path}; pass one set's folder, or --out <dir> to write <dir>/<set>/vectors.json\n`,
    );
    return EXIT.usage;
  }
  let failed = false;
  for (const source of sources) {
    const analysis = analyzeSet(source);
    if (!analysis.model || analysis.diagnostics.some((d) => d.severity === 'error')) {
      printDiagnostics(io, io.stderr, 'human', analysis.diagnostics, analysis.files, c);
      io.stderr.write(`${c.red('✖')} ${source.name}: has errors, no vectors\n`);
      failed = true;
      continue;
    }
    const vectors = testVectors(analysis.model);
    const text = vectorsJson(vectors);
    if (options.out === undefined) {
      io.stdout.write(text);
      continue;
    }
    const file = path.join(path.resolve(io.cwd, options.out), analysis.model.name, 'vectors.json');
    try {
      writeFileAtomic(file, text);
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      printDiagnostics(io, io.stderr, 'human', [writeFailure(error)], new Map(), c);
      failed = true;
      continue;
    }
    const denied = vectors.vectors.filter((v) => !v.allowed).length;
    println(
      io.stdout,
      `${c.green('✔')} ${analysis.model.name}: ${vectors.vectors.length} questions (${vectors.vectors.length - denied} allowed, ${denied} denied) → ${displayPath(file, io.cwd)}`,
    );
  }
  return failed ? EXIT.policy : EXIT.ok;
}

/** The vectors as JSON with one question per line: compact, and a change is a one-line diff. */
export function vectorsJson(v: Vectors): string {
  const head = JSON.stringify({ formatVersion: v.formatVersion, set: v.set });
  return `${head.slice(0, -1)},"vectors":[\n${v.vectors.map((q) => JSON.stringify(q)).join(',\n')}\n]}\n`;
}

export const registerVectors: RegisterCommand = (program, { io, run }) => {
  program
    .command('vectors')
    .description(
      'print or write test vectors: questions by ids with their answers, for readers of the manifest in other languages',
    )
    .argument('[path]', 'a policy set folder, or a folder of sets (with --out)', 'policies')
    .option('-o, --out <dir>', 'write <dir>/<set>/vectors.json for every set')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(
      run(async (p: string, opts: { out?: string; color?: boolean }) =>
        runVectors(io, { path: p, out: opts.out, color: opts.color }),
      ),
    );
};
