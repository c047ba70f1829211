/**
 * Bit helpers of the generated module's runtime: the table decoder and single-bit reads.
 * Copied into every generated module (without `export`, see src/emit/runtime.ts), so they
 * use nothing but the language: no Buffer, no atob, no imports.
 */

/** Decodes base64 of little-endian 32-bit words (written by policyc's `encodeWords`) into `length` words. */
export function decodeWords(text: string, length: number): Uint32Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const values = new Uint8Array(128);
  for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;
  // Typed arrays ignore writes past their end, so padding needs no special case.
  const bytes = new Uint8Array(length * 4);
  for (let i = 0, j = 0; i + 3 < text.length; i += 4, j += 3) {
    const n =
      (values[text.charCodeAt(i)]! << 18) |
      (values[text.charCodeAt(i + 1)]! << 12) |
      (values[text.charCodeAt(i + 2)]! << 6) |
      values[text.charCodeAt(i + 3)]!;
    bytes[j] = n >>> 16;
    bytes[j + 1] = n >>> 8;
    bytes[j + 2] = n;
  }
  const words = new Uint32Array(length);
  for (let w = 0; w < length; w++) {
    const b = w * 4;
    words[w] = (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24)) >>> 0;
  }
  return words;
}

/** Whether bit `bit` of the row starting at word `start` is set (callers check `bit` against the row's width). */
export function hasBit(words: Uint32Array, start: number, bit: number): boolean {
  return (words[start + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
}

/** Whether `n` is a whole number in 0 … count−1: a number (not a string, bigint or object), exact, in range. */
export function isIndex(n: unknown, count: number): n is number {
  return typeof n === "number" && n >>> 0 === n && n < count;
}

/** Freezes metadata all the way down, so that an application cannot change what the module reports. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
