/** A range of source text: 1-based line and column (in UTF-16 code units), 0-based offsets. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly offset: number;
  readonly endOffset: number;
}

/** Maps text offsets to lines and columns for one file. */
export class LineIndex {
  private readonly starts: number[] = [0];
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.starts[lo]! + 1 };
  }

  /** The span of [start, end) in `file`. An empty range is widened to one character where possible. */
  span(file: string, start: number, end: number): Span {
    const s = this.position(start);
    const e = this.position(Math.max(end, start));
    return {
      file,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      offset: start,
      endOffset: Math.max(end, start),
    };
  }
}

/** A span for a whole file when nothing more precise is known (line 1, column 1). */
export function fileSpan(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };
}

/** Orders spans by file, then position. */
export function compareSpans(a: Span | undefined, b: Span | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.offset - b.offset || a.endOffset - b.endOffset;
}

/**
 * The part [start, end) of a one-line span whose text is exactly `text` (a plain scalar), so
 * that a diagnostic about `orders` in `orders:export` underlines `orders`. Any other span (a
 * quoted or multi-line value) is returned whole.
 */
export function narrowSpan(span: Span, text: string, start: number, end: number): Span {
  if (span.line !== span.endLine || span.endOffset - span.offset !== text.length) return span;
  return {
    ...span,
    column: span.column + start,
    endColumn: span.column + end,
    offset: span.offset + start,
    endOffset: span.offset + end,
  };
}

/** A decoded text file with a line index, the unit every span points into (decoded by load/source.ts). */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
}
