import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STEPS, type StepSpec } from './definitions.js';

/**
 * The README section that documents the step library, generated from the step table
 * (definitions.ts) so that it cannot drift: `npm run docs:steps` rewrites it, and
 * test/gherkin-docs.test.ts fails when README.md is out of date.
 */

const BEGIN = '<!-- steps:begin -->';
const END = '<!-- steps:end -->';

const GROUPS: readonly { readonly group: StepSpec['group']; readonly title: string; readonly intro: string }[] = [
  { group: 'Context', title: 'Context', intro: 'Which set a scenario checks, and the users it introduces.' },
  { group: 'Checks', title: 'Checks', intro: 'One question at a time, on a user or on roles.' },
  {
    group: 'Collections',
    title: 'Collections',
    intro:
      'Instance-level access, in the nouns the set declares for its collections and kinds of entries (platform: connectors with apps, triggers and actions; objects).',
  },
  {
    group: 'Tables',
    title: 'Tables',
    intro: 'Many questions at once; every cell is checked and every difference is reported.',
  },
  {
    group: 'Changes',
    title: 'Changes',
    intro:
      'A "When" step changes an in-memory copy of the set (with the `yaml` Document API, so comments and layout stay) and recompiles it with the lockfile, so numbers stay stable; the steps after it check the changed set. The files on disk are never touched.',
  },
  {
    group: 'Custom roles',
    title: 'Custom roles',
    intro:
      "Roles defined at run time on the compiled catalog (`defineRole` in the generated module), as a customer's administrator defines them; once defined, the steps above check them like compiled roles.",
  },
];

/** The text between the README markers. */
function renderStepDocs(): string {
  const out: string[] = [
    '<!-- Generated from src/gherkin/definitions.ts by `npm run docs:steps`; do not edit by hand (test/gherkin-docs.test.ts fails when this is out of date). -->',
    '',
    'Authors of acceptance tests write only `.feature` files. `policyc test [paths…]` runs them (default `features/`) with these steps preloaded,',
    "prints cucumber's progress and summary (`--format html:<file>`, `--format junit:<file>` and the other cucumber formats pass through) and exits 1 when a",
    'scenario fails. In a cucumber setup of your own, `import "policyc/steps"` in a support file registers the same steps (the world parameter',
    "`policies` names the folder of the sets, default `policies`); `@cucumber/cucumber` is a peer dependency (12 or 13), so your project's cucumber is the one",
    'the steps register with. Other options of `policyc test`: `--policies <dir>`, `--tags <expression>`, `--name <regexp>`, `--fail-fast`, `--import <file>`',
    '(support files of your own, loaded after the steps), `--min-coverage <percent>`, `--coverage-json <file>`, `--coverage-cobertura <file>`, and',
    '`--format github`, which prints a GitHub Actions `::error file=…,line=…` annotation for each failed step. `policyc init` writes a first feature beside the',
    'new set that passes as it is. Each scenario that changes a set compiles the changed copy and checks its answers against the generated module of that copy;',
    'the JavaScript of those modules is kept in the [build cache](#the-build-cache) (`steps/`), so a second run emits none of them again (`--no-cache` turns it off).',
    '',
    "- **Your set's words.** Nothing of the shipped sets is built in. Scopes are read by name and title (`at team`, `at the team level`, `of her team`,",
    '  `of team members`, `at Organisation`), by the phrases a PolicySet declares for each scope (`phrases: [created by her, across the organisation]`;',
    '  "her" reads "his" and "their" too), and as `at any level` (naming none asks for the widest level); the permission\'s own resource and category words may stand',
    "  around them (`records of her group`). Collections are named by the noun a Catalog declares (`noun: connector`, default: the collection's name less",
    '  its final s) and by kinds of entries with the shape of their paths (`kinds: [{ name: trigger, path: "*/triggers/*" }]`): `the trigger "New lead" of',
    '  "Salesforce"`, `every action of "Slack"`.',
    '- **Names.** Roles by key (`team-lead`, exact) or title (`"Team Lead"`, any case); users by name or title (`"alice"` or `the user "alice"`); permissions by id',
    '  (`records:update`, exact) or title (`"Update Group"`, any case), with a qualifier when a title is shared (`"Delete" "CRM Modules"`: category or resource;',
    '  `"View" "Agents"`: action and resource). In tables a qualifier is written in parentheses: `Delete (CRM Modules)`.',
    '- **Answers.** Every check asks the generated module of the set (the artifact that ships) and cross-checks the reference evaluator; a disagreement fails',
    '  the step loudly. A failed check names the subject, the permission, the scope and why: the grants that give it and the inheritance path, or that none does;',
    '  a failed collection check names, per role, the listed entry that covers the entry, or that none does.',
    '- **Mistakes.** An unknown role, user, permission, scope or entry fails the step with a did-you-mean that the step would accept (never the words as',
    '  written); a step that matches no phrase below fails the run (cucumber runs strict) and `policyc test` prints the closest phrase.',
    '- **Policy coverage.** After the run, `policyc test` prints, for each set the scenarios used, the effective grants (role, permission, widest level) and the',
    '  collection entries (role, collection, entry) no scenario exercised, as a percentage and a list; `--min-coverage <percent>` fails when a used set is below',
    '  it. A grant counts when a passing check showed a role holding it at its widest level (a check on a user or on several roles counts for each of the',
    "  subject's roles that answers it on its own); an entry counts when a passing check showed a role may use it. Denials, checks at a narrower level and",
    '  checks against a changed set do not count. `--coverage-json` writes the same as JSON; `--coverage-cobertura` writes Cobertura XML with a class per role',
    '  file and a line per declared grant (hit when a scenario exercised something that grant gives the role).',
  ];
  for (const g of GROUPS) {
    const steps = STEPS.filter((s) => s.group === g.group);
    if (steps.length === 0) continue;
    out.push('', `### ${g.title}`, '', g.intro);
    for (const s of steps) {
      out.push(
        '',
        `**\`${s.keyword} ${s.phrase}\`**${s.table ? ' (with a table)' : ''}`,
        '',
        escapeProse(s.description),
        '',
        '```gherkin',
        ...s.examples,
        '```',
      );
    }
  }
  return out.join('\n');
}

/** Markdown prose with `<placeholders>` outside code spans escaped, so that they are not read as HTML. */
function escapeProse(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 0 ? part.replace(/</g, '&lt;').replace(/>/g, '&gt;') : part))
    .join('`');
}

/** README text with the generated section in place of whatever is between the markers. */
export function withStepDocs(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README has no ${BEGIN} … ${END} markers`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${renderStepDocs()}\n${readme.slice(end)}`;
}

/** The repository's README.md. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

// `npm run docs:steps` (tsx src/gherkin/docs.ts): rewrite README.md; with --check, exit 1 when it is stale.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const current = readFileSync(README, 'utf8');
  const next = withStepDocs(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('README.md: the Gherkin steps section is out of date; run `npm run docs:steps`\n');
      process.exitCode = 1;
    }
  } else if (next !== current) {
    writeFileSync(README, next);
    process.stdout.write('README.md: Gherkin steps section updated\n');
  } else {
    process.stdout.write('README.md: Gherkin steps section up to date\n');
  }
}
