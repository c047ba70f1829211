import fc from 'fast-check';

/**
 * Generated YAML texts for comparing the YAML stage's fast path with the Document path
 * (test/load-yaml-fast.property.test.ts): trees of block and flow collections written with every
 * scalar style, spacing, comments and indentation steps, then randomly damaged.
 */

/** Plain scalars at the edges of the core schema (and of what a reviewer might think they mean). */
const PLAIN = [
  ...['', 'null', 'Null', 'NULL', 'nULL', '~', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no'],
  ...['on', 'off', '0', '-0', '+0', '00', '007', '0777', '0o17', '0o8', '0o', '0x1F', '0xg', '0X1F', '0b101', '12'],
  ...['-12', '+12', '9007199254740993', '123456789012345678901234567890', '1e3', '1E-3', '-1.5', '+.5', '.5', '1.'],
  ...[
    '1.0',
    '1.50',
    '-0.0',
    '1e400',
    '-1e400',
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
    '.NAN',
    'nan',
    'inf',
    '1_000',
  ],
  ...['0x_1', '1:30', '2001-12-14', '<<', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'],
  ...[
    'users:view',
    'records:*',
    'r00601:*',
    'role-00001',
    'a b',
    'é',
    '日本語',
    '😀',
    'a\u00a0b',
    'x#y',
    'x #y',
    'a:b',
  ],
  ...['a: b', '- x', '-x', '*', '*a', '&a', '!tag', '!!str', '@x', '`x', '%x', '? x', '? ', '|', '>', "'", '"', 'a\tb'],
  ...['{', '}', '[', ']', ',', 'a,b', 'a]', ':', '::', 'a:', ' lead', 'trail ', 'multi\n  line', 'x\r\ny'],
];

const scalarText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PLAIN) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);

/** A scalar written in one of YAML's five styles (the text may not be valid in that style: that is the point). */
const scalar = (indent: number) =>
  fc.oneof(
    { weight: 5, arbitrary: scalarText },
    {
      weight: 2,
      arbitrary: scalarText.map((s) => `'${s.replaceAll("'", "''")}'`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(scalarText, fc.constantFrom('', '\\n', '\\t', '\\u00e9', '\\x41', '\\q', '\\"', '\\\\', '\\U0001F600'))
        .map(([s, esc]) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}${esc}"`),
    },
    { weight: 1, arbitrary: fc.constantFrom("'unterminated", '"open', "'it''s'", '"a\\"b"', "''", '""') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('|', '>', '|-', '>+', '|2', '>-', '|+'), fc.array(scalarText, { maxLength: 3 }))
        .map(
          ([head, lines]) =>
            `${head}\n${lines.map((l) => `${' '.repeat(indent + 2)}${l.replaceAll('\n', ' ')}`).join('\n')}`,
        ),
    },
  );

type Tree = { kind: 'scalar'; text: string } | { kind: 'map' | 'seq' | 'fmap' | 'fseq'; items: [string, Tree][] };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('scalar' as const), text: scalar(4) }),
    fc.record({
      kind: fc.constantFrom('map' as const, 'seq' as const, 'fmap' as const, 'fseq' as const),
      items: fc.array(fc.tuple(scalar(0), tie('tree')), { maxLength: 4 }),
    }),
  ),
})).tree;

const layout = fc.record({
  step: fc.constantFrom(2, 2, 2, 1, 3, 4),
  comment: fc.constantFrom('', '', ' # note', '  #', '#tight', ' # __proto__: x'),
  gap: fc.constantFrom(' ', ' ', '  ', '', '\t'),
});

function flowText(t: Tree): string {
  if (t.kind === 'scalar') return t.text.includes('\n') ? JSON.stringify(t.text) : t.text;
  const inner = t.items.map(([k, v]) => (t.kind === 'fmap' || t.kind === 'map' ? `${k}: ${flowText(v)}` : flowText(v)));
  return t.kind === 'fmap' || t.kind === 'map' ? `{ ${inner.join(', ')} }` : `[${inner.join(', ')}]`;
}

/** Writes a tree as block YAML at `indent` (flow collections inline), with the layout's spacing and comments. */
function blockText(t: Tree, indent: number, l: { step: number; comment: string; gap: string }): string {
  const pad = ' '.repeat(indent);
  if (t.kind === 'scalar' || t.kind === 'fmap' || t.kind === 'fseq') return `${pad}${flowText(t)}${l.comment}\n`;
  if (t.items.length === 0) return `${pad}${t.kind === 'map' ? '{}' : '[]'}\n`;
  return t.items
    .map(([k, v]) => {
      const head = t.kind === 'map' ? `${pad}${k}:` : `${pad}-`;
      if (v.kind === 'map' || v.kind === 'seq')
        return v.items.length === 0
          ? `${head}${l.gap}${v.kind === 'map' ? '{}' : '[]'}\n`
          : `${head}${l.comment}\n${blockText(v, indent + l.step, l)}`;
      return `${head}${l.gap}${flowText(v)}${l.comment}\n`;
    })
    .join('');
}

/** Damage that turns good YAML into near misses: a character inserted, deleted or doubled, a line repeated. */
const damage = fc.oneof(
  fc.constant((s: string) => s),
  fc.constant((s: string) => s),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        ' ',
        '\t',
        '#',
        ':',
        '-',
        '"',
        "'",
        '&a ',
        '*a',
        '!x ',
        '? ',
        '\n',
        ',',
        '[',
        '{',
        '}',
        '---\n',
        '...\n',
        '%YAML 1.1\n',
        '\uFEFF',
        '<<: ',
      ),
    )
    .map(
      ([at, c]) =>
        (s: string) =>
          s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1)),
    ),
  fc.nat().map((at) => (s: string) => s.slice(0, at % (s.length + 1)) + s.slice((at % (s.length + 1)) + 1)),
  fc.nat().map((at) => (s: string) => {
    const lines = s.split('\n');
    const i = at % lines.length;
    return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join('\n');
  }),
);

/** Whole files: one to three documents, a head (comment, `---`, BOM, directive), maybe CRLF, maybe damaged. */
export const yamlText = fc
  .tuple(
    fc.array(fc.tuple(tree, layout), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', '', '# head\n', '---\n', '--- # doc\n', '\uFEFF', '%YAML 1.2\n---\n'),
    fc.boolean(),
    fc.array(damage, { maxLength: 2 }),
  )
  .map(([docs, head, crlf, hurts]) => {
    let text = head + docs.map(([t, l]) => blockText(t, 0, l)).join('---\n');
    for (const hurt of hurts) text = hurt(text);
    return crlf ? text.replaceAll('\n', '\r\n') : text;
  });
