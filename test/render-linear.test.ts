import { codeFrameColumns } from '@babel/code-frame';
import { describe, expect, it } from 'vitest';
import { diagnostic } from '../src/diagnostics/diagnostic.js';
import { colors, renderHuman } from '../src/diagnostics/render.js';
import { LineIndex } from '../src/diagnostics/span.js';
import type { SourceFile } from '../src/load/source.js';

/**
 * Human rendering of many diagnostics in one file is linear (issue 13): a 20,000-role chain
 * with a warning per role took 52.9 s to print because every code frame re-split the whole file.
 * Counted, not timed: the file's text is read once however many diagnostics point into it, and
 * each frame is exactly the frame of the whole file.
 */

const N = 2000;
const text = Array.from({ length: N }, (_, i) => `- role: r${i}\r\n  title: Role ${i}\n`).join('');

describe('renderHuman over many diagnostics of one file', () => {
  it('reads the file text once, and each frame is the whole-file frame', () => {
    const lines = new LineIndex(text);
    let reads = 0;
    const file: SourceFile = {
      path: 'roles.yaml',
      get text() {
        reads++;
        return text;
      },
      lines,
    };
    const files = new Map([['roles.yaml', file]]);
    const c = colors(false);
    for (let i = 0; i < N; i++) {
      const start = text.indexOf(`r${i}\r`);
      const d = diagnostic(
        'PC502',
        `role r${i} has no description`,
        lines.span('roles.yaml', start, start + `r${i}`.length),
      );
      const out = renderHuman(d, files, c);
      if (i % 397 === 0 || i === N - 1) {
        const whole = codeFrameColumns(
          text,
          {
            start: { line: d.span!.line, column: d.span!.column },
            end: { line: d.span!.endLine, column: d.span!.endColumn },
          },
          { highlightCode: false, linesAbove: 1, linesBelow: 0 },
        );
        expect(out).toContain(
          whole
            .split('\n')
            .map((l) => `  ${l}`)
            .join('\n'),
        );
      }
    }
    expect(reads).toBeLessThanOrEqual(2);
  });
});
