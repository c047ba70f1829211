import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo (edit distance
 * 1 for words up to 3 characters, 2 up to 8, then a third of the length, at most 4), compared
 * case-insensitively.
 * A candidate that equals the input ignoring case always wins.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === needle) return candidate;
    const d = distance(needle, c);
    const length = Math.max(needle.length, c.length);
    const limit = length <= 3 ? 1 : length <= 8 ? 2 : Math.min(4, Math.floor(length / 3));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean `x`?" for the closest candidate, or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closest(input, candidates);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}
