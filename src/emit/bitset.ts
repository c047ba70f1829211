/** Words of 32 bits needed for `bits` bits (at least one, so every row has a word to read). */
export function wordsFor(bits: number): number {
  return Math.max(1, Math.ceil(bits / 32));
}

/** Sets bit `bit` of the row starting at word `rowStart`. */
export function setBit(words: Uint32Array, rowStart: number, bit: number): void {
  words[rowStart + (bit >>> 5)]! |= 1 << (bit & 31);
}

/** Encodes 32-bit words as base64 of their little-endian bytes: compact (4/3 of the raw bits) and portable; `decodeWords` in src/runtime/bits.ts reads it. */
export function encodeWords(words: Uint32Array): string {
  const bytes = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) bytes.writeUInt32LE(words[i]!, i * 4);
  return bytes.toString('base64');
}
