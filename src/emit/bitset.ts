/** Words of 32 bits needed for `bits` bits (at least one, so every row has a word to read). */
export function wordsFor(bits: number): number {
  return Math.max(1, Math.ceil(bits / 32));
}

/** Sets bit `bit` of the row starting at word `rowStart`. */
export function setBit(words: Uint32Array, rowStart: number, bit: number): void {
  words[rowStart + (bit >>> 5)]! |= 1 << (bit & 31);
}

/** Reads bit `bit` of the row starting at word `rowStart`. */
export function getBit(words: Uint32Array, rowStart: number, bit: number): boolean {
  return ((words[rowStart + (bit >>> 5)]! >>> (bit & 31)) & 1) === 1;
}

/** Encodes 32-bit words as base64 of their little-endian bytes: compact (4/3 of the raw bits) and portable. */
export function encodeWords(words: Uint32Array): string {
  const bytes = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) bytes.writeUInt32LE(words[i]!, i * 4);
  return bytes.toString('base64');
}

/**
 * The decoder the generated module carries (self-contained: no Buffer, no atob), the inverse of
 * `encodeWords`. It runs once per table when the module loads.
 */
export const DECODER_SOURCE = `
/** Decodes base64 of little-endian 32-bit words (written by policyc) into \`length\` words. */
function decodeWords(text: string, length: number): Uint32Array {
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
`;
