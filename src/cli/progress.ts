import type { Io } from './io.js';

/** How long a command runs before its progress line appears: shorter builds print only their results. */
export const PROGRESS_DELAY_MS = 1000;

/**
 * A one-line progress indicator on stderr ("building 3/12: crm …"), redrawn in place. Shown only
 * on a terminal, never in CI (`CI` set), never for `TERM=dumb`, and only once the work has taken
 * longer than PROGRESS_DELAY_MS; `clear()` erases it before any other output is written, so
 * results and progress never share a line (the next `update` draws it again).
 */
export class Progress {
  private readonly enabled: boolean;
  private readonly started: number;
  private shown = false;
  private readonly io: Io;
  private readonly now: () => number;

  constructor(io: Io, enabled: boolean, now: () => number = Date.now) {
    this.io = io;
    this.now = now;
    this.started = now();
    this.enabled =
      enabled &&
      io.stderr.isTTY === true &&
      io.env.TERM !== 'dumb' &&
      (io.env.CI === undefined || io.env.CI === '' || io.env.CI === 'false');
  }

  /**
   * Says what is being worked on; drawn once the delay has passed, or at once when the caller
   * expects this step alone to take longer (work done synchronously gives no timer a chance).
   */
  update(text: string, long = false): void {
    if (!this.enabled) return;
    if (!long && this.now() - this.started < PROGRESS_DELAY_MS) return;
    this.io.stderr.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  /** Erases the line (before results are printed); `update` draws it again. */
  clear(): void {
    if (!this.shown) return;
    this.io.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
