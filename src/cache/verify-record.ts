import type { DocumentRecord, PositionsRecord } from '../load/yaml.js';

/**
 * Whether the documents the parse cache holds for a file (src/cache/parse-cache.ts) say what the
 * file says: read back from the text, without the YAML parser. An entry's digest catches a
 * truncated or corrupt entry, but anyone who can write the cache can also recompute a digest; so
 * before a cached document is used, every scalar and key must read, at the offsets recorded for
 * it, as the value recorded (a grant `users:view` edited to `*` points at text that says
 * `users:view`); siblings must come in the order of the text, inside their parent, with nothing
 * but YAML punctuation, whitespace and comments between them (an item deleted from an `except`
 * list leaves its text in a gap, an item added must point at text no other node owns); no scalar
 * may start on a line after a comment sign (text in a comment is not data); and outside the
 * documents there may be only document markers, directives and comments (a document deleted from
 * a file leaves its text there). A check that fails, or a form it does not know (a multi-line key,
 * a quoted scalar with a `#` earlier on its line), makes the cache parse the file instead: it can
 * cost time, never change an answer. Whitespace inside multi-line scalars (folded text) is the
 * one thing compared loosely.
 */
export function recordsMatchText(text: string, records: readonly DocumentRecord[]): boolean {
  let cursor = 0;
  for (const r of records) {
    const [start, end, collection] = r.root;
    if (start < cursor || !outsideDocumentsOk(text.slice(cursor, start))) return false;
    const walk = new Walk(text, r.positions);
    if (!walk.node(r.value, start, end, collection === 1) || walk.next !== r.positions.length) return false;
    cursor = end;
  }
  return outsideDocumentsOk(text.slice(cursor));
}

const NULL = /^(?:~|null|Null|NULL|)$/;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
const DECIMAL = /^[-+]?(?:[0-9]+|\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$/;
const OCTAL = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** What may stand between two nodes once comments are removed: whitespace and indicators. */
const PUNCTUATION = /^[\s\-?:,[\]{}]*$/;
const WHITESPACE = /\s+/g;

/** A comment runs from a `#` at the start of a line or after whitespace to the end of the line. */
function withoutComments(s: string): string {
  return s.replace(/(^|[ \t\r\n])#[^\n]*/g, '$1');
}

function outsideDocumentsOk(s: string): boolean {
  return withoutComments(s)
    .split('\n')
    .every((line) => {
      const t = line.trim();
      return t === '' || t === '---' || t === '...' || t.startsWith('%');
    });
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** The text of a double-quoted scalar's inside, its escapes read; undefined for an escape YAML does not have. */
function unescapeDouble(inner: string): string | undefined {
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = inner[++i];
    if (e === undefined) return undefined;
    if (e === '\n' || e === '\r') {
      // An escaped line break joins the lines; leading blanks of the next line go (compared loosely anyway).
      if (e === '\r' && inner[i + 1] === '\n') i++;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = inner.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += width;
      continue;
    }
    const mapped = ESCAPES[e];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}

/** What the scalar text `s` (a node's whole range) reads as, compared with `value`. */
function scalarReads(s: string, value: unknown, key: boolean): boolean {
  const multiline = s.includes('\n');
  const same = (read: string | undefined) =>
    typeof value === 'string' &&
    read !== undefined &&
    (multiline ? read.replace(WHITESPACE, '') === value.replace(WHITESPACE, '') : read === value);
  const first = s[0];
  if (first === '"') return s.length >= 2 && s.endsWith('"') && same(unescapeDouble(s.slice(1, -1)));
  if (first === "'") return s.length >= 2 && s.endsWith("'") && same(s.slice(1, -1).replaceAll("''", "'"));
  if (first === '|' || first === '>') {
    const body = s.indexOf('\n');
    return (
      !key &&
      typeof value === 'string' &&
      (body < 0 ? '' : s.slice(body + 1)).replace(WHITESPACE, '') === value.replace(WHITESPACE, '')
    );
  }
  if (key) return !multiline && s === value;
  // A plain scalar: its type is what YAML 1.2's core schema makes of the text.
  if (multiline) return same(s);
  // Most are strings that cannot be read as anything else (the types below start with these characters).
  if (value === s && !/^[-+.~0-9nNtTfF]/.test(s) && s !== '') return true;
  if (NULL.test(s)) return value === null;
  if (TRUE.test(s)) return value === true;
  if (FALSE.test(s)) return value === false;
  if (OCTAL.test(s)) return value === Number.parseInt(s.slice(2), 8);
  if (HEX.test(s)) return value === Number.parseInt(s.slice(2), 16);
  if (DECIMAL.test(s)) return value === Number(s);
  if (SPECIAL.test(s)) return false;
  return value === s;
}

/** The depth-first walk of one document's value beside its recorded positions. */
class Walk {
  next = 0;
  private readonly text: string;
  private readonly positions: readonly PositionsRecord[];
  /** Offsets of every `#` in the text, in order. */
  private readonly signs: number[] = [];
  constructor(text: string, positions: readonly PositionsRecord[]) {
    this.text = text;
    this.positions = positions;
    for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) this.signs.push(i);
  }

  /** Whether no `#` stands before `start` on its line (text after a comment sign is a comment, not data). */
  private uncommented(start: number): boolean {
    // The last `#` before `start` (a binary search: files hold few).
    const signs = this.signs;
    let lo = 0;
    let hi = signs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (signs[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 || this.text.lastIndexOf('\n', start - 1) > signs[lo - 1]!;
  }

  private gapOk(from: number, to: number): boolean {
    if (from > to) return false;
    const gap = this.text.slice(from, to);
    return PUNCTUATION.test(gap.includes('#') ? withoutComments(gap) : gap);
  }

  private scalar(value: unknown, start: number, end: number, key: boolean): boolean {
    return this.uncommented(start) && scalarReads(this.text.slice(start, end), value, key);
  }

  node(value: unknown, start: number, end: number, collection: boolean): boolean {
    if (typeof value !== 'object' || value === null) return !collection && this.scalar(value, start, end, false);
    if (!collection || !this.uncommented(start)) return false;
    const p = this.positions[this.next++];
    if (!p) return false;
    const at = p.at;
    let cursor = start;
    /** The next child at [s, e]: after the previous one, with only punctuation between. */
    const child = (s: number, e: number): boolean => {
      if (s < cursor || e > end || !this.gapOk(cursor, s)) return false;
      cursor = e;
      return true;
    };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const s = at[i * 3]!;
        const e = at[i * 3 + 1]!;
        const c = at[i * 3 + 2] === 1;
        const item = value[i];
        // An empty item (`- ` alone) has no node: no place, and null.
        if (s === 0 && e === 0 && item === null && !c) continue;
        if (!child(s, e) || !this.node(item, s, e, c)) return false;
      }
    } else {
      const o = value as Record<string, unknown>;
      const names = p.names ?? [];
      for (let i = 0; i < names.length; i++) {
        const ks = at[i * 5]!;
        const ke = at[i * 5 + 1]!;
        const vs = at[i * 5 + 2]!;
        const ve = at[i * 5 + 3]!;
        const c = at[i * 5 + 4] === 1;
        const name = names[i]!;
        if (!child(ks, ke) || !this.scalar(name, ks, ke, true)) return false;
        const v = o[name];
        // A key without a value node (`key:` at the end of a mapping) shares the key's place and is null.
        if (vs === ks && ve === ke && !c) {
          if (v !== null) return false;
          continue;
        }
        if (!child(vs, ve) || !this.node(v, vs, ve, c)) return false;
      }
    }
    return this.gapOk(cursor, end);
  }
}
