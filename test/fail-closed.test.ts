import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGeneratedModule } from '../src/emit/load.js';
import { askAll, type LooseModule, outOfDomainQuestions } from './support/out-of-domain.js';
import { ROOT, shippedModel } from './support/sets.js';

/**
 * Issue 10: the shipped modules (the committed artifacts) deny every question outside their
 * compiled domain, for every exported function, and never throw. Before the fix, the crm module
 * answered 5,277 of these questions true and threw on 6,390 of them (count with
 * `npx tsx test/support/count-out-of-domain.ts crm --module <old index.ts>`).
 */
describe.each(['crm', 'platform'] as const)('the shipped %s module fails closed', (set) => {
  it('denies (or answers undefined) every out-of-domain question, and never throws', async () => {
    const model = await shippedModel(set);
    const g = await loadGeneratedModule<LooseModule>(
      readFileSync(path.join(ROOT, 'generated', set, 'index.ts'), 'utf8'),
    );
    const questions = outOfDomainQuestions(model, g);
    expect(questions.length).toBeGreaterThan(10_000);
    const wrong = askAll(questions);
    expect(wrong.slice(0, 10).map((w) => `${w.question.text} -> ${w.error ?? String(w.answer)}`)).toEqual([]);
    expect(wrong.length).toBe(0);
  });
});
