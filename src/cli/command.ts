import { type Command, Option } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat } from '../diagnostics/render.js';
import type { Io } from './io.js';

/** What a command module gets to register itself: the program, the IO, and a way to set the exit code. */
export interface CommandContext {
  readonly io: Io;
  /** Wraps an action so that its returned number becomes the exit code. */
  run<A extends (...args: never[]) => Promise<number>>(action: A): (...args: Parameters<A>) => Promise<void>;
}

/** A CLI command: one file per command under src/cli/commands/, each exporting one of these. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** The formats of commands whose whole output is one report: the diagnostics' formats and SARIF (src/diagnostics/sarif.ts). */
export type ReportFormat = OutputFormat | 'sarif';

export const REPORT_FORMATS: readonly ReportFormat[] = [...OUTPUT_FORMATS, 'sarif'];

/** Options every command that prints diagnostics takes: --format, --color, --no-color. */
export function outputOptions(command: Command, formats: readonly string[] = OUTPUT_FORMATS): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(formats).default('human'))
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output');
}

/** Options of the commands that query the sets (explain, who-can, access): --set, --path, --format text|json, colours. */
export function queryOptions(command: Command, setHelp = 'the policy set, when the name exists in several'): Command {
  return command
    .option('--set <name>', setHelp)
    .option('--path <dir>', 'the folder of the policy sets', 'policies')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output');
}
