import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, isScalar, parseAllDocuments, Parser, Scalar, type ToStringOptions, visit } from 'yaml';
import { mapTag, seqTag, type StringifyContext, stringifyString, stringTag } from 'yaml/util';

/**
 * The canonical layout of a policy file, written by `policyc fmt` (like `opa fmt`, `prettier`):
 *
 * - two-space indentation, sequences indented below their key, LF line ends, one final newline;
 * - the first document without `---`, every following one after `---`;
 * - a document's own keys in the order apiVersion, kind, metadata, spec (then any others);
 * - flow collections kept flow, written `[a, b]` and `{ name: x }` (as prettier does), block ones
 *   kept block;
 * - trailing comments on consecutive lines aligned one space after the longest line (as gofmt
 *   does), a lone one one space after its line; at most one blank line between entries;
 * - scalars keep their style (plain, quoted, `|`, `>`), and lines are never re-wrapped: a folded
 *   block (`>`) keeps the author's line breaks, so a changed word is a one-line diff.
 *
 * Comments are kept, wherever they are. The layout only changes whitespace and the order of a
 * document's top-level keys, never the data: every result is parsed again and compared.
 */
const FORMAT_OPTIONS: ToStringOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: false,
  directives: null,
};

/** The top-level keys of every policy document, in the order the layout writes them. */
const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata', 'spec'];

/** Why a text could not be formatted: the formatter refuses rather than change meaning. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/**
 * Formats the text of a policy file. The text must parse without YAML errors (callers check it
 * with the loader first, to report positioned diagnostics). Throws FormatError when the result
 * would not hold exactly the same data and comments, which would be a bug in the formatter.
 */
export function formatPolicyYaml(text: string): string {
  const folded = new WeakMap<Scalar, FoldedSource>();
  const docs = parseAllDocuments(text, {
    keepSourceTokens: true,
    uniqueKeys: true,
    customTags: (tags) =>
      tags.map((t) =>
        t === stringTag
          ? foldedKeepingString(folded)
          : t === mapTag
            ? withPadding(mapTag, true)
            : t === seqTag
              ? withPadding(seqTag, false)
              : t,
      ),
  });
  if (!Array.isArray(docs)) return '';
  for (const doc of docs) {
    if (doc.errors.length > 0)
      throw new FormatError(`the file is not well-formed YAML: ${doc.errors[0]?.message ?? ''}`);
  }
  const parts = docs.map((doc, index) => {
    rememberFoldedBlocks(doc, folded);
    orderTopLevelKeys(doc);
    doc.directives.docStart = index > 0 ? true : null;
    doc.directives.docEnd = false;
    return doc.toString(FORMAT_OPTIONS);
  });
  // At most one blank line anywhere, none right after a `---` (a line that is exactly `---`
  // always starts a document, so no block scalar can hold it).
  const joined = parts
    .join('')
    .replace(/\n{2,}(?=\n)/g, '\n')
    .replace(/^---\n\n/gm, '---\n');
  const formatted = alignTrailingComments(`${joined.trimEnd()}\n`);
  const result = formatted.trim() === '' ? '' : formatted;
  verifySameContent(text, result);
  return result;
}

/** The header and the content lines (without their indentation) of a `>` block scalar. */
interface FoldedSource {
  readonly header: string;
  readonly lines: readonly string[];
}

/** Records, for every `>` block scalar that can be rewritten line for line, its source lines. */
function rememberFoldedBlocks(doc: Document, folded: WeakMap<Scalar, FoldedSource>): void {
  visit(doc, {
    Scalar(_key, node) {
      if (node.type !== Scalar.BLOCK_FOLDED || typeof node.value !== 'string') return;
      const token = node.srcToken;
      if (token?.type !== 'block-scalar') return;
      const headerToken = token.props.find((p) => p.type === 'block-scalar-header');
      const header = headerToken && 'source' in headerToken ? headerToken.source : undefined;
      // Explicit indentation (`>2`), keep chomping (`>+`), tabs and header comments are left to the library.
      if (header !== '>' && header !== '>-') return;
      if (token.props.some((p) => p.type === 'comment') || token.source.includes('\t')) return;
      const raw = token.source.replace(/\n+$/, '').split('\n');
      const widths = raw.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
      if (widths.length === 0) return;
      const base = Math.min(...widths);
      folded.set(node, { header, lines: raw.map((l) => (l.trim() === '' ? '' : l.slice(base))) });
    },
  });
}

/** The library's string tag, except that a remembered `>` block is written with its own line breaks. */
function foldedKeepingString(folded: WeakMap<Scalar, FoldedSource>): typeof stringTag {
  return {
    ...stringTag,
    stringify(item, ctx, onComment, onChompKeep) {
      const source = isScalar(item) ? folded.get(item) : undefined;
      if (source && ctx.indent !== '') {
        return `${source.header}\n${source.lines.map((l) => (l === '' ? '' : ctx.indent + l)).join('\n')}`;
      }
      return stringifyString(item, ctx, onComment, onChompKeep);
    },
  };
}

/** A collection tag whose flow form is written with (`{ a: 1 }`) or without (`[a]`) inner spaces. */
function withPadding<T extends typeof mapTag | typeof seqTag>(tag: T, padding: boolean): T {
  const stringify = (
    node: { toString(ctx: StringifyContext, onComment?: () => void, onChompKeep?: () => void): string },
    ctx: StringifyContext,
    onComment?: () => void,
    onChompKeep?: () => void,
  ): string =>
    // Every collection passes through its own tag, so the setting holds for this level only.
    node.toString({ ...ctx, flowCollectionPadding: padding ? ' ' : '' }, onComment, onChompKeep);
  return { ...tag, stringify } as unknown as T;
}

/** Puts apiVersion, kind, metadata and spec first, in that order; other keys keep their order after them. */
function orderTopLevelKeys(doc: Document): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const rank = (key: unknown): number => {
    const name = isScalar(key) ? key.value : key;
    const i = typeof name === 'string' ? TOP_LEVEL_ORDER.indexOf(name) : -1;
    return i === -1 ? TOP_LEVEL_ORDER.length : i;
  };
  // Array.prototype.sort is stable: keys of equal rank keep their order.
  const sorted = [...root.items].sort((a, b) => rank(a.key) - rank(b.key));
  if (sorted.every((p, i) => p === root.items[i])) return;
  // The comment above the first key belongs to the document's head, not to that key.
  const first = root.items[0]?.key;
  if (isScalar(first) && first.commentBefore && sorted[0]?.key !== first) {
    doc.commentBefore = [doc.commentBefore, first.commentBefore].filter(Boolean).join('\n');
    first.commentBefore = undefined;
  }
  root.items = sorted;
}

/** Fails unless `after` holds the same data, document for document, and the same comments as `before`. */
function verifySameContent(before: string, after: string): void {
  const data = (text: string) => parseAllDocuments(text, { uniqueKeys: true });
  const a = data(before);
  const b = data(after);
  const values = (docs: typeof a) =>
    Array.isArray(docs)
      ? docs.filter((d) => d.contents !== null || d.commentBefore || d.comment).map((d) => d.toJS())
      : [];
  if (!isDeepStrictEqual(values(a), values(b))) throw new FormatError('formatting would change the data of the file');
  if (!isDeepStrictEqual(comments(before), comments(after)))
    throw new FormatError('formatting would drop or change a comment');
}

/** Every comment of a YAML text, in order, with its offset, from the library's concrete syntax tree. */
function commentTokens(text: string): { offset: number; source: string }[] {
  const found: { offset: number; source: string }[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (value !== null && typeof value === 'object') {
      const token = value as { type?: unknown; source?: unknown; offset?: unknown };
      if (token.type === 'comment' && typeof token.source === 'string' && typeof token.offset === 'number') {
        found.push({ offset: token.offset, source: token.source.trimEnd() });
      }
      for (const v of Object.values(value)) if (typeof v === 'object') walk(v);
    }
  };
  for (const token of new Parser().parse(text)) walk(token);
  return found.sort((a, b) => a.offset - b.offset);
}

function comments(text: string): string[] {
  return commentTokens(text).map((c) => c.source);
}

/** Aligns the trailing comments of consecutive lines one space after the longest of those lines. */
function alignTrailingComments(text: string): string {
  const lines = text.split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length + 1;
  }
  // line number -> column of its trailing comment
  const trailing = new Map<number, number>();
  let line = 0;
  for (const { offset } of commentTokens(text)) {
    while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= offset) line++;
    const column = offset - (starts[line] ?? 0);
    if ((lines[line] ?? '').slice(0, column).trim() !== '') trailing.set(line, column);
  }
  const numbers = [...trailing.keys()].sort((a, b) => a - b);
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] ?? 0) + 1) j++;
    const group = numbers.slice(i, j + 1);
    const code = (n: number) => (lines[n] ?? '').slice(0, trailing.get(n)).trimEnd();
    const width = Math.max(...group.map((n) => code(n).length)) + 1;
    for (const n of group) lines[n] = code(n).padEnd(width) + (lines[n] ?? '').slice(trailing.get(n));
    i = j + 1;
  }
  return lines.join('\n');
}
