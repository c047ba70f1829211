import { codeFrameColumns } from '@babel/code-frame';
import pc from 'picocolors';
import { CODES, type DiagnosticCode } from './codes.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import type { SourceFile } from './span.js';
import { frameText, printable, printableLines } from './printable.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** How diagnostics are printed: for people, for programs, or as GitHub Actions annotations. */
export type OutputFormat = 'human' | 'json' | 'github';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['human', 'json', 'github'];

/** Colour functions, enabled or not. */
export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/**
 * One diagnostic for a terminal:
 *
 *     error[PC301] unknown permission `records:updte`
 *       --> policies/crm/roles/agent.yaml:12:7
 *        11 |   grants:
 *     >  12 |     - records:updte: own
 *           |       ^^^^^^^^^^^^^
 *       hint: did you mean `records:update`?
 */
export function renderHuman(d: Diagnostic, files: ReadonlyMap<string, SourceFile>, c: Colors): string {
  const label = d.severity === 'error' ? c.red(c.bold(`error[${d.code}]`)) : c.yellow(c.bold(`warning[${d.code}]`));
  const lines = [`${label} ${c.bold(printableLines(d.message))}`];
  if (d.span) {
    lines.push(`  ${c.blue('-->')} ${printable(d.span.file)}:${d.span.line}:${d.span.column}`);
    const file = files.get(d.span.file);
    const shown = file ? frame(file, d.span, c) : undefined;
    if (shown !== undefined) lines.push(indent(shown, 2));
  }
  for (const r of d.related ?? []) {
    lines.push(
      `  ${c.dim('note:')} ${printable(r.message)} at ${printable(r.span.file)}:${r.span.line}:${r.span.column}`,
    );
  }
  if (d.hint) lines.push(`  ${c.cyan('hint:')} ${printableLines(d.hint)}`);
  return lines.join('\n');
}

/** Each file's lines made safe for a frame, split once: rendering n diagnostics of a file costs n frames, not n times the file. */
const frameLines = new WeakMap<SourceFile, readonly string[]>();

function linesOf(file: SourceFile): readonly string[] {
  let lines = frameLines.get(file);
  if (!lines) {
    // Control and invisible reordering characters would drive the terminal or scramble the frame: show them, one for one.
    lines = frameText(file.text).split('\n');
    frameLines.set(file, lines);
  }
  return lines;
}

/** The code frame of a span, or undefined for an empty file. */
function frame(file: SourceFile, span: NonNullable<Diagnostic['span']>, c: Colors): string | undefined {
  const sameLine = span.endLine === span.line;
  const lines = linesOf(file);
  if (lines.length === 1 && lines[0] === '') return undefined;
  // Only the lines the frame shows (one above the span, through its end) go to the code frame, numbered from `first`.
  const first = Math.max(1, span.line - 1);
  const options = { highlightCode: false, linesAbove: 1, linesBelow: 0, startLine: first };
  const text = codeFrameColumns(
    lines.slice(first - 1, span.endLine).join('\n'),
    {
      start: { line: span.line, column: span.column },
      end: { line: span.endLine, column: sameLine ? Math.max(span.endColumn, span.column + 1) : span.endColumn },
    },
    options as Parameters<typeof codeFrameColumns>[2],
  );
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*\|\s*\^/.test(line)) return line.replace(/\^+/, (m) => c.red(m));
      if (line.startsWith('>')) return c.bold(line);
      return c.dim(line);
    })
    .join('\n');
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** Counts as words: "2 errors, 1 warning". */
export function countLabel(errors: number, warnings: number): string {
  const e = `${errors} error${errors === 1 ? '' : 's'}`;
  const w = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  return `${e}, ${w}`;
}

/** A diagnostic in JSON output (`check`, `build`, `diff`, `--format json`): positions are 1-based. */
export interface JsonDiagnostic {
  readonly code: DiagnosticCode;
  /** The code's stable name (`unknown-permission`). */
  readonly name: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly hint?: string;
  readonly related?: readonly {
    readonly message: string;
    readonly file: string;
    readonly line: number;
    readonly column: number;
  }[];
}

/** A diagnostic as a plain object for JSON output (stable field order). */
export function toJson(d: Diagnostic): JsonDiagnostic {
  return {
    code: d.code,
    name: CODES[d.code].name,
    severity: d.severity,
    message: d.message,
    ...(d.span
      ? {
          file: d.span.file,
          line: d.span.line,
          column: d.span.column,
          endLine: d.span.endLine,
          endColumn: d.span.endColumn,
        }
      : {}),
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.related
      ? {
          related: d.related.map((r) => ({
            message: r.message,
            file: r.span.file,
            line: r.span.line,
            column: r.span.column,
          })),
        }
      : {}),
  };
}

/** A diagnostic as a GitHub Actions workflow command, which GitHub shows as an annotation on the pull request. */
export function renderGithub(d: Diagnostic): string {
  const props: string[] = [];
  if (d.span) {
    props.push(`file=${escapeProperty(d.span.file)}`, `line=${d.span.line}`, `col=${d.span.column}`);
    if (d.span.endLine !== d.span.line) props.push(`endLine=${d.span.endLine}`);
    else props.push(`endColumn=${d.span.endColumn}`);
  }
  props.push(`title=${escapeProperty(`${d.code} ${CODES[d.code].name}`)}`);
  const message = printableLines(d.hint ? `${d.message}\nhint: ${d.hint}` : d.message);
  return `::${d.severity} ${props.join(',')}::${escapeData(message)}`;
}

/** Escapes the message of a GitHub workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property (file, title) of a GitHub workflow command; control characters are shown escaped. */
export function escapeProperty(s: string): string {
  return escapeData(printable(s)).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
