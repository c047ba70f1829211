import type { Diagnostic, Diagnostics } from '../diagnostics/diagnostic.js';
import { BIDI_CONTROL } from '../diagnostics/printable.js';
import { LineIndex, fileSpan, type SourceFile } from '../diagnostics/span.js';

/** Policy files larger than this are refused: a policy is text written by people. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The bytes of one file of a policy set, as read from disk, from git or from memory. */
export interface RawFile {
  /** The path shown in diagnostics, with `/` separators (relative to the working directory when read from disk). */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The file's size when `bytes` was not read because the file is too large. */
  readonly size?: number;
}

/** Where a policy set's files came from, before any parsing. */
export interface SetSource {
  /** The set's folder name: the default set name and the name of its generated/ folder. */
  readonly name: string;
  /** The folder, as displayed; files' paths start with it. */
  readonly dir: string;
  /** Every `*.yaml` / `*.yml` file of the set, in path order. */
  readonly files: readonly RawFile[];
  /** The lockfile's bytes, when the set has one. */
  readonly lockfile?: RawFile | undefined;
  /** Problems met while reading the files (PC108), reported with the set's other findings. */
  readonly readDiagnostics?: readonly Diagnostic[];
}

export type { SourceFile } from '../diagnostics/span.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes a policy file as UTF-8, refusing oversized files, other encodings and control
 * characters. Returns undefined (with a diagnostic) when the file cannot be used.
 */
export function decodeFile(raw: RawFile, diagnostics: Diagnostics): SourceFile | undefined {
  const { path, bytes } = raw;
  const size = raw.size ?? bytes.length;
  if (size > MAX_FILE_BYTES) {
    diagnostics.report(
      'PC107',
      `file is ${formatBytes(size)} (${size} bytes), larger than the ${formatBytes(MAX_FILE_BYTES)} limit for a policy file`,
      fileSpan(path),
      { hint: 'split the set into several smaller files; every *.yaml file of the folder is read' },
    );
    return undefined;
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    diagnostics.report('PC106', 'file is UTF-16 encoded, not UTF-8', fileSpan(path), {
      hint: 'save the file as UTF-8',
    });
    return undefined;
  }
  // UTF-16 without a byte order mark: text that starts with ASCII has a zero byte in every pair.
  if (
    bytes.length >= 4 &&
    (bytes[1] === 0 && bytes[3] === 0
      ? bytes[0] !== 0 && bytes[2] !== 0
      : bytes[0] === 0 && bytes[2] === 0 && bytes[1] !== 0 && bytes[3] !== 0)
  ) {
    diagnostics.report('PC106', 'file looks UTF-16 encoded (every other byte is zero), not UTF-8', fileSpan(path), {
      hint: 'save the file as UTF-8',
    });
    return undefined;
  }
  // The decoder (native) checks the bytes; the byte-by-byte scan only finds where a bad file goes wrong.
  let decoded: string | undefined;
  try {
    decoded = decoder.decode(bytes);
  } catch {
    decoded = undefined;
  }
  const bad = decoded === undefined ? (firstInvalidUtf8(bytes) ?? 0) : undefined;
  if (bad !== undefined) {
    const prefix = decoder.decode(bytes.subarray(0, bad));
    const lines = new LineIndex(prefix);
    const span = lines.span(path, prefix.length, prefix.length + 1);
    diagnostics.report(
      'PC106',
      `file is not valid UTF-8: byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad}`,
      span,
      { hint: 'save the file as UTF-8 (is it Latin-1 or a binary file?)' },
    );
    return undefined;
  }
  // TextDecoder drops a leading BOM; offsets below are in the decoded text.
  const text = decoded!;
  const lines = new LineIndex(text);
  const loneCr = /\r(?!\n)/.exec(text);
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.exec(text);
  if (loneCr && (!control || loneCr.index < control.index)) {
    // A terminal or a diff viewer returns to the start of the line and draws over it: what
    // follows on the same line in the file (a grant) hides what came before (a comment).
    diagnostics.report(
      'PC101',
      'file contains a carriage return without a line feed (a lone CR)',
      lines.span(path, loneCr.index, loneCr.index + 1),
      {
        hint: 'a lone CR makes a line display differently from what YAML reads: end lines with LF (or CRLF)',
      },
    );
    return undefined;
  }
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    diagnostics.report(
      'PC101',
      `file contains the control character U+${code}`,
      lines.span(path, control.index, control.index + 1),
      { hint: 'policy files are plain text: is this a binary file, or was it corrupted?' },
    );
    return undefined;
  }
  reportBidiControls(path, text, lines, diagnostics);
  return { path, text, lines };
}

export { BIDI_CONTROL } from '../diagnostics/printable.js';

/**
 * Warns about bidirectional control characters anywhere in a file (titles, descriptions,
 * comments): they can make a line display differently from what it says, in reviews too.
 * One warning per line, spanning its first to its last such character.
 */
function reportBidiControls(path: string, text: string, lines: LineIndex, diagnostics: Diagnostics): void {
  const byLine = new Map<number, number[]>();
  for (const m of text.matchAll(BIDI_CONTROL)) {
    const line = lines.position(m.index).line;
    byLine.set(line, [...(byLine.get(line) ?? []), m.index]);
  }
  for (const offsets of byLine.values()) {
    const codes = [
      ...new Set(offsets.map((o) => `U+${text.charCodeAt(o).toString(16).toUpperCase().padStart(4, '0')}`)),
    ];
    diagnostics.report(
      'PC504',
      `this line holds invisible bidirectional control characters (${codes.join(', ')}) that can make it display differently from what it says`,
      lines.span(path, offsets[0]!, offsets[offsets.length - 1]! + 1),
      { hint: 'remove them; right-to-left text needs no control characters' },
    );
  }
}

/** Offset of the first byte that breaks UTF-8 well-formedness, or undefined when all is well. */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}

/** A size for messages, precise enough that a file just over the limit does not read as equal to it. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(2))} MiB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
  return `${n} bytes`;
}
