import { distance } from 'fastest-levenshtein';
import { STEPS, type StepSpec } from './definitions.js';

/** A step text with its quoted values blanked, for comparing shapes: `"alice" kan "View"` → `"" kan ""`. */
function shape(text: string): string {
  return text
    .replace(/"[^"]*"/g, '""')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A shape up to and including its last quoted value. */
function head(text: string): string {
  const i = text.lastIndexOf('"');
  return i < 0 ? text : text.slice(0, i + 1);
}

/** Every example of the library, without its keyword and table. */
function examples(): { spec: StepSpec; text: string }[] {
  return STEPS.flatMap((spec) =>
    spec.examples.map((e) => ({ spec, text: e.split('\n')[0]!.replace(/^(Given|When|Then|And|But)\s+/, '') })),
  );
}

/**
 * The phrase of the step library closest to a step that matched none, by the shape of the
 * text (quoted values ignored), when one is close enough to be a plausible slip.
 */
export function suggestStep(step: string): { phrase: string; example: string } | undefined {
  // A user named as `the user "x"` reads like `"x"`: never propose a role's phrase for a user.
  const user = /^the user (?=")/.test(step);
  const text = user ? step.replace(/^the user /, '') : step;
  const input = shape(text.replace(/:$/, ''));
  let best: { spec: StepSpec; text: string; d: number; prefix: boolean } | undefined;
  for (const e of examples()) {
    if (user && /^the roles? /.test(e.text)) continue;
    const candidate = shape(e.text.replace(/:$/, ''));
    // A step may be a shorter form of an example (optional parts left out): compare with its start too.
    const whole = distance(input, candidate);
    const start = distance(input, candidate.slice(0, input.length)) + 1;
    // The words after the last quoted value (a scope, "for herself") vary most: compare what comes before.
    const heads = input.includes('"') ? distance(head(input), head(candidate)) + 1 : Infinity;
    const d = Math.min(whole, start, heads);
    if (!best || d < best.d) best = { ...e, d, prefix: d < whole };
  }
  if (!best || best.d > Math.max(6, Math.floor(input.length * 0.4))) return undefined;
  const filled = fill(best.text, text, best.prefix);
  const example = user && filled.startsWith('"') ? `the user ${filled}` : filled;
  // The author's own line is no suggestion.
  if (shape(example) === shape(step)) return undefined;
  return { phrase: `${best.spec.keyword} ${best.spec.phrase}`, example: `${best.spec.keyword} ${example}` };
}

/**
 * The example with the step's own quoted values in place of the example's, in order. When the
 * step matched the start of the example, the example stops after the step's last value and the
 * step's own words after it follow.
 */
function fill(example: string, step: string, prefix: boolean): string {
  const values = [...step.matchAll(/"[^"]*"/g)];
  const parts = example.split(/("[^"]*")/);
  let used = 0;
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      if (used < values.length) out += values[used++]![0];
      else if (prefix) break;
      else out += part;
    } else if (prefix && used === values.length && values.length > 0) {
      const last = values[values.length - 1]!;
      out += step.slice(last.index + last[0].length);
      break;
    } else out += part;
  }
  return out.trim();
}
