import unhomoglyph from 'unhomoglyph';
import data from 'unhomoglyph/data.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { foldTitle } from '../src/language/title-fold.js';

/** foldTitle as it was written with the package's own function (a regular expression of every key). */
function withPackage(title: string): string {
  const compatible = title.normalize('NFKC').replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '');
  return unhomoglyph(compatible.trim().replace(/\s+/g, ' ').toLowerCase()).toLowerCase();
}

describe('foldTitle maps look-alike characters as the unhomoglyph package does', () => {
  it('for every character the package maps, alone and between letters', () => {
    const keys = Object.keys(data as Record<string, string>);
    expect(keys.length).toBeGreaterThan(6000);
    for (const key of keys) {
      expect(foldTitle(key)).toBe(withPackage(key));
      expect(foldTitle(`Ab${key}cD ${key}`)).toBe(withPackage(`Ab${key}cD ${key}`));
    }
  });

  it('for titles mixing scripts, astral characters and lone surrogates', () => {
    for (const title of ['Sаles Аgent', 'ΑΒΓ admin', '𝐀𝐝𝐦𝐢𝐧 𝔘𝔰𝔢𝔯', 'x\ud800y', 'I0l1|m`"%', 'Ｆｕｌｌ　Ｗｉｄｔｈ']) {
      expect(foldTitle(title)).toBe(withPackage(title));
    }
    expect(foldTitle('Sаles Аgent')).toBe(foldTitle('Sales Agent'));
  });
});
