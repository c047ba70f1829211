import type { Diagnostics } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import type { Pointer, YamlDocument } from '../load/yaml.js';

/**
 * Control characters in names, titles and descriptions. The file's text is already free of
 * them (PC101), but YAML escapes write them anyway: `"\x1b[2K\r"` in a title erases a line of
 * a reviewer's terminal and can print a fake "No escalations". Every string of a document, keys
 * included, may hold no C0 or C1 control character; a description may hold line feeds.
 */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]|\n/;
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function codeOf(ch: string): string {
  return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Reports PC111 for every string of the document that holds a control character (one per string). */
export function checkControlCharacters(doc: YamlDocument, diagnostics: Diagnostics): void {
  const report = (pointer: Pointer, part: 'key' | 'value', ch: string) => {
    const what = part === 'key' ? 'a key' : `\`${String(pointer[pointer.length - 1] ?? 'value')}\``;
    diagnostics.report('PC111', `${what} holds the control character ${codeOf(ch)}`, doc.locate(pointer, part), {
      hint:
        ch === '\n'
          ? 'only a description may span several lines; write this on one line'
          : 'remove the escape: names, titles and descriptions are plain text (a line feed is allowed in a description only)',
    });
  };
  // One pointer, pushed and popped on the way down (a large set has millions of strings); copied only to report.
  const pointer: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const last = pointer[pointer.length - 1];
      const m = (last === 'description' ? CONTROL_BUT_LF : CONTROL).exec(value);
      if (m) report([...pointer], 'value', m[0]);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        pointer.push(i);
        walk(value[i]);
        pointer.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        pointer.push(k);
        const m = CONTROL.exec(k);
        if (m) report([...pointer], 'key', m[0]);
        walk((value as Record<string, unknown>)[k]);
        pointer.pop();
      }
    }
  };
  walk(doc.value);
}

/** A role's description and where it is written, kept from parsing for the check after resolution. */
export interface RoleDescription {
  readonly role: string;
  readonly text: string;
  readonly span: Span;
}

/** The descriptions of the Role documents of a file. */
export function roleDescriptions(docs: readonly YamlDocument[]): RoleDescription[] {
  const out: RoleDescription[] = [];
  for (const doc of docs) {
    const v = doc.value as { kind?: unknown; metadata?: { name?: unknown }; spec?: { description?: unknown } } | null;
    if (v?.kind !== 'Role' || typeof v.spec?.description !== 'string') continue;
    out.push({
      role: String(v.metadata?.name ?? '?'),
      text: v.spec.description,
      span: doc.locate(['spec', 'description']),
    });
  }
  return out;
}

/** A line of a grants list: `- records:update: group`, `- "records:*": own`, `- groups:create`. */
const GRANT_LINE = /^\s*-\s+["']?([^\s"':]+:[^\s"':]+|\*)["']?\s*(?::\s*["']?[\w-]+["']?\s*)?$/;

/**
 * Warns (PC112) when a role's description holds lines that read as grants of the set: grants
 * indented under a block-scalar description by mistake become description text, silently, and
 * the role loses them.
 */
export function checkGrantsInDescriptions(
  descriptions: readonly RoleDescription[],
  permissionIds: ReadonlySet<string>,
  diagnostics: Diagnostics,
): void {
  const resources = new Set([...permissionIds].map((id) => id.slice(0, id.indexOf(':'))));
  const isGrant = (target: string) =>
    target === '*' || permissionIds.has(target) || (target.endsWith(':*') && resources.has(target.slice(0, -2)));
  for (const d of descriptions) {
    const grants = d.text
      .split('\n')
      .map((line) => GRANT_LINE.exec(line)?.[1])
      .filter((t): t is string => t !== undefined && isGrant(t));
    if (grants.length === 0) continue;
    const shown = grants
      .slice(0, 3)
      .map((g) => `\`${g}\``)
      .join(', ');
    diagnostics.report(
      'PC112',
      `the description of role \`${d.role}\` holds ${grants.length === 1 ? 'a line that reads' : `${grants.length} lines that read`} as grants (${shown}${grants.length > 3 ? ', …' : ''}): they are description text, and the role does not get them`,
      d.span,
      {
        hint: 'if these are grants, move `grants:` back to the indentation of `description:`; otherwise reword the description',
      },
    );
  }
}
