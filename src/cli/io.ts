import { colors, type Colors } from '../diagnostics/render.js';

/** Where a command writes, and the environment it runs in. Tests pass their own. */
export interface Io {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean | undefined };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): Io {
  // A reader that stops early (`policyc check | head`) closes the pipe: writing to it fails with
  // EPIPE, which must not surface as a crash with a stack trace. The exit code stays the real one.
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners('error').includes(ignoreClosedPipe)) stream.on('error', ignoreClosedPipe);
  }
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

/** Exit codes: 0 fine, 1 policy errors (or a failed gate), 2 usage or internal errors. */
export const EXIT = { ok: 0, policy: 1, usage: 2 } as const;

/**
 * Whether to colour output: `--color`/`--no-color` win, then NO_COLOR and FORCE_COLOR, then
 * whether the stream is a terminal.
 */
export function useColor(io: Io, stream: 'stdout' | 'stderr', flag: boolean | undefined): Colors {
  if (flag !== undefined) return colors(flag);
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return colors(false);
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return colors(true);
  return colors(io[stream].isTTY === true && io.env.TERM !== 'dumb');
}

/** Writes a line. */
export function println(stream: Io['stdout'], text = ''): void {
  stream.write(`${text}\n`);
}
