import { createRequire } from 'node:module';
import type { CodeBlockWriter, WriterFunction } from 'ts-morph';

export type { WriterFunction };

type TsMorph = typeof import('ts-morph');
let tsMorphModule: TsMorph | undefined;

/**
 * ts-morph, loaded on first emit (~1 s): `import 'policyc'`, the commands that do not emit and a
 * build answered from the cache never pay for it. It is a CommonJS package, so `require` loads it
 * synchronously and emit stays sync.
 */
function tsMorph(): TsMorph {
  tsMorphModule ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return tsMorphModule;
}

/**
 * One generated TypeScript file, built from declarations and printed once with ts-morph's
 * code writer (`CodeBlockWriter`), without building a syntax tree of the result: printing a
 * tree was most of an emit, and the writer gives the same text ~3× faster. Fixed code (the
 * ~63 KB runtime every module carries) does not go through the writer at all: it is laid out
 * once per process and spliced into the printed text (see `addCode`).
 * Emit code stays plain functions that call `addType`, `addInterface`, `addConst`, `addCode`; policy text
 * only ever enters the file through `literal()` (an inert string literal), `key()` (a property
 * name) or `doc()` (a sanitised comment), never as code.
 */
export class GeneratedFile {
  private readonly statements: (string | WriterFunction | Code)[] = [];
  private readonly header: string[];
  /** Data-sized text (id unions, number tables, bit tables, metadata) spliced in after printing. */
  private readonly chunks: string[] = [];

  constructor(header: readonly string[]) {
    this.header = [...header];
  }

  /** `export type Name = …;` */
  addType(name: string, type: string | WriterFunction, docs?: string): void {
    this.statements.push((w) => {
      if (docs) w.writeLine(`/** ${doc(docs)} */`);
      w.write(`export type ${name} = `);
      if (typeof type === 'string') w.write(type);
      else type(w);
      w.write(';');
    });
  }

  /** `export interface Name { … }` from member lines (each already a complete member). */
  addInterface(name: string, members: readonly string[], docs?: string): void {
    const body = members.length === 0 ? '{}' : `{\n${members.map((m) => `  ${m}`).join('\n')}\n}`;
    this.statements.push((w) => {
      if (docs) w.writeLine(`/** ${doc(docs)} */`);
      w.write(`export interface ${name} ${this.data(body)}`);
    });
  }

  /**
   * A placeholder for text whose size grows with the policy set. The writer prints the structure
   * around it; the text itself is spliced in afterwards, so a set with thousands of roles and
   * permissions is not pushed through the printer character by character.
   */
  data(text: string): string {
    this.chunks.push(text);
    return `__policyc_data_${this.chunks.length - 1}__`;
  }

  /** `[export] const name: type = initializer;` */
  addConst(
    name: string,
    initializer: string | WriterFunction,
    options: { type?: string; exported?: boolean; docs?: string } = {},
  ): void {
    this.statements.push((w) => {
      if (options.docs) w.writeLine(`/** ${doc(options.docs)} */`);
      w.write(
        `${options.exported === false ? '' : 'export '}const ${name}${options.type ? `: ${options.type}` : ''} = `,
      );
      if (typeof initializer === 'string') w.write(initializer);
      else initializer(w);
      w.write(';');
    });
  }

  /**
   * Raw statements (functions, classes, interfaces): the runtime copied from src/runtime/ and
   * fixed declarations. They are laid out as the writer would print them (`printedCode`, once
   * per text) and spliced in after printing instead of being pushed through the writer
   * character by character for every module.
   */
  addCode(text: string): void {
    this.statements.push(new Code(text));
  }

  /** Prints the file: deterministic text, LF line ends, two-space indent, double quotes. */
  print(): string {
    const w: CodeBlockWriter = new (tsMorph().CodeBlockWriter)({
      newLine: '\n',
      indentNumberOfSpaces: 2,
      useTabs: false,
      useSingleQuote: false,
    });
    const code: string[] = [];
    for (const statement of this.statements) {
      if (w.getLength() > 0) w.newLineIfLastNot();
      if (typeof statement === 'string') w.write(statement);
      else if (statement instanceof Code) {
        // A line of its own, as the code's text would be; a NUL never comes out of literal(), key() or doc().
        if (statement.printed === '') continue;
        w.write(`${CODE_MARK}${code.length}${CODE_MARK}`);
        code.push(statement.printed);
      } else statement(w);
    }
    const printed = w.toString().replace(/__policyc_data_(\d+)__/g, (_, n: string) => this.chunks[Number(n)]!);
    const body = spaceDeclarations(printed.replace(/[ \t]+$/gm, ''), code);
    return `${this.header.map((l) => `// ${l}`).join('\n')}\n\n${body.trimEnd()}\n`;
  }
}

/** Marks the line where a block of fixed code goes in the writer's text (a NUL: no policy text prints one). */
const CODE_MARK = '\u0000';
const CODE_LINE = /^\u0000(\d+)\u0000$/;

/** Fixed code as printed, by its text: the runtime's two sections and the metadata interfaces. */
const printedCodeCache = new Map<string, string>();

/**
 * Fixed code as GeneratedFile.print() lays it out inside a module, but for the blank line the
 * module may put before its first line: trimmed, LF line ends (the writer splits on CRLF too),
 * no trailing blanks, one blank line before each declaration (spaceDeclarations). This is the
 * text a module carries verbatim, the runtime's sections included.
 */
export function printedCode(text: string): string {
  let printed = printedCodeCache.get(text);
  if (printed === undefined) {
    printed = spaceDeclarations(
      text
        .trim()
        .replace(/\r?\n/g, '\n')
        .replace(/[ \t]+$/gm, ''),
    );
    if (printedCodeCache.size >= 64) printedCodeCache.clear();
    printedCodeCache.set(text, printed);
  }
  return printed;
}

/** A block of fixed code in a file's statements, laid out once (`printedCode`). */
class Code {
  readonly printed: string;
  constructor(text: string) {
    this.printed = printedCode(text);
  }
}

/**
 * One blank line before each top-level declaration (and its doc comment). String literals
 * cannot span lines, so a line starting at column 0 is always the start of a statement or comment.
 * A line that is a code mark of `print` is replaced by that block of `code`, already spaced
 * (`printedCode`): whether a line gets a blank line before it depends only on the line before,
 * so the result is the text spaced as a whole.
 */
export function spaceDeclarations(text: string, code: readonly string[] = []): string {
  const out: string[] = [];
  let prev = '';
  let blocks = 0;
  for (const line of text.split('\n')) {
    const block = code.length > 0 ? CODE_LINE.exec(line) : null;
    if (block) {
      const printed = code[Number(block[1])]!;
      blocks++;
      const first = printed.slice(0, (printed.indexOf('\n') + 1 || printed.length + 1) - 1);
      if (blankBefore(prev, first)) out.push('');
      out.push(printed);
      prev = printed.slice(printed.lastIndexOf('\n') + 1);
      continue;
    }
    if (blankBefore(prev, line)) out.push('');
    out.push(line);
    prev = line;
  }
  if (blocks !== code.length) throw new Error(`internal: ${code.length - blocks} block(s) of code lost their line`);
  return out.join('\n');
}

/** Whether `line` starts a declaration after `prev`, a line that is not blank and not a comment. */
function blankBefore(prev: string, line: string): boolean {
  return (
    /^(\/\*\*|\/\/ ---- |export |const |function |interface |class |type )/.test(line) &&
    prev.trim() !== '' &&
    !/^\s*(\/\*\*|\*|\/\/)/.test(prev)
  );
}

/** A string as an inert TypeScript string literal (JSON escaping: quotes, backslashes, control characters). */
export function literal(value: string): string {
  // JSON leaves U+2028/U+2029 raw; they are valid in string literals but confuse some tools.
  // `</` is escaped so that the code stays inert even if someone inlines it in an HTML <script>.
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    .replace(/<\//g, '<\\/');
}

/**
 * A property name for an object literal. `__proto__` must be computed (`["__proto__"]`): as a
 * plain or quoted key it would set the object's prototype instead of a property.
 */
export function key(value: string): string {
  return value === '__proto__' ? `[${literal(value)}]` : literal(value);
}

/**
 * Policy text made safe for a comment: no comment terminator, no line breaks, no JSDoc tags
 * (`@deprecated` in a title must not deprecate anything), no invisible bidirectional controls.
 */
export function doc(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\*\//g, '*\u2215')
    .replace(/\/\*/g, '\u2215*')
    .replace(/@/g, '\uff20')
    .trim();
}
