import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Diagnostic, Diagnostics } from '../../diagnostics/diagnostic.js';
import { fileSpan } from '../../diagnostics/span.js';
import { FormatError, formatPolicyYaml } from '../../format/policy-yaml.js';
import { discoverSets, displayPath } from '../../load/discover.js';
import { decodeFile, type RawFile, type SourceFile } from '../../load/source.js';
import { parseYamlFile } from '../../load/yaml.js';
import { WriteError, writeFileAtomic, writeFailure } from '../../output/write.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { printDiagnostics } from '../check-report.js';

interface FmtOptions {
  /** A policy file, a set's folder or a folder of sets. */
  readonly path: string;
  /** Write nothing; exit 1 when a file is not in the canonical layout. */
  readonly check: boolean;
  readonly color: boolean | undefined;
}

/**
 * `policyc fmt [PATH] [--check]`: rewrites policy files in the canonical layout (src/format/policy-yaml.ts),
 * keeping comments. With --check it writes nothing, lists the files that would change and exits 1
 * when there are any (like `opa fmt --fail`, `prettier --check`). A file with YAML errors is
 * reported with its diagnostics and left alone (exit 1).
 */
async function runFmt(io: Io, options: FmtOptions): Promise<number> {
  const c = useColor(io, 'stdout', options.color);
  const found = new Diagnostics();
  const raws = await policyFiles(path.resolve(io.cwd, options.path), found);
  const files = new Map<string, SourceFile>();
  const changed: string[] = [];
  let failed = found.hasErrors;
  for (const raw of raws) {
    const diagnostics = new Diagnostics();
    const file = decodeFile(raw, diagnostics);
    if (file) {
      files.set(file.path, file);
      parseYamlFile(file, diagnostics);
    }
    found.addAll(diagnostics.items);
    if (!file || diagnostics.hasErrors) {
      failed = true;
      continue;
    }
    let text: string;
    try {
      text = formatPolicyYaml(file.text.replace(/^\ufeff/, ''));
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      found.report('PC999', `cannot format ${file.path}: ${error.message}`, fileSpan(file.path), {
        hint: 'the file was left as it is; this is a bug in policyc, please report it',
      });
      failed = true;
      continue;
    }
    if (text === file.text) continue;
    changed.push(file.path);
    if (options.check) {
      println(io.stdout, `${c.yellow('would reformat')} ${file.path}`);
      continue;
    }
    try {
      writeFileAtomic(path.resolve(raw.path), text);
      println(io.stdout, `${c.green('formatted')} ${file.path}`);
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      found.add(writeFailure(error));
      failed = true;
    }
  }
  printDiagnostics(io, io.stdout, 'human', found.items, files, c);
  const total = `${raws.length} file${raws.length === 1 ? '' : 's'}`;
  if (options.check) {
    if (changed.length > 0)
      println(
        io.stdout,
        `${c.red('✖')} ${changed.length} of ${total} not formatted; run \`policyc fmt ${options.path}\``,
      );
    else if (!failed) println(io.stdout, `${c.green('✔')} ${total} formatted`);
  } else if (!failed || changed.length > 0) {
    println(
      io.stdout,
      `${c.green('✔')} ${changed.length === 0 ? `${total} already formatted` : `formatted ${changed.length} of ${total}`}`,
    );
  }
  if (raws.length === 0 && found.items.length > 0) return EXIT.usage;
  return failed || (options.check && changed.length > 0) ? EXIT.policy : EXIT.ok;
}

/** The policy files at `target`: the file itself, or every file of every set below the folder. */
async function policyFiles(target: string, diagnostics: Diagnostics): Promise<RawFile[]> {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (stat?.isFile()) {
    const shown = displayPath(target);
    if (!/\.ya?ml$/.test(target)) {
      diagnostics.add(usage(`${shown} is not a policy file (*.yaml, *.yml)`));
      return [];
    }
    return [{ path: shown, bytes: readFileSync(target) }];
  }
  const sets = await discoverSets(target, diagnostics);
  for (const set of sets) diagnostics.addAll(set.readDiagnostics ?? []);
  return sets.flatMap((s) => s.files);
}

function usage(message: string): Diagnostic {
  return {
    code: 'PC902',
    severity: 'error',
    message,
    hint: 'pass a policy file, the folder of a policy set (policies/crm) or of several sets (policies/)',
  };
}

export const registerFmt: RegisterCommand = (program, { io, run }) => {
  program
    .command('fmt')
    .description(
      'rewrite policy files in the canonical layout, keeping comments (--check: only list the files that would change)',
    )
    .argument('[path]', 'a policy file, a policy set folder, or a folder of sets', 'policies')
    .option('--check', 'write nothing; exit 1 when a file is not formatted')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(
      run(async (p: string, opts: { check?: boolean; color?: boolean }) =>
        runFmt(io, { path: p, check: opts.check === true, color: opts.color }),
      ),
    );
};
