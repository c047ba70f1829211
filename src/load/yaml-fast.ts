import { CST, Document, Parser, isScalar } from 'yaml';
import type { Positions, Range } from './yaml.js';

/**
 * The fast path of the YAML stage: plain data and positions straight from the `yaml` package's
 * concrete syntax tree (its `Parser`), without composing a `Document` of node objects.
 *
 * Why: on the flat 2,000 roles × 5,000 permissions set (2,003 files, 11.9 MiB) composing
 * Documents cost more than lexing: node objects, `resolveProps`, a quadratic duplicate-key check
 * per mapping (`mapIncludes`), then a second walk (`toPlain`) and the garbage of it all. This walk
 * builds the same `{ value, positions, root }` as `toPlain` in one pass over the tokens.
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
    const doc = new Document(undefined, YAML_OPTIONS);
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
    for (const token of new Parser().parse(text)) {
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

/** What resolveProps reports about the tokens before a node, for the subset the fast path accepts. */
interface Props {
  found: CST.SourceToken | null;
  comma: boolean;
  comment: boolean;
  hasNewline: boolean;
  end: number;
}

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
): Props {
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
  return { found, comma, comment, hasNewline, end: last ? last.offset + last.source.length : offset };
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

/** A composed node: its value, yaml's [start, valueEnd, nodeEnd] and whether it is a collection. */
interface Node {
  value: unknown;
  start: number;
  valueEnd: number;
  nodeEnd: number;
  collection: boolean;
}

function composeDocument(doc: CST.Document): FastDocument {
  const positions = new WeakMap<object, Positions>();
  const props = scanProps(doc.start, 'doc-start', false, true, doc.offset);
  const value = doc.value;
  if (props.found && value && (value.type === 'block-map' || value.type === 'block-seq') && !props.hasNewline) fail();
  const node = value ? composeNode(value, positions, 0) : emptyNode(props.end, doc.start, props);
  resolveEnd(doc.end, node.nodeEnd, false);
  return {
    empty: node.value === null && !node.collection && node.start === node.valueEnd,
    value: node.value,
    positions,
    root: [node.start, node.valueEnd, node.collection],
  };
}

/** composeEmptyNode: a null scalar where a value was left out. */
function emptyNode(offset: number, before: readonly CST.SourceToken[] | undefined, props: Props): Node {
  const at = emptyScalarPosition(offset, before);
  return { value: null, start: at, valueEnd: at, nodeEnd: props.comment ? props.end : at, collection: false };
}

function composeNode(token: CST.Token, positions: WeakMap<object, Positions>, depth: number): Node {
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

function composeScalar(token: CST.FlowScalar | CST.BlockScalar): Node {
  const resolved = CST.resolveAsScalar(token, true, fail);
  if (!resolved) return fail();
  const [start, valueEnd, nodeEnd] = resolved.range;
  const source = resolved.value;
  return {
    value: token.type === 'scalar' ? resolvePlain(source) : source,
    start,
    valueEnd,
    nodeEnd,
    collection: false,
  };
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

/** A mapping key: a one-line scalar whose value is a string other than `<<`. */
function composeKey(key: CST.Token | null | undefined, block: boolean): Node {
  if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar'))
    return fail();
  if (block && containsNewline(key)) fail();
  const node = composeScalar(key);
  if (typeof node.value !== 'string' || node.value === '<<') fail();
  return node;
}

function setEntry(out: Record<string, unknown>, name: string, value: unknown): void {
  // `__proto__` must become an own property, never the object's prototype.
  if (name === '__proto__')
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

function composeBlockMap(bm: CST.BlockMap, positions: WeakMap<object, Positions>, depth: number): Node {
  if (depth > MAX_DEPTH) fail();
  const out: Record<string, unknown> = {};
  const names: string[] = [];
  const at: number[] = [];
  const seen = new Set<string>();
  let offset = bm.offset;
  let commentEnd: number | null = null;
  for (const item of bm.items) {
    const { start, key, sep, value } = item;
    if (item.explicitKey) fail();
    const keyProps = scanProps(start, 'explicit-key-ind', false, true, offset);
    if (keyProps.found) fail();
    if (!sep) {
      // A line of comments between entries.
      if (key || value) fail();
      commentEnd = keyProps.end;
      continue;
    }
    if (!key || key.type === 'block-seq' || ('indent' in key && key.indent !== bm.indent)) fail();
    const keyNode = composeKey(key, true);
    const name = keyNode.value as string;
    if (seen.has(name)) fail();
    seen.add(name);
    const valueProps = scanProps(sep, 'map-value-ind', false, false, keyNode.nodeEnd);
    offset = valueProps.end;
    if (!valueProps.found) fail();
    if (value?.type === 'block-map' && !valueProps.hasNewline) fail();
    if (keyProps.end < valueProps.found!.offset - 1024) fail();
    const valueNode = value ? composeNode(value, positions, depth) : emptyNode(offset, sep, valueProps);
    offset = valueNode.nodeEnd;
    setEntry(out, name, valueNode.value);
    names.push(name);
    at.push(keyNode.start, keyNode.valueEnd, valueNode.start, valueNode.valueEnd, valueNode.collection ? 1 : 0);
  }
  if (commentEnd && commentEnd < offset) fail();
  positions.set(out, { names, at });
  return { value: out, start: bm.offset, valueEnd: offset, nodeEnd: commentEnd ?? offset, collection: true };
}

function composeBlockSeq(bs: CST.BlockSequence, positions: WeakMap<object, Positions>, depth: number): Node {
  if (depth > MAX_DEPTH) fail();
  const out: unknown[] = [];
  const at: number[] = [];
  let offset = bs.offset;
  let commentEnd: number | null = null;
  for (const { start, value } of bs.items) {
    const props = scanProps(start, 'seq-item-ind', false, true, offset);
    if (!props.found) {
      if (value) fail();
      commentEnd = props.end;
      continue;
    }
    const node = value ? composeNode(value, positions, depth) : emptyNode(props.end, start, props);
    offset = node.nodeEnd;
    out.push(node.value);
    at.push(node.start, node.valueEnd, node.collection ? 1 : 0);
  }
  positions.set(out, { names: undefined, at });
  return { value: out, start: bs.offset, valueEnd: offset, nodeEnd: commentEnd ?? offset, collection: true };
}

function isBlock(token: CST.Token | undefined | null): boolean {
  return token?.type === 'block-map' || token?.type === 'block-seq';
}

function composeFlowCollection(fc: CST.FlowCollection, positions: WeakMap<object, Positions>, depth: number): Node {
  if (depth > MAX_DEPTH) fail();
  const isMap = fc.start.source === '{';
  if (!isMap && fc.start.source !== '[') fail();
  const map: Record<string, unknown> = {};
  const seq: unknown[] = [];
  const names: string[] = [];
  const at: number[] = [];
  const seen = new Set<string>();
  let offset = fc.offset + fc.start.source.length;
  for (let i = 0; i < fc.items.length; ++i) {
    const { start, key, sep, value } = fc.items[i]!;
    const props = scanProps(start, 'explicit-key-ind', true, false, offset);
    if (props.found) fail();
    if (!sep && !value) {
      // Nothing but a comma (a trailing one is allowed) or comments.
      if (key || (i === 0 && props.comma) || i < fc.items.length - 1) fail();
      offset = props.end;
      continue;
    }
    if (i === 0 ? props.comma : !props.comma) fail();
    if (!isMap && !sep) {
      if (key || isBlock(value)) fail();
      const node = composeNode(value!, positions, depth);
      offset = node.nodeEnd;
      seq.push(node.value);
      at.push(node.start, node.valueEnd, node.collection ? 1 : 0);
      continue;
    }
    // A pair: an entry of a flow mapping, or a one-entry mapping in a flow sequence (`[perm: scope]`).
    const keyNode = composeKey(key, !isMap);
    const name = keyNode.value as string;
    const valueProps = scanProps(sep ?? [], 'map-value-ind', true, false, keyNode.nodeEnd);
    if (!valueProps.found || isBlock(value)) fail();
    if (!isMap) {
      // yaml (strict) wants such a key on one line and its `:` within 1,024 characters.
      for (const st of sep!) {
        if (st === valueProps.found) break;
        if (st.type === 'newline') fail();
      }
      if (props.end < valueProps.found!.offset - 1024) fail();
    }
    const valueNode = value ? composeNode(value, positions, depth) : emptyNode(valueProps.end, sep, valueProps);
    if (!isMap) {
      const pair: Record<string, unknown> = {};
      setEntry(pair, name, valueNode.value);
      positions.set(pair, {
        names: [name],
        at: [keyNode.start, keyNode.valueEnd, valueNode.start, valueNode.valueEnd, valueNode.collection ? 1 : 0],
      });
      offset = valueNode.nodeEnd;
      seq.push(pair);
      at.push(keyNode.start, valueNode.valueEnd, 1);
      continue;
    }
    if (seen.has(name)) fail();
    seen.add(name);
    offset = valueNode.nodeEnd;
    setEntry(map, name, valueNode.value);
    names.push(name);
    at.push(keyNode.start, keyNode.valueEnd, valueNode.start, valueNode.valueEnd, valueNode.collection ? 1 : 0);
  }
  const [close, ...rest] = fc.end;
  if (close?.source !== (isMap ? '}' : ']')) fail();
  const closeEnd = close!.offset + close!.source.length;
  const nodeEnd = rest.length > 0 ? resolveEnd(rest, closeEnd, true) : closeEnd;
  const value = isMap ? map : seq;
  positions.set(value, isMap ? { names, at } : { names: undefined, at });
  return { value, start: fc.offset, valueEnd: closeEnd, nodeEnd, collection: true };
}
