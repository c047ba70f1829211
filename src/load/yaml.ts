import {
  type Document,
  type Node as YamlNode,
  type YAMLError,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
} from 'yaml';
import { Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan, type Span } from '../diagnostics/span.js';
import type { SourceFile } from './source.js';

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
export function parseYamlFile(file: SourceFile, diagnostics: Diagnostics): YamlDocument[] {
  const docs = parseAllDocuments(file.text, {
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    merge: false,
    keepSourceTokens: false,
  });
  const parsed = Array.isArray(docs) ? docs : [];
  const result: YamlDocument[] = [];
  let nonEmpty = 0;
  parsed.forEach((doc, index) => {
    const before = diagnostics.errorCount;
    for (const error of doc.errors) reportYamlError(file, error, diagnostics);
    for (const warning of doc.warnings) reportYamlError(file, warning, diagnostics);
    if (diagnostics.errorCount > before) {
      nonEmpty++;
      return;
    }
    if (isEmptyDocument(doc)) return;
    nonEmpty++;
    if (!checkPlainData(file, doc, diagnostics)) return;
    const value: unknown = doc.toJS({ maxAliasCount: 0 });
    result.push({
      file,
      index,
      value,
      locate: (pointer, part = 'value') => locateNode(file, doc, pointer, part),
    });
  });
  if (nonEmpty === 0) {
    diagnostics.report('PC105', 'file holds no YAML document', fileSpan(file.path), {
      hint: 'add a document (apiVersion: policyc/v1, kind, metadata, spec) or delete the file',
    });
  }
  return result;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents as YamlNode | null;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && (contents.range?.[0] ?? 0) === (contents.range?.[1] ?? 0);
}

function reportYamlError(file: SourceFile, error: YAMLError, diagnostics: Diagnostics): void {
  const [start, end] = error.pos;
  const span = file.lines.span(file.path, start, Math.max(end, start + 1));
  const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  if (error.code === 'DUPLICATE_KEY') {
    const key = file.text.slice(start, end).trim() || 'key';
    diagnostics.report('PC102', `duplicate key \`${key}\` in this mapping`, span, {
      hint: 'each key may appear once; merge the two entries',
    });
  } else if (error.code === 'TAG_RESOLVE_FAILED') {
    diagnostics.report('PC104', `${lowerFirst(message)}`, span, { hint: 'remove the tag: policy files hold plain strings, lists and mappings' });
  } else {
    diagnostics.report('PC101', lowerFirst(message), span, { hint: YAML_ERROR_HINTS[error.code] });
  }
}

/** Rejects anchors, aliases, merge keys, explicit tags and collection keys. Returns true when the document is plain data. */
function checkPlainData(file: SourceFile, doc: Document.Parsed, diagnostics: Diagnostics): boolean {
  let ok = true;
  const spanOf = (node: YamlNode): Span => {
    const [s, e] = node.range ?? [0, 0];
    return file.lines.span(file.path, s, e);
  };
  visit(doc, {
    Alias(_, node) {
      ok = false;
      diagnostics.report('PC103', `alias \`*${node.source}\` is not allowed in policy files`, spanOf(node), {
        hint: 'write the value out in full so reviewers see every grant; if you meant the wildcard, quote it: "*"',
      });
    },
    Node(_, node) {
      if (node.anchor) {
        ok = false;
        diagnostics.report('PC103', `anchor \`&${node.anchor}\` is not allowed in policy files`, spanOf(node), {
          hint: 'write values out in full instead of reusing them through anchors',
        });
      }
      if (node.tag && !isAlias(node)) {
        ok = false;
        diagnostics.report('PC104', `explicit tag \`${node.tag}\` is not allowed in policy files`, spanOf(node), {
          hint: 'remove the tag; quote the value if it must be a string',
        });
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
  return ok;
}

/** Finds the node at `pointer`, descending as far as the document allows. */
function locateNode(file: SourceFile, doc: Document.Parsed, pointer: Pointer, part: 'key' | 'value'): Span {
  let node = doc.contents as YamlNode | null;
  let keyNode: YamlNode | null = null;
  for (const segment of pointer) {
    if (!node) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      const value = pair.value as YamlNode | null;
      if (!value) {
        node = keyNode;
        break;
      }
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      keyNode = null;
      node = item;
    } else {
      break;
    }
  }
  const target = part === 'key' && keyNode ? keyNode : node;
  if (!target?.range) return fileSpan(file.path);
  const [start, valueEnd] = target.range;
  // A block collection's range runs to the start of the next line; point at its first line only.
  const text = file.text.slice(start, valueEnd);
  const firstLine = isCollection(target) ? text.split('\n')[0]!.trimEnd() : text.trimEnd();
  return file.lines.span(file.path, start, start + Math.max(firstLine.length, 1));
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
