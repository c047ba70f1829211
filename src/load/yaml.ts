import type { Alias, Document, Node as YamlNode, YAMLError } from 'yaml';
import type { Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan, type Span } from '../diagnostics/span.js';
import type { SourceFile } from './source.js';
import { type FastDocument, parseFast, YAML_OPTIONS } from './yaml-fast.js';
import { isAlias, isCollection, isMap, isScalar, isSeq, parseAllDocuments, visit } from './yaml-lib.js';

/** A path into a document's value: map keys and sequence indexes (a JSON pointer, unescaped). */
export type Pointer = readonly (string | number)[];

/** One YAML document of a policy file: its syntax tree (for positions) and its plain value. */
export interface YamlDocument {
  readonly file: SourceFile;
  /** 0-based position of the document in its file. */
  readonly index: number;
  readonly value: unknown;
  /** The span of the node at `pointer` (its key with `part: 'key'`), or the nearest enclosing node. */
  locate(pointer: Pointer, part?: 'key' | 'value'): Span;
}

const YAML_ERROR_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  BAD_INDENT: 'check the indentation of this line against its siblings',
  MULTILINE_IMPLICIT_KEY: 'a key must be on one line; is a `:` or a closing quote missing?',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  BAD_ALIAS: 'quote values that start with `*`, for example `"*"` or `"records:*"`',
  UNEXPECTED_TOKEN: 'is a quote, a `-` or a `:` misplaced?',
  BLOCK_AS_IMPLICIT_KEY: 'is a `:` missing at the end of the previous line?',
};

/**
 * Parses every document of a file, keeping positions. Syntax errors, duplicate keys, aliases,
 * anchors, merge keys, explicit tags and non-string keys are reported; documents with such
 * problems are not returned, so later stages only see plain, fully written-out data.
 */
export function parseYamlFile(
  file: SourceFile,
  diagnostics: Diagnostics,
  options: { readonly fastPath?: boolean } = {},
): YamlDocument[] {
  // The fast path (yaml-fast.ts) reads the syntax tokens directly; it gives up on anything that
  // needs a diagnostic, and when yaml's debugging switches are on (they dump the composer's input).
  if (options.fastPath !== false && YAML_ENVIRONMENT.every((name) => process.env[name] === undefined)) {
    const fast = withPlainEnvironment(() => parseFast(file.text));
    if (fast) return fastDocuments(file, fast, diagnostics);
  }
  const docs = withPlainEnvironment(() => parseAllDocuments(file.text, YAML_OPTIONS));
  const parsed = Array.isArray(docs) ? docs : [];
  const result: YamlDocument[] = [];
  let nonEmpty = 0;
  if (parsed.some((doc) => doc.directives?.yaml.explicit === true && doc.directives.yaml.version !== '1.2')) {
    // Under YAML 1.1, `yes`, `no`, `on` and `off` are booleans and `0777` is octal: the same text
    // would mean something else to policyc's schema than to a reviewer who knows the language.
    const m = /^%YAML[ \t]+[^\s#]*/m.exec(file.text);
    diagnostics.report(
      'PC110',
      `the file asks for ${m ? m[0].replace(/\s+/, ' ') : 'another YAML version'}; policy files are YAML 1.2`,
      m ? file.lines.span(file.path, m.index, m.index + m[0].length) : fileSpan(file.path),
      {
        hint: 'delete the %YAML line: policy files are plain YAML 1.2 (no yes/no booleans, no octal 0777)',
      },
    );
    return [];
  }
  parsed.forEach((doc, index) => {
    const before = diagnostics.errorCount;
    for (const error of yamlProblems(doc)) reportYamlError(file, doc, error, diagnostics);
    if (diagnostics.errorCount > before) {
      nonEmpty++;
      return;
    }
    if (isEmptyDocument(doc)) return;
    nonEmpty++;
    const converted = toPlain(doc.contents as YamlNode);
    // Anything that is not plain data is reported by the (slower, more precise) checker.
    if (converted === NOT_PLAIN) {
      checkPlainData(file, doc, diagnostics);
      return;
    }
    result.push(documentOf(file, index, converted));
  });
  if (nonEmpty === 0) {
    reportNoDocument(file, diagnostics);
  }
  return result;
}

/** The documents of a file the fast path read: the same result, and the same PC105, as the Document path gives. */
function fastDocuments(file: SourceFile, fast: readonly FastDocument[], diagnostics: Diagnostics): YamlDocument[] {
  const result: YamlDocument[] = [];
  fast.forEach(({ empty, value, positions, root }, index) => {
    if (empty) return;
    result.push(documentOf(file, index, { value, positions, root }));
  });
  if (result.length === 0) {
    reportNoDocument(file, diagnostics);
  }
  return result;
}

function reportNoDocument(file: SourceFile, diagnostics: Diagnostics): void {
  diagnostics.report('PC105', 'file holds no YAML document', fileSpan(file.path), {
    hint: 'add a document (apiVersion: policyc/v1, kind, metadata, spec) or delete the file',
  });
}

/** The environment variables the `yaml` package reads (its debugging switches); test/load-yaml.test.ts checks the list against the installed package. */
export const YAML_ENVIRONMENT = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * Runs `parse` with `process.env` replaced by a plain object holding the variables `yaml` reads.
 * The package reads `process.env.LOG_TOKENS` once per token, and on Node every read of
 * `process.env` is a call into the C++ environment: about 1.5 s of a 2,000-file set's 4.5 M
 * tokens, a sixth of the parse (see bench/RESULTS.md). Copying the whole environment costs as
 * much again over 2,000 files, so only those variables are copied. The parse is synchronous:
 * nothing else runs meanwhile, and the real environment is back before this returns.
 */
function withPlainEnvironment<T>(parse: () => T): T {
  const real = process.env;
  const plain: NodeJS.ProcessEnv = {};
  for (const name of YAML_ENVIRONMENT) if (real[name] !== undefined) plain[name] = real[name];
  process.env = plain;
  try {
    return parse();
  } finally {
    process.env = real;
  }
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents as YamlNode | null;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && (contents.range?.[0] ?? 0) === (contents.range?.[1] ?? 0);
}

/**
 * The parser's problems worth reporting for one document. Duplicate keys and unknown tags are
 * precise and independent, so all of them are kept; of the syntax errors only the first is:
 * the parser recovers from an error by guessing, and what follows is usually a consequence of
 * that guess (a tab used as indentation yields four errors, only the first of which says so).
 */
function yamlProblems(doc: Document.Parsed): YAMLError[] {
  const all = [...doc.errors, ...doc.warnings];
  const independent = all.filter((e) => e.code === 'DUPLICATE_KEY' || e.code === 'TAG_RESOLVE_FAILED');
  const syntax = all.filter((e) => !independent.includes(e));
  // A tab is the cause wherever the parser noticed it; otherwise the earliest problem is.
  const first = syntax.find((e) => e.code === 'TAB_AS_INDENT') ?? [...syntax].sort((a, b) => a.pos[0] - b.pos[0])[0];
  return first ? [...independent, first] : independent;
}

function reportYamlError(file: SourceFile, doc: Document.Parsed, error: YAMLError, diagnostics: Diagnostics): void {
  const [start, end] = error.pos;
  const span = file.lines.span(file.path, start, Math.max(end, start + 1));
  const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  if (error.code === 'DUPLICATE_KEY') {
    const { key, first } = duplicateKey(doc, start);
    const keySpan = key?.range ? file.lines.span(file.path, key.range[0], key.range[1]) : span;
    const name = key && isScalar(key) ? String(key.value) : file.text.slice(start, end).trim() || 'key';
    diagnostics.report('PC102', `duplicate key \`${name}\` in this mapping`, keySpan, {
      hint: 'each key may appear once; merge the two entries, or remove one',
      related: first?.range
        ? [{ message: 'first used here', span: file.lines.span(file.path, first.range[0], first.range[1]) }]
        : [],
    });
  } else if (error.code === 'TAG_RESOLVE_FAILED') {
    const tag = /^!\S*/.exec(file.text.slice(start, end))?.[0] ?? message.replace(/^.*: /, '');
    diagnostics.report('PC104', `explicit tag \`${tag}\` is not allowed in policy files`, span, {
      hint: 'remove the tag; quote the value if it must be a string',
    });
  } else if (error.code === 'MISSING_CHAR' && /closing ["']quote/.test(message)) {
    const quote = message.includes('"') ? '"' : "'";
    const open = openingQuote(file.text, start, quote);
    const lineEnd = open === undefined ? -1 : file.text.indexOf('\n', open);
    const at =
      open === undefined ? span : file.lines.span(file.path, open, lineEnd === -1 ? file.text.length : lineEnd);
    diagnostics.report('PC101', `this ${quote === '"' ? 'double' : 'single'}-quoted string is never closed`, at, {
      hint: `add the closing \`${quote}\` at the end of the value`,
    });
  } else if (error.code === 'BAD_ALIAS' && isBareStar(file.text, start)) {
    const star = tokenStart(file.text, start);
    diagnostics.report('PC101', 'an unquoted `*` starts a YAML alias', file.lines.span(file.path, star, star + 1), {
      hint: 'quote the wildcard: `- "*"` (and `"records:*"`)',
    });
  } else if (/call stack/i.test(message)) {
    // The parser gave up on absurd nesting (`[[[[…`) rather than crash; say so in words, at the
    // start of the run of brackets (where it gave up depends on the stack size).
    let open = start;
    while (open > 0 && /[[{\s,]/.test(file.text[open - 1]!) && file.text[open - 1] !== '\n') open--;
    while (open < start && /[\s,]/.test(file.text[open]!)) open++;
    diagnostics.report('PC101', 'values are nested too deeply to read', file.lines.span(file.path, open, open + 1), {
      hint: 'a policy document needs only a few levels of nesting; are brackets unbalanced, or is this not a policy file?',
    });
  } else {
    diagnostics.report('PC101', lowerFirst(message), span, { hint: YAML_ERROR_HINTS[error.code] });
  }
}

/** The key node of the duplicate key that starts at `offset`, and the earlier key of the same mapping it repeats. */
function duplicateKey(
  doc: Document.Parsed,
  offset: number,
): { key: YamlNode | undefined; first: YamlNode | undefined } {
  let key: YamlNode | undefined;
  let first: YamlNode | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items
        .map((p) => p.key as YamlNode | null)
        .filter((k): k is YamlNode => k !== null && isScalar(k));
      const dup = keys.find((k) => k.range?.[0] === offset);
      if (!dup) return undefined;
      key = dup;
      first = keys.find((k) => k !== dup && isScalar(k) && isScalar(dup) && k.value === dup.value);
      return visit.BREAK;
    },
  });
  return { key, first };
}

/** The offset of the quote that opens an unclosed quoted string ending at `end`. */
function openingQuote(text: string, end: number, quote: string): number | undefined {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    // `\"` inside a double-quoted string and `''` inside a single-quoted one are escapes.
    if (quote === '"' && text[i - 1] === '\\') continue;
    if (quote === "'" && (text[i - 1] === "'" || text[i + 1] === "'")) {
      i--;
      continue;
    }
    return i;
  }
  return undefined;
}

/** Where the token holding `offset` starts: after the previous blank or flow indicator. */
function tokenStart(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && !/[\s,[\]{}]/.test(text[i - 1]!)) i--;
  return i;
}

/** Whether the alias the parser complains about at `offset` is a lone `*` (or `*:`), the wildcard written without quotes. */
function isBareStar(text: string, offset: number): boolean {
  const start = tokenStart(text, offset);
  const token = /^[^\s,[\]{}]*/.exec(text.slice(start))![0];
  return token === '*' || token === '*:';
}

/**
 * Rejects anchors, aliases, merge keys, explicit tags and collection keys. Returns true when the
 * document is plain data. An anchor and its aliases are reported once, at the anchor, so that
 * a "billion laughs" document yields one finding per anchor rather than one per alias.
 */
function checkPlainData(file: SourceFile, doc: Document.Parsed, diagnostics: Diagnostics): boolean {
  let ok = true;
  const spanOf = (node: YamlNode): Span => {
    const [s, e] = node.range ?? [0, 0];
    return file.lines.span(file.path, s, e);
  };
  const anchors = new Map<string, { node: YamlNode; aliases: Alias[] }>();
  const strayAliases: Alias[] = [];
  visit(doc, {
    Alias(_, node) {
      ok = false;
      const anchor = anchors.get(node.source);
      if (anchor) anchor.aliases.push(node);
      else strayAliases.push(node);
    },
    Node(_, node) {
      if (node.anchor && !anchors.has(node.anchor)) anchors.set(node.anchor, { node, aliases: [] });
      if (node.tag && !isAlias(node)) {
        ok = false;
        const tag = propertyBefore(file.text, node, /(![^\s]*)(?:\s+&\S+)?\s*$/);
        const shown = tag ? file.text.slice(tag.start, tag.end) : node.tag;
        diagnostics.report(
          'PC104',
          `explicit tag \`${shown}\` is not allowed in policy files`,
          tag ? file.lines.span(file.path, tag.start, tag.end) : spanOf(node),
          {
            hint: 'remove the tag; quote the value if it must be a string',
          },
        );
      }
    },
    Pair(_, pair) {
      const key = pair.key as YamlNode | null;
      if (key && isCollection(key)) {
        ok = false;
        diagnostics.report('PC109', 'a mapping key must be a plain string, not a list or mapping', spanOf(key), {
          hint: 'is a `?` or a bracket misplaced?',
        });
      } else if (key && isScalar(key) && key.value === '<<') {
        ok = false;
        diagnostics.report('PC103', 'merge keys (`<<`) are not allowed in policy files', spanOf(key), {
          hint: 'write the fields out in full so reviewers see every grant',
        });
      }
    },
  });
  for (const [name, { node, aliases }] of anchors) {
    ok = false;
    const at = propertyBefore(file.text, node, new RegExp(`(&${escapeRegExp(name)})(?:\\s+!\\S*)?\\s*$`));
    const span = at ? file.lines.span(file.path, at.start, at.end) : spanOf(node);
    const uses = aliases.length === 1 ? 'its alias' : `its ${aliases.length} aliases`;
    diagnostics.report(
      'PC103',
      aliases.length === 0
        ? `anchor \`&${name}\` is not allowed in policy files`
        : `anchor \`&${name}\` and ${uses} \`*${name}\` are not allowed in policy files`,
      span,
      {
        hint:
          aliases.length === 0
            ? `remove \`&${name}\``
            : 'write the value out in full wherever it is used, so reviewers see every grant',
        related: aliases
          .slice(0, 1)
          .map((a) => ({ message: aliases.length === 1 ? 'the alias' : 'first alias', span: spanOf(a) })),
      },
    );
  }
  for (const node of strayAliases) {
    diagnostics.report('PC103', `alias \`*${node.source}\` is not allowed in policy files`, spanOf(node), {
      hint: 'write the value out in full so reviewers see every grant; if you meant the wildcard, quote it: "*"',
    });
  }
  return ok;
}

/**
 * The text of a node property (`&anchor`, `!tag`) written just before the node: node ranges
 * exclude their properties. `pattern` matches the end of the text before the node, group 1 the property.
 */
function propertyBefore(text: string, node: YamlNode, pattern: RegExp): { start: number; end: number } | undefined {
  const start = node.range?.[0];
  if (start === undefined) return undefined;
  const windowStart = Math.max(0, start - 300);
  const match = pattern.exec(text.slice(windowStart, start));
  if (!match?.[1]) return undefined;
  const at = windowStart + match.index;
  return { start: at, end: at + match[1].length };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where a node was written: start and end offsets, and whether it is a collection. */
export type Range = readonly [start: number, end: number, collection: boolean];

/**
 * Where the parts of one mapping or list were written, packed flat (documents can hold hundreds
 * of thousands of grants): for a mapping, its key names and per key [keyStart, keyEnd,
 * valueStart, valueEnd, valueIsCollection]; for a list, per item [start, end, isCollection].
 */
export type Positions =
  | { readonly names: string[]; readonly at: number[] }
  | { readonly names: undefined; readonly at: number[] };

const NOT_PLAIN = Symbol('not plain data');

/**
 * Converts a document's syntax tree to plain data in one walk, recording where every key and
 * value was written (offsets only, so the tree can be dropped). Returns NOT_PLAIN at the first
 * alias, anchor, tag, merge key or collection key.
 */
function toPlain(
  root: YamlNode,
): { value: unknown; positions: WeakMap<object, Positions>; root: Range } | typeof NOT_PLAIN {
  const positions = new WeakMap<object, Positions>();
  const walk = (node: YamlNode | null): unknown => {
    if (node === null) return null;
    if (isAlias(node) || node.anchor || node.tag) throw NOT_PLAIN;
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const names: string[] = [];
      const at: number[] = [];
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (key !== null && (!isScalar(key) || key.anchor || key.tag || key.value === '<<')) throw NOT_PLAIN;
        const name = key === null ? '' : String(key.value);
        const value = pair.value as YamlNode | null;
        const v = walk(value);
        // `__proto__` must become an own property, never the object's prototype.
        if (name === '__proto__')
          Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
        else out[name] = v;
        const ks = key?.range?.[0] ?? 0;
        const ke = key?.range?.[1] ?? 0;
        names.push(name);
        if (value === null) at.push(ks, ke, ks, ke, 0);
        else at.push(ks, ke, value.range?.[0] ?? 0, value.range?.[1] ?? 0, isCollection(value) ? 1 : 0);
      }
      positions.set(out, { names, at });
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const at: number[] = [];
      for (const item of node.items as (YamlNode | null)[]) {
        out.push(walk(item));
        if (item === null) at.push(0, 0, 0);
        else at.push(item.range?.[0] ?? 0, item.range?.[1] ?? 0, isCollection(item) ? 1 : 0);
      }
      positions.set(out, { names: undefined, at });
      return out;
    }
    throw NOT_PLAIN;
  };
  try {
    return { value: walk(root), positions, root: [root.range?.[0] ?? 0, root.range?.[1] ?? 0, isCollection(root)] };
  } catch (error) {
    if (error === NOT_PLAIN) return NOT_PLAIN;
    throw error;
  }
}

/** The span of the value (or key) at `pointer`, descending as far as the document allows. */
function locate(
  file: SourceFile,
  value: unknown,
  positions: WeakMap<object, Positions>,
  root: Range,
  pointer: Pointer,
  part: 'key' | 'value',
): Span {
  let current = value;
  let range: Range = root;
  let keyRange: Range | undefined;
  for (const segment of pointer) {
    const pos = typeof current === 'object' && current !== null ? positions.get(current) : undefined;
    if (!pos) break;
    if (pos.names) {
      const i = pos.names.indexOf(String(segment));
      if (i < 0) break;
      const a = pos.at;
      keyRange = [a[i * 5]!, a[i * 5 + 1]!, false];
      range = [a[i * 5 + 2]!, a[i * 5 + 3]!, a[i * 5 + 4] === 1];
      current = (current as Record<string, unknown>)[String(segment)];
    } else {
      if (typeof segment !== 'number' || segment < 0 || segment * 3 >= pos.at.length) break;
      const a = pos.at;
      keyRange = undefined;
      range = [a[segment * 3]!, a[segment * 3 + 1]!, a[segment * 3 + 2] === 1];
      current = (current as unknown[])[segment];
    }
  }
  const [start, end, collection] = part === 'key' && keyRange ? keyRange : range;
  if (start === 0 && end === 0 && file.text.length > 0 && pointer.length > 0) return file.lines.span(file.path, 0, 1);
  // A block collection's range runs to the start of the next line; point at its first line only.
  const newline = collection ? file.text.indexOf('\n', start) : -1;
  const shown = file.text.slice(start, newline >= 0 && newline < end ? newline : end).trimEnd();
  return file.lines.span(file.path, start, start + Math.max(shown.length, 1));
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** A document's value and where its parts were written: what toPlain returns, and what the parse cache keeps. */
interface Converted {
  readonly value: unknown;
  readonly positions: WeakMap<object, Positions>;
  readonly root: Range;
}

/** What a document was made from, for documentRecord. */
const convertedOf = new WeakMap<YamlDocument, Converted>();

function documentOf(file: SourceFile, index: number, c: Converted): YamlDocument {
  const { value, positions, root } = c;
  const doc: YamlDocument = {
    file,
    index,
    value,
    locate: (pointer, part = 'value') => locate(file, value, positions, root, pointer, part),
  };
  convertedOf.set(doc, c);
  return doc;
}

/**
 * A parsed document as JSON-able data (for the parse cache, src/cache/parse-cache.ts): its index,
 * its value, and the packed positions of every mapping and list in the order of a depth-first walk
 * of the value (keys in the order written). Undefined when the value would not survive JSON
 * (`.inf`, `.nan`, `-0`) or the document was not made by parseYamlFile.
 */
export function documentRecord(doc: YamlDocument): DocumentRecord | undefined {
  const c = convertedOf.get(doc);
  if (!c) return undefined;
  const positions: PositionsRecord[] = [];
  const walk = (v: unknown): boolean => {
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
    if (typeof v !== 'object' || v === null) return true;
    const p = c.positions.get(v);
    if (!p) return false;
    positions.push(p.names ? { names: p.names, at: p.at } : { at: p.at });
    if (Array.isArray(v)) return v.every(walk);
    const o = v as Record<string, unknown>;
    return p.names!.every((n) => walk(o[n]));
  };
  if (!walk(c.value)) return undefined;
  return { index: doc.index, value: c.value, positions, root: [c.root[0], c.root[1], c.root[2] ? 1 : 0] };
}

/** A document as documentRecord gives it (and JSON.parse gives it back). */
export interface DocumentRecord {
  readonly index: number;
  readonly value: unknown;
  readonly positions: readonly PositionsRecord[];
  readonly root: readonly [start: number, end: number, collection: 0 | 1];
}

/** One mapping's key names and [keyStart, keyEnd, valueStart, valueEnd, isCollection] per key, or one list's [start, end, isCollection] per item. */
export interface PositionsRecord {
  readonly names?: readonly string[];
  readonly at: readonly number[];
}

/**
 * The document a record describes, in `file` (whose text the record's offsets point into); undefined
 * unless the record is exactly what documentRecord makes: plain JSON data, one positions entry per
 * mapping and list naming exactly its keys (each once) or counting its items, every offset a whole
 * number within the text. The value is then as trustworthy as any parsed value: the stages after
 * `parse` check it the same way.
 */
export function documentFromRecord(file: SourceFile, record: unknown): YamlDocument | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  const length = file.text.length;
  const isOffset = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= length;
  const isFlag = (x: unknown) => x === 0 || x === 1;
  const isRange = (a: readonly unknown[], i: number) =>
    isOffset(a[i]) && isOffset(a[i + 1]) && (a[i] as number) <= (a[i + 1] as number);
  const root = r.root;
  if (!Number.isSafeInteger(r.index) || (r.index as number) < 0) return undefined;
  if (!Array.isArray(root) || root.length !== 3 || !isRange(root, 0) || !isFlag(root[2])) return undefined;
  if (!Array.isArray(r.positions)) return undefined;
  const records = r.positions as unknown[];
  const positions = new WeakMap<object, Positions>();
  let next = 0;
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
    if (typeof v === 'number') return Number.isFinite(v);
    if (typeof v !== 'object' || next >= records.length) return false;
    const p = records[next++] as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || !Array.isArray(p.at)) return false;
    const at = p.at as unknown[];
    if (Array.isArray(v)) {
      if (p.names !== undefined || at.length !== v.length * 3) return false;
      for (let i = 0; i < at.length; i += 3) if (!isRange(at, i) || !isFlag(at[i + 2])) return false;
      positions.set(v, { names: undefined, at: at as number[] });
      return v.every(walk);
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const names = p.names;
    if (!Array.isArray(names) || names.length !== keys.length || at.length !== names.length * 5) return false;
    if (!names.every((n) => typeof n === 'string' && Object.hasOwn(o, n)) || new Set(names).size !== names.length)
      return false;
    for (let i = 0; i < at.length; i += 5)
      if (!isRange(at, i) || !isRange(at, i + 2) || !isFlag(at[i + 4])) return false;
    positions.set(v, { names: names as string[], at: at as number[] });
    return names.every((n: string) => walk(o[n]));
  };
  let ok: boolean;
  try {
    ok = walk(r.value) && next === records.length;
  } catch {
    // Nesting deep enough to exhaust the stack: no file policyc parsed looks like that.
    ok = false;
  }
  if (!ok) return undefined;
  return documentOf(file, r.index as number, { value: r.value, positions, root: [root[0], root[1], root[2] === 1] });
}

/** This module's file: its size and modification time are part of the parse cache's key, with `yaml`'s version. */
export const PARSER_MODULE = import.meta.url;
