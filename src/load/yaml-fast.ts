import type { CST } from 'yaml';
import type { Positions, Range } from './yaml.js';
import { isScalar, yamlLib } from './yaml-lib.js';

/**
 * The fast path of the YAML stage: plain data and positions straight from the `yaml` package's
 * concrete syntax tree (its `Parser`), without composing a `Document` of node objects.
 *
 * Why: on the flat 2,000 roles × 5,000 permissions set (2,003 files, 11.9 MiB) composing
 * Documents cost more than lexing: node objects, `resolveProps`, a quadratic duplicate-key check
 * per mapping (`mapIncludes`), then a second walk (`toPlain`) and the garbage of it all. This walk
 * builds the same `{ value, positions, root }` as `toPlain` in one pass over the tokens.
 * Parsing those 2,003 files in one process (CPU time, a busy 2-core machine): 12.3–15.3 s by
 * the Document path, 8.5–11.6 s by this one. What remains is yaml's own Lexer and Parser (about
 * 56 % of it in a profile), garbage collection (15 %) and this walk (11 %, mostly storing keys).
 *
 * How it stays exact: it accepts only a subset, and repeats for that subset every check of
 * yaml's composer (compose-doc, resolve-block-map, resolve-block-seq, resolve-flow-collection,
 * resolve-props, resolve-end), the same range arithmetic, and scalars resolved by yaml itself
 * (`CST.resolveAsScalar`, then the core schema's own tag objects for plain scalars). Anything
 * outside the subset or any check that would report a problem returns `undefined`, and the caller
 * takes the full Document path, which produces the diagnostics: error tokens, directives, `...`,
 * a byte order mark, tabs in white space, anchors, aliases, tags, `?` keys, empty keys, keys that
 * are not strings (`1:`, `true:`), merge keys `<<`, duplicate keys (found with a Set), `{ a }`
 * keys without values, block collections inside flow ones, nesting deeper than
 * `MAX_DEPTH`. test/load-yaml-fast.property.test.ts compares both paths on generated texts.
 */

/** One document of a file as the fast path read it; `empty` like `isEmptyDocument` in yaml.ts. */
export interface FastDocument {
  readonly empty: boolean;
  readonly value: unknown;
  readonly positions: WeakMap<object, Positions>;
  readonly root: Range;
}

/** Thrown (and caught in `parseFast`) to leave the fast path. */
const FALLBACK = Symbol('take the Document path');

/** Policy documents need a handful of levels; deeper ones take the Document path, which reports absurd nesting. */
const MAX_DEPTH = 64;

/** The options `parseYamlFile` gives `parseAllDocuments`: the fast path resolves scalars with the same schema. */
export const YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  strict: true,
  merge: false,
  keepSourceTokens: false,
} as const;

type Tag = {
  default?: boolean | 'key';
  test?: RegExp;
  resolve: (value: string, onError: (message: string) => void, options: unknown) => unknown;
};

let schema: { tags: readonly Tag[]; options: unknown } | undefined;

/** The core schema's scalar tags, in yaml's order, from a Document made with the same options. */
function coreSchema(): { tags: readonly Tag[]; options: unknown } {
  if (!schema) {
    const doc = new (yamlLib().Document)(undefined, YAML_OPTIONS);
    schema = {
      tags: (doc.schema.tags as unknown as Tag[]).filter((t) => t.default === true && t.test),
      options: doc.options,
    };
  }
  return schema;
}

const fail = (): never => {
  throw FALLBACK;
};

/**
 * Parses `text` into its documents' plain values and positions, or returns undefined when any
 * part of it needs the Document path (for a diagnostic, or because the fast path does not handle it).
 */
export function parseFast(text: string): FastDocument[] | undefined {
  try {
    const docs: FastDocument[] = [];
    for (const token of new (yamlLib().Parser)().parse(text)) {
      switch (token.type) {
        case 'document':
          docs.push(composeDocument(token));
          break;
        case 'doc-end':
          // `...` ends a document; yaml reports one without a document before it.
          if (docs.length === 0) return undefined;
          resolveEnd(token.end, token.offset + token.source.length, true);
          break;
        case 'comment':
        case 'newline':
        case 'space':
          break;
        default:
          // directives, byte order marks, errors
          return undefined;
      }
    }
    return docs;
  } catch (error) {
    // FALLBACK, and also a stack overflow or anything unforeseen: the Document path decides.
    if (error === FALLBACK || error instanceof Error) return undefined;
    throw error;
  }
}

/**
 * What resolveProps reports about the tokens before a node, for the subset the fast path accepts.
 * One object, overwritten by each `scanProps` (read it before the next call): a 2,000-file set
 * has millions of these token lists.
 */
const props = { found: null as CST.SourceToken | null, comma: false, comment: false, hasNewline: false, end: 0 };

/**
 * yaml's resolveProps without anchors and tags: fails where it would report a problem (and on
 * any tab in white space, which it reports in some positions and the fast path does not model).
 */
function scanProps(
  tokens: readonly CST.SourceToken[],
  indicator: 'doc-start' | 'explicit-key-ind' | 'map-value-ind' | 'seq-item-ind',
  flow: boolean,
  startOnNewline: boolean,
  offset: number,
): typeof props {
  let hasSpace = startOnNewline;
  let found: CST.SourceToken | null = null;
  let comma = false;
  let comment = false;
  let hasNewline = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) fail();
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) fail();
        comment = true;
        break;
      case 'newline':
        hasNewline = true;
        hasSpace = true;
        break;
      case 'comma':
        if (!flow || comma) fail();
        comma = true;
        hasSpace = false;
        break;
      default:
        if (token.type !== indicator || found) fail();
        found = token;
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  props.found = found;
  props.comma = comma;
  props.comment = comment;
  props.hasNewline = hasNewline;
  props.end = last ? last.offset + last.source.length : offset;
  return props;
}

/** yaml's resolveEnd: the offset after trailing white space and comments. */
function resolveEnd(end: readonly CST.SourceToken[] | undefined, offset: number, strict: boolean): number {
  if (!end) return offset;
  let hasSpace = false;
  for (const token of end) {
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) fail();
        hasSpace = true;
        break;
      case 'comment':
        if (strict && !hasSpace) fail();
        break;
      case 'newline':
        hasSpace = true;
        break;
      default:
        fail();
    }
    offset += token.source.length;
  }
  return offset;
}

/** yaml's emptyScalarPosition: where an omitted value is placed. */
function emptyScalarPosition(offset: number, before: readonly CST.SourceToken[] | undefined): number {
  if (before) {
    for (let i = before.length - 1; i >= 0; --i) {
      let st = before[i]!;
      if (st.type === 'space' || st.type === 'comment' || st.type === 'newline') {
        offset -= st.source.length;
        continue;
      }
      st = before[++i]!;
      while (st?.type === 'space') {
        offset += st.source.length;
        st = before[++i]!;
      }
      break;
    }
  }
  return offset;
}

/** yaml's containsNewline for the key types the fast path accepts. */
function containsNewline(key: CST.FlowScalar): boolean {
  if (key.source.includes('\n')) return true;
  if (key.end) for (const st of key.end) if (st.type === 'newline') return true;
  return false;
}

/**
 * Where the node composed last was written: yaml's range [start, valueEnd, nodeEnd] and whether
 * it is a collection. The compose functions return the value and leave its range here (read it
 * before composing the next node), which saves an object per node.
 */
const node = { start: 0, valueEnd: 0, nodeEnd: 0, collection: false };

function setNode(start: number, valueEnd: number, nodeEnd: number, collection: boolean): void {
  node.start = start;
  node.valueEnd = valueEnd;
  node.nodeEnd = nodeEnd;
  node.collection = collection;
}

function composeDocument(doc: CST.Document): FastDocument {
  const positions = new WeakMap<object, Positions>();
  const { found, hasNewline, end, comment } = scanProps(doc.start, 'doc-start', false, true, doc.offset);
  const token = doc.value;
  if (found && token && (token.type === 'block-map' || token.type === 'block-seq') && !hasNewline) fail();
  const value = token ? composeNode(token, positions, 0) : emptyNode(end, doc.start, comment, end);
  resolveEnd(doc.end, node.nodeEnd, false);
  return {
    empty: value === null && !node.collection && node.start === node.valueEnd,
    value,
    positions,
    root: [node.start, node.valueEnd, node.collection],
  };
}

/** composeEmptyNode: a null scalar where a value was left out (its node end is after the comments of `before`). */
function emptyNode(
  offset: number,
  before: readonly CST.SourceToken[] | undefined,
  comment: boolean,
  propsEnd: number,
): null {
  const at = emptyScalarPosition(offset, before);
  setNode(at, at, comment ? propsEnd : at, false);
  return null;
}

function composeNode(token: CST.Token, positions: WeakMap<object, Positions>, depth: number): unknown {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return composeScalar(token);
    case 'block-map':
      return composeBlockMap(token, positions, depth + 1);
    case 'block-seq':
      return composeBlockSeq(token, positions, depth + 1);
    case 'flow-collection':
      return composeFlowCollection(token, positions, depth + 1);
    default:
      return fail();
  }
}

function composeScalar(token: CST.FlowScalar | CST.BlockScalar): unknown {
  const resolved = yamlLib().CST.resolveAsScalar(token, true, fail);
  if (!resolved) return fail();
  const range = resolved.range;
  setNode(range[0], range[1], range[2], false);
  return token.type === 'scalar' ? resolvePlain(resolved.value) : resolved.value;
}

/** The first characters of the plain scalars the core schema reads as null, booleans or numbers. */
const NOT_STRING_START = new Set('0123456789+-.~nNtTfF');

/** A plain scalar's value under the core schema, as yaml's findScalarTagByTest and the tag's resolve give it. */
function resolvePlain(source: string): unknown {
  if (source.length > 0 && !NOT_STRING_START.has(source[0]!)) return source;
  const { tags, options } = coreSchema();
  for (const tag of tags) {
    if (!tag.test!.test(source)) continue;
    const result = tag.resolve(source, fail, options);
    return isScalar(result) ? result.value : result;
  }
  return source;
}

/** A mapping key: a one-line scalar whose value is a string other than `<<` (its range is left in `node`). */
function composeKey(key: CST.Token | null | undefined, block: boolean): string {
  if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar'))
    return fail();
  if (block && containsNewline(key)) fail();
  const name = composeScalar(key);
  if (typeof name !== 'string' || name === '<<') fail();
  return name as string;
}

/** Whether a mapping already has the key `name`; yaml reports it (DUPLICATE_KEY). A Set only for larger mappings. */
function isDuplicate(names: readonly string[], seen: Set<string> | undefined, name: string): boolean {
  return seen ? seen.has(name) : names.includes(name);
}

const SMALL_MAP = 8;

function setEntry(out: Record<string, unknown>, name: string, value: unknown): void {
  // `__proto__` must become an own property, never the object's prototype.
  if (name === '__proto__')
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

function composeBlockMap(bm: CST.BlockMap, positions: WeakMap<object, Positions>, depth: number): unknown {
  if (depth > MAX_DEPTH) fail();
  const out: Record<string, unknown> = {};
  const names: string[] = [];
  const at: number[] = [];
  const seen = bm.items.length > SMALL_MAP ? new Set<string>() : undefined;
  let offset = bm.offset;
  let commentEnd: number | null = null;
  for (const item of bm.items) {
    const { start, key, sep, value } = item;
    if (item.explicitKey) fail();
    const keyProps = scanProps(start, 'explicit-key-ind', false, true, offset);
    if (keyProps.found) fail();
    const keyPropsEnd = keyProps.end;
    if (!sep) {
      // A line of comments between entries.
      if (key || value) fail();
      commentEnd = keyPropsEnd;
      continue;
    }
    if (!key || key.type === 'block-seq' || ('indent' in key && key.indent !== bm.indent)) fail();
    const name = composeKey(key, true);
    const keyStart = node.start;
    const keyEnd = node.valueEnd;
    if (isDuplicate(names, seen, name)) fail();
    seen?.add(name);
    const { found, hasNewline, end, comment } = scanProps(sep!, 'map-value-ind', false, false, node.nodeEnd);
    offset = end;
    if (!found) fail();
    if (value?.type === 'block-map' && !hasNewline) fail();
    if (keyPropsEnd < found!.offset - 1024) fail();
    const v = value ? composeNode(value, positions, depth) : emptyNode(offset, sep, comment, end);
    offset = node.nodeEnd;
    setEntry(out, name, v);
    names.push(name);
    at.push(keyStart, keyEnd, node.start, node.valueEnd, node.collection ? 1 : 0);
  }
  if (commentEnd && commentEnd < offset) fail();
  positions.set(out, { names, at });
  setNode(bm.offset, offset, commentEnd ?? offset, true);
  return out;
}

function composeBlockSeq(bs: CST.BlockSequence, positions: WeakMap<object, Positions>, depth: number): unknown {
  if (depth > MAX_DEPTH) fail();
  const out: unknown[] = [];
  const at: number[] = [];
  let offset = bs.offset;
  let commentEnd: number | null = null;
  for (const { start, value } of bs.items) {
    const { found, end, comment } = scanProps(start, 'seq-item-ind', false, true, offset);
    if (!found) {
      if (value) fail();
      commentEnd = end;
      continue;
    }
    const v = value ? composeNode(value, positions, depth) : emptyNode(end, start, comment, end);
    offset = node.nodeEnd;
    out.push(v);
    at.push(node.start, node.valueEnd, node.collection ? 1 : 0);
  }
  positions.set(out, { names: undefined, at });
  setNode(bs.offset, offset, commentEnd ?? offset, true);
  return out;
}

function isBlock(token: CST.Token | undefined | null): boolean {
  return token?.type === 'block-map' || token?.type === 'block-seq';
}

function composeFlowCollection(fc: CST.FlowCollection, positions: WeakMap<object, Positions>, depth: number): unknown {
  if (depth > MAX_DEPTH) fail();
  const isMap = fc.start.source === '{';
  if (!isMap && fc.start.source !== '[') fail();
  const map: Record<string, unknown> = {};
  const seq: unknown[] = [];
  const names: string[] = [];
  const at: number[] = [];
  const seen = isMap && fc.items.length > SMALL_MAP ? new Set<string>() : undefined;
  let offset = fc.offset + fc.start.source.length;
  for (let i = 0; i < fc.items.length; ++i) {
    const { start, key, sep, value } = fc.items[i]!;
    const itemProps = scanProps(start, 'explicit-key-ind', true, false, offset);
    if (itemProps.found) fail();
    const { comma, end: itemPropsEnd } = itemProps;
    if (!sep && !value) {
      // Nothing but a comma (a trailing one is allowed) or comments.
      if (key || (i === 0 && comma) || i < fc.items.length - 1) fail();
      offset = itemPropsEnd;
      continue;
    }
    if (i === 0 ? comma : !comma) fail();
    if (!isMap && !sep) {
      if (key || isBlock(value)) fail();
      const v = composeNode(value!, positions, depth);
      offset = node.nodeEnd;
      seq.push(v);
      at.push(node.start, node.valueEnd, node.collection ? 1 : 0);
      continue;
    }
    // A pair: an entry of a flow mapping, or a one-entry mapping in a flow sequence (`[perm: scope]`).
    const name = composeKey(key, !isMap);
    const keyStart = node.start;
    const keyEnd = node.valueEnd;
    const { found, end, comment } = scanProps(sep ?? [], 'map-value-ind', true, false, node.nodeEnd);
    if (!found || isBlock(value)) fail();
    if (!isMap) {
      // yaml (strict) wants such a key on one line and its `:` within 1,024 characters.
      for (const st of sep!) {
        if (st === found) break;
        if (st.type === 'newline') fail();
      }
      if (itemPropsEnd < found!.offset - 1024) fail();
    }
    const v = value ? composeNode(value, positions, depth) : emptyNode(end, sep, comment, end);
    offset = node.nodeEnd;
    const entry = [keyStart, keyEnd, node.start, node.valueEnd, node.collection ? 1 : 0];
    if (!isMap) {
      const pair: Record<string, unknown> = {};
      setEntry(pair, name, v);
      positions.set(pair, { names: [name], at: entry });
      seq.push(pair);
      at.push(keyStart, node.valueEnd, 1);
      continue;
    }
    if (isDuplicate(names, seen, name)) fail();
    seen?.add(name);
    setEntry(map, name, v);
    names.push(name);
    at.push(...entry);
  }
  const [close, ...rest] = fc.end;
  if (close?.source !== (isMap ? '}' : ']')) fail();
  const closeEnd = close!.offset + close!.source.length;
  const nodeEnd = rest.length > 0 ? resolveEnd(rest, closeEnd, true) : closeEnd;
  const value = isMap ? map : seq;
  positions.set(value, isMap ? { names, at } : { names: undefined, at });
  setNode(fc.offset, closeEnd, nodeEnd, true);
  return value;
}
