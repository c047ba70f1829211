import { CodeBlockWriter } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { GeneratedFile, literal, printedCode, spaceDeclarations } from '../src/emit/generated-file.js';
import { runtimeSource } from '../src/emit/runtime.js';

/** What print() gave when fixed code went through the writer too: the whole text written, then stripped and spaced. */
function printedThroughWriter(header: readonly string[], statements: readonly string[]): string {
  const w = new CodeBlockWriter({ newLine: '\n', indentNumberOfSpaces: 2, useTabs: false, useSingleQuote: false });
  for (const s of statements) {
    if (w.getLength() > 0) w.newLineIfLastNot();
    w.write(s);
  }
  const body = spaceDeclarations(w.toString().replace(/[ \t]+$/gm, ''));
  return `${header.map((l) => `// ${l}`).join('\n')}\n\n${body.trimEnd()}\n`;
}

// Blocks of code whose first and last lines meet the declarations around them in every way
// spaceDeclarations tells apart: after a doc comment, after a statement, ending in a comment,
// with CRLF line ends and trailing blanks, indented lines, a string that looks like a mark.
const BLOCKS: readonly string[] = [
  '\n\nfunction a(): number {\n  return 1;   \n}\n\n',
  'const b = 2; \r\n// a trailing comment\r\n',
  '  export interface C {\n    readonly c: string;\n  }',
  'type D = "\\u00000\\u0000";\n/** doc */\nclass E {}\n',
  '/** a comment first */\nexport const f = 1;',
];

describe('GeneratedFile splices fixed code after printing', () => {
  it('prints what the writer printed with the code inside', () => {
    for (const order of [BLOCKS, [...BLOCKS].reverse()]) {
      const file = new GeneratedFile(['header']);
      const statements: string[] = [];
      for (const [i, block] of order.entries()) {
        file.addConst(`x${i}`, literal(`\u0000${i}\u0000`), { docs: 'A number.', exported: i % 2 === 0 });
        statements.push(
          `/** A number. */\n${i % 2 === 0 ? 'export ' : ''}const x${i} = ${literal(`\u0000${i}\u0000`)};`,
        );
        file.addCode(block);
        statements.push(block.trim());
      }
      file.addType('T', '1');
      statements.push('export type T = 1;');
      expect(file.print()).toBe(printedThroughWriter(['header'], statements));
    }
  });

  it('lays out the runtime as a module carries it', () => {
    const { helpers, api } = runtimeSource();
    for (const section of [helpers, api]) {
      const file = new GeneratedFile([]);
      file.addConst('before', '1');
      file.addCode(section);
      file.addConst('after', '2');
      const printed = file.print();
      expect(printed).toBe(
        printedThroughWriter([], ['export const before = 1;', section.trim(), 'export const after = 2;']),
      );
      expect(printed).toContain(`\n\n${printedCode(section)}\n\nexport const after`);
    }
  });

  it('spaces a text with blocks as the text with the blocks in it', () => {
    const lines = ['const a = 1;', '/** doc */', 'x', '', 'export type B = 2;', '// c'];
    for (const block of BLOCKS) {
      const printed = printedCode(block);
      for (let at = 0; at <= lines.length; at++) {
        const withMark = [...lines.slice(0, at), '\u00000\u0000', ...lines.slice(at)].join('\n');
        const whole = [...lines.slice(0, at), printed, ...lines.slice(at)].join('\n');
        expect(spaceDeclarations(withMark, [printed])).toBe(spaceDeclarations(whole));
      }
    }
  });
});
