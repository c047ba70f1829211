import { ANY_LEVEL } from '../src/language/asked-level.js';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../src/gherkin/definitions.js';
import { parseTail, resolveEntry, resolveNoun, resolvePermission } from '../src/gherkin/scenario-names.js';
import { type LoadedSet, loadSet } from '../src/gherkin/sets.js';
import { stateOf } from '../src/gherkin/state.js';
import { suggestStep } from '../src/gherkin/step-suggestion.js';
import { runCli } from './support/cli.js';
import { analyzeSet } from '../src/analyze.js';
import { memorySet, ROOT } from './support/sets.js';
import { asyncFailure, failure } from './support/step-failure.js';

/**
 * The newsroom fixture: a set with its own scopes (byline < desk < masthead), nouns and kinds
 * of collection entries. The step library must read it as naturally as the shipped sets, with
 * nothing of crm's or platform's vocabulary.
 */
const FIXTURE = path.join(ROOT, 'test/fixtures/newsroom');
let newsroom: LoadedSet;

beforeAll(async () => {
  newsroom = await loadSet(path.join(FIXTURE, 'policies'), 'newsroom');
});

/** Runs one step text (without its keyword) against a fresh scenario of the newsroom set. */
async function run(world: object, text: string, table?: string[][]): Promise<void> {
  const matches = STEPS.filter((s) => s.pattern.test(text));
  if (matches.length !== 1) throw new Error(`${matches.length} steps match: ${text}`);
  const spec = matches[0]!;
  const args = spec.pattern.exec(text)!.slice(1);
  await spec.run(stateOf(world), args, table);
}

async function scenario(): Promise<object> {
  const world = { parameters: { policies: path.join(FIXTURE, 'policies') } };
  await run(world, 'the policy set "newsroom"');
  return world;
}

describe('the newsroom feature', () => {
  it('passes, every scenario, with coverage for the newsroom set only', async () => {
    const { code, stdout } = await runCli([
      'test',
      path.join(FIXTURE, 'features'),
      '--policies',
      path.join(FIXTURE, 'policies'),
    ]);
    expect(stdout).toMatch(/15 scenarios \(15 passed\)/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/newsroom\s+\d+\/30/);
  });

  it('uses every phrase of the step library', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path.join(FIXTURE, 'features/newsroom.feature'), 'utf8');
    const steps = text
      .split('\n')
      .map((l) => /^\s*(?:Given|When|Then|And|But) (.*)$/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined);
    const unused = STEPS.filter((spec) => !steps.some((s) => spec.pattern.test(s))).map((s) => s.phrase);
    expect(unused).toEqual([]);
  });
});

describe('scopes come from the set', () => {
  it.each([
    ['stories she wrote', 0],
    ['written by him', 0],
    ['under their byline', 0],
    ['of her desk', 1],
    ['of desk members', 1],
    ['at the desk level', 1],
    ['at Desk', 1],
    ['across the newsroom', 2],
    ['at Whole newsroom', 2],
    ['of every desk', 2],
    ['at masthead', 2],
    ['at any level', ANY_LEVEL],
  ] as const)('"%s" → level %s', (text, level) => {
    expect(parseTail(newsroom, text, newsroom.model.permissionIndex.get('stories:edit')).level).toBe(level);
  });

  it("reads none of the shipped sets' words, and lists the set's own phrases instead", () => {
    const p = newsroom.model.permissionIndex.get('stories:edit');
    const message = failure(() => parseTail(newsroom, 'of her group', p));
    expect(message).toContain('cannot read "of her group" as a scope of newsroom');
    expect(message).toContain('"at byline", "of her byline", "of byline members", "she wrote"');
    expect(message).toContain('"across the newsroom"');
    expect(message).toContain('or write "at any level", or nothing');
    expect(failure(() => parseTail(newsroom, 'records of everyone', p))).toContain('cannot read "records of everyone"');
  });
});

describe("collections are read in the set's own nouns", () => {
  it('maps nouns and kinds to the collection', () => {
    expect(resolveNoun(newsroom, 'feed').collection.name).toBe('feeds');
    expect(resolveNoun(newsroom, 'photo desks').kind?.path).toBe('*/photos/*');
    expect(resolveNoun(newsroom, 'newsletter').collection.name).toBe('newsletters');
    expect(failure(() => resolveNoun(newsroom, 'connector'))).toMatch(
      /has no collection or kind of entry called "connector".*feeds: "feed", "agency", "wire", "photo desk"/,
    );
  });

  it('reads an entry of a kind below another, and suggests only entries the step accepts', () => {
    const feeds = newsroom.model.collectionIndex.get('feeds')!;
    const wire = resolveNoun(newsroom, 'wire').kind;
    expect(resolveEntry(feeds, 'Politics', wire, 'Associated Press')).toBe('ap/wires/politics');
    expect(failure(() => resolveEntry(feeds, 'Politics', wire, undefined))).toContain(
      '"Politics" names 2 wires of feeds: reuters/wires/politics, ap/wires/politics',
    );
    const agency = resolveNoun(newsroom, 'agency').kind;
    expect(failure(() => resolveEntry(feeds, 'reuters/wires', agency, undefined))).toContain('is not an agency');
    const message = failure(() => resolveEntry(feeds, 'Sport', wire, 'Reuters'));
    expect(message).not.toContain('did you mean "Sport"');
    expect(message).toContain('wires of reuters: "reuters/wires/politics", "reuters/wires/markets"');
  });

  it('names the entry that covers a collection check when it fails', async () => {
    const world = await scenario();
    const message = await asyncFailure(() =>
      run(world, 'the role "Desk Editor" cannot use the wire "Markets" of "Reuters"'),
    );
    expect(message).toContain('but the role "Desk Editor" can.');
    expect(message).toContain('desk-editor: mode allow: lists reuters ("Reuters"), which covers it');
    expect(message).not.toContain('[reuters, ap/wires]');
  });
});

describe('changes behave like the role editor', () => {
  it('granting a permission the role has sets its level, without a duplicate grant', async () => {
    const world = await scenario();
    await run(world, 'the role "Reporter" is granted "Edit Stories" across the newsroom');
    const state = stateOf(world);
    expect(state.rejected).toBeUndefined();
    const reporter = state.set!.model.roleIndex.get('reporter')!;
    expect(reporter.grants.filter((g) => g.text === 'stories:edit').map((g) => g.level)).toEqual([2]);
  });

  it('takes a permission out of a wildcard, and says where an inherited one comes from', async () => {
    const world = await scenario();
    await run(world, 'the role "Managing Editor" no longer grants "Retract Stories"');
    const editor = stateOf(world).set!.model.roleIndex.get('managing-editor')!;
    expect(editor.grants.map((g) => g.text)).not.toContain('stories:*');
    expect(editor.effective.has('stories:retract')).toBe(false);
    expect(editor.effective.get('stories:publish')).toBe(2);
    const message = await asyncFailure(() => run(world, 'the role "Night Editor" no longer grants "Publish Stories"'));
    expect(message).toContain(
      'has no grant of "Publish Stories" (stories:publish, Editorial) of its own: it inherits it from desk-editor',
    );
  });

  it('the create-role step takes the description the scenario gives', async () => {
    const world = await scenario();
    await run(
      world,
      'a role "copy-chief" titled "Copy Chief" described as "Checks every story before it goes out." is created with these permissions:',
      [
        ['permission', 'level'],
        ['Read Stories', 'across the newsroom'],
      ],
    );
    expect(stateOf(world).set!.model.roleIndex.get('copy-chief')?.description).toBe(
      'Checks every story before it goes out.',
    );
  });

  it('escalation steps follow policyc diff', async () => {
    const world = await scenario();
    await run(world, 'the role "Reporter" is granted "Invite Staff"');
    await run(world, 'the change escalates access');
    expect(await asyncFailure(() => run(world, 'the change is not an escalation'))).toContain('escalates access');
  });

  it('a role that can be deleted fails "cannot be deleted"', async () => {
    const world = await scenario();
    expect(await asyncFailure(() => run(world, 'the role "Archivist" cannot be deleted'))).toContain(
      'can be deleted (its users moving to contributor)',
    );
  });
});

describe('messages and suggestions', () => {
  it('calls a user by name, never "it"', async () => {
    const world = await scenario();
    const message = await asyncFailure(() => run(world, '"omar" can "Publish Stories" of his desk'));
    expect(message).toContain('but "omar" cannot.');
    expect(message).not.toMatch(/\bit cannot\b/);
  });

  it("a self-restriction reads as a sentence, and an unknown one lists the set's", async () => {
    const world = await scenario();
    await run(world, '"nadia" cannot reassign her own desk role');
    expect(await asyncFailure(() => run(world, '"nadia" cannot publish her own story'))).toContain(
      'no self-restricted permission of newsroom reads "publish her own story"; its self-restricted actions: "deactivate" (staff:deactivate), "reassign" (staff:reassign)',
    );
  });

  it("never suggests a permission it would then reject, nor the author's own words", () => {
    const message = failure(() => resolvePermission(newsroom, 'Publish Story'));
    expect(message).toContain('did you mean "Publish Stories" (stories:publish, Editorial)?');
    const spelled = failure(() => resolvePermission(newsroom, 'Publish', 'Storys'));
    expect(spelled).not.toContain('did you mean "Publish" "Storys"');
  });

  it('suggests a user step for a user, and never the line as written', () => {
    expect(suggestStep('the user "omar" kan "Read Stories"')?.example).toBe('Then the user "omar" can "Read Stories"');
    expect(suggestStep('the user "omar" can "Read Stories"')).toBeUndefined();
  });
});

describe('the schema validates the new words', () => {
  it('rejects a noun that is not lower-case words, a kind path with **, and a quoted phrase, each at its place', () => {
    const set = memorySet('words', {
      'policy.yaml': [
        'apiVersion: policyc/v1',
        'kind: PolicySet',
        'metadata: { name: words }',
        'spec:',
        '  version: 1.0.0',
        '  scopes: [{ name: own, phrases: [\'she "wrote"\'] }]',
        '---',
        'apiVersion: policyc/v1',
        'kind: Catalog',
        'metadata: { name: words }',
        'spec:',
        '  actions: [{ name: view, title: View }]',
        '  resources: [{ name: things, title: Things }]',
        '  permissions: [{ id: things:view, title: View things }]',
        '  collections:',
        '    - { name: apps, title: Apps, noun: App, kinds: [{ name: action, path: "*/actions/**" }], entries: [a] }',
        '',
      ].join('\n'),
    });
    const errors = analyzeSet(set).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.span?.line} ${d.message}`)).toEqual([
      '6 phrases[0]: "she \\"wrote\\"" is not valid: a scope phrase is words without quotes (for example across the organisation)',
      '16 noun: "App" is not valid: a noun is lower-case words (for example trigger, wire feed)',
      "16 path: \"*/actions/**\" is not valid: a kind's path is keys or * separated by '/', * standing for one key (for example */triggers/*)",
    ]);
  });
});
