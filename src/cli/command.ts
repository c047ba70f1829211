import { type Command, Option } from 'commander';
import { OUTPUT_FORMATS } from '../diagnostics/render.js';
import type { Io } from './io.js';

/** What a command module gets to register itself: the program, the IO, and a way to set the exit code. */
export interface CommandContext {
  readonly io: Io;
  /** Wraps an action so that its returned number becomes the exit code. */
  run<A extends (...args: never[]) => Promise<number>>(action: A): (...args: Parameters<A>) => Promise<void>;
}

/** A CLI command: one file per command under src/cli/commands/, each exporting one of these. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** Options every command that prints diagnostics takes: --format, --color, --no-color. */
export function outputOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('human'))
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
