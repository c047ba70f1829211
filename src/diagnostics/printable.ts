/**
 * Showing text that came from a policy file on a terminal without letting it drive the
 * terminal: one statement of which characters are dangerous, used by every text renderer
 * (diagnostics, diff, explain, who-can, access). Validation already rejects these characters in
 * names, titles and descriptions; this is the second line of defence, for whatever reaches a
 * renderer anyway (a lockfile key, a file name, a message quoting a value).
 */

/** Invisible characters that reorder text (Trojan Source, CVE-2021-42574). */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** C0 controls (line feed included), DEL and C1 controls: escapes, carriage returns, bells, CSI. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Line and paragraph separators: terminals and code frames treat them as line breaks. */
const SEPARATOR = /[\u2028\u2029]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text for a terminal: control characters and line breaks shown as escapes (`\x1b`, `\n`), bidi controls as U+FFFD. */
export function printable(s: string): string {
  return s.replace(CONTROL, escapeChar).replace(SEPARATOR, escapeChar).replace(BIDI_CONTROL, '\ufffd');
}

/** Like `printable`, but line feeds stay line feeds (a message of several lines). */
export function printableLines(s: string): string {
  return s
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}

/**
 * A file's text for a code frame: every character that could drive the terminal or break a line
 * where the line index does not (a lone CR, U+2028) becomes U+FFFD, one for one, so columns stay
 * true. Line feeds, CRLF pairs and tabs stay.
 */
export function frameText(text: string): string {
  return text.replace(
    /\r(?!\n)|[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    '\ufffd',
  );
}
