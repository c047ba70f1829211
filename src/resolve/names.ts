import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Diagnostics } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { closest } from '../diagnostics/suggest.js';
import type { Located } from '../validate/documents.js';

/** Folds a key for collision checks: case and the separators `-`, `_`, `.` do not count. */
export function foldKey(key: string): string {
  return key.toLowerCase().replace(/[-_.]/g, '');
}

/** The plural of a noun in messages: role → roles, category → categories. */
export function plural(noun: string): string {
  return /[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}

interface Entry<T> {
  readonly item: T;
  /** The key as declared: its span is asked for only when a diagnostic points at it. */
  readonly key: Located<string>;
}

/**
 * The keys of one kind of thing (roles, permissions, scopes …) in one set: reports duplicates,
 * keys that collide once folded and conflicting previous names, and resolves references with a
 * did-you-mean hint.
 */
export class Namespace<T> {
  private readonly byKey = new Map<string, Entry<T>>();
  private readonly byFold = new Map<string, string>();
  private readonly previous = new Map<string, { key: string; span: Span }>();

  /** What the keys name, for messages: "role", "permission". */
  readonly noun: string;
  private readonly unknownCode: DiagnosticCode;
  private readonly diagnostics: Diagnostics;

  constructor(noun: string, unknownCode: DiagnosticCode, diagnostics: Diagnostics) {
    this.noun = noun;
    this.unknownCode = unknownCode;
    this.diagnostics = diagnostics;
  }

  /** Declares a key. Returns false (after reporting) when it is a duplicate. */
  declare(key: Located<string>, item: T): boolean {
    const existing = this.byKey.get(key.value);
    if (existing) {
      this.diagnostics.report('PC401', `duplicate ${this.noun} \`${key.value}\``, key.span, {
        hint: `${this.noun} keys must be unique within a set; rename or remove one`,
        related: [{ message: 'first defined here', span: existing.key.span }],
      });
      return false;
    }
    const folded = foldKey(key.value);
    const clash = this.byFold.get(folded);
    if (clash !== undefined) {
      this.diagnostics.report(
        'PC403',
        `${this.noun} \`${key.value}\` differs from \`${clash}\` only by case or separators`,
        key.span,
        {
          hint: `people cannot tell them apart; rename one, or use \`${clash}\` if they are the same ${this.noun}`,
          related: [{ message: `\`${clash}\` is defined here`, span: this.byKey.get(clash)!.key.span }],
        },
      );
    } else {
      this.byFold.set(folded, key.value);
    }
    this.byKey.set(key.value, { item, key });
    return true;
  }

  /** Records that `oldKey` is a previous name of `key`. Call after every key is declared. */
  declarePrevious(oldKey: Located<string>, key: string): void {
    if (oldKey.value === key) {
      this.diagnostics.report('PC414', `${this.noun} \`${key}\` lists its own key as a previous name`, oldKey.span, {
        hint: 'previousNames holds the keys it had before a rename; remove this one',
      });
      return;
    }
    if (this.byKey.has(oldKey.value)) {
      this.diagnostics.report(
        'PC414',
        `previous name \`${oldKey.value}\` of ${this.noun} \`${key}\` is the key of another ${this.noun}`,
        oldKey.span,
        {
          hint: 'a previous name must no longer be in use',
          related: [{ message: 'in use here', span: this.byKey.get(oldKey.value)!.key.span }],
        },
      );
      return;
    }
    const other = this.previous.get(oldKey.value);
    if (other) {
      this.diagnostics.report(
        'PC414',
        `previous name \`${oldKey.value}\` is claimed by both \`${other.key}\` and \`${key}\``,
        oldKey.span,
        {
          hint: 'a renamed key can only have one successor',
          related: [{ message: 'also claimed here', span: other.span }],
        },
      );
      return;
    }
    this.previous.set(oldKey.value, { key, span: oldKey.span });
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key)?.item;
  }

  spanOf(key: string): Span | undefined {
    return this.byKey.get(key)?.key.span;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Previous names to current keys. */
  aliases(): Map<string, string> {
    return new Map([...this.previous].map(([old, { key }]) => [old, key]));
  }

  /** The current key a previous name refers to, if any. */
  successor(oldKey: string): string | undefined {
    return this.previous.get(oldKey)?.key;
  }

  /**
   * Resolves a reference to its current key. A previous name resolves with a warning; an unknown
   * key is reported with the closest key (or title) as a hint. `extraHint` may explain more.
   */
  resolve(ref: Located<string>, context = '', extraHint?: (key: string) => string | undefined): string | undefined {
    if (this.byKey.has(ref.value)) return ref.value;
    const renamed = this.previous.get(ref.value);
    if (renamed) {
      this.diagnostics.report('PC503', `\`${ref.value}\` was renamed to \`${renamed.key}\`${context}`, ref.span, {
        hint: `write \`${renamed.key}\`; the previous name keeps working until it is removed from previousNames`,
      });
      return renamed.key;
    }
    const suggestion = closest(ref.value, [...this.byKey.keys(), ...this.previous.keys()]);
    const hint =
      extraHint?.(ref.value) ??
      (suggestion !== undefined
        ? `did you mean \`${this.previous.get(suggestion)?.key ?? suggestion}\`?`
        : this.byKey.size > 0 && this.byKey.size <= 12
          ? `known ${plural(this.noun)}: ${[...this.byKey.keys()].join(', ')}`
          : undefined);
    this.diagnostics.report(this.unknownCode, `unknown ${this.noun} \`${ref.value}\`${context}`, ref.span, { hint });
    return undefined;
  }
}
