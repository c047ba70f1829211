/**
 * Counts the out-of-domain questions a shipped module answers wrongly (true or defined where it
 * must deny, or a throw), per exported function:
 *
 *   npx tsx test/support/count-out-of-domain.ts [crm|platform …] [--module <index.ts>]
 *
 * `--module` reads another build of the set's module (an older commit's, to count before a fix).
 * Loads generated/<set>/index.ts as an application would (the committed artifact) and the
 * set's model for the reference answers to well-formed unknown collection entries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadGeneratedModule } from '../../src/emit/load.js';
import { askAll, type LooseModule, outOfDomainQuestions } from './out-of-domain.js';
import { ROOT, shippedModel } from './sets.js';

const args = process.argv.slice(2);
const at = args.indexOf('--module');
const moduleFile = at >= 0 ? args.splice(at, 2)[1] : undefined;
const sets = (args.length > 0 ? args : ['crm', 'platform']) as ('crm' | 'platform')[];
for (const set of sets) {
  const model = await shippedModel(set);
  const g = await loadGeneratedModule<LooseModule>(
    readFileSync(moduleFile ?? path.join(ROOT, 'generated', set, 'index.ts'), 'utf8'),
  );
  const questions = outOfDomainQuestions(model, g);
  const wrong = askAll(questions);
  const byFn = new Map<string, { asked: number; wrong: number; threw: number }>();
  for (const q of questions) {
    const fn = q.fn;
    const row = byFn.get(fn) ?? { asked: 0, wrong: 0, threw: 0 };
    row.asked++;
    byFn.set(fn, row);
  }
  for (const w of wrong) {
    const row = byFn.get(w.question.fn)!;
    if (w.error !== undefined) row.threw++;
    else row.wrong++;
  }
  const answeredTrue = wrong.filter((w) => w.error === undefined).length;
  const threw = wrong.length - answeredTrue;
  console.log(
    `${set}: ${questions.length} out-of-domain questions, ${answeredTrue} answered true/defined where they must deny, ${threw} threw`,
  );
  for (const [fn, row] of byFn)
    console.log(
      `  ${fn.padEnd(16)} asked ${String(row.asked).padStart(6)}  wrong ${String(row.wrong).padStart(5)}  threw ${String(row.threw).padStart(5)}`,
    );
  for (const w of wrong.slice(0, 5)) console.log(`  e.g. ${w.question.text} -> ${w.error ?? String(w.answer)}`);
}
