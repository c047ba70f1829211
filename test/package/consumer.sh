#!/usr/bin/env bash
# The package as users get it: `npm pack`, install the tarball into a new project outside this
# repository, and run init, check, build, test and a TypeScript import of the generated module
# there. Dependencies come from the npm cache when present (--prefer-offline), else the registry.
# Run by .ci/run after `npm test`; by hand: `npm run test:package` (about a minute).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'consumer test FAILED: %s\n' "$*" >&2; exit 1; }

step "npm pack (prepack rebuilds dist/ from a clean folder)"
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "$tarball: $(du -k "$work/$tarball" | cut -f1) KiB"

step "install the tarball into a new project"
mkdir "$work/project" && cd "$work/project"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' > package.json
typescript="typescript@$(node -p "require('$repo/node_modules/typescript/package.json').version")"
npm install --save-dev --prefer-offline --no-fund --no-audit "../$tarball" "$typescript" 2>&1 | tee install.log
if grep -q 'install-scripts.*policyc' install.log; then fail "npm reports an install script in policyc"; fi
echo "installed: $(npm ls --all --parseable | tail -n +2 | wc -l) packages, $(du -sm node_modules | cut -f1) MB in node_modules"

step "the package's own files: package.json is exported, src/ is not needed"
node -e "const r = require('node:module').createRequire(process.cwd() + '/'); console.log('policyc', r('policyc/package.json').version)"
[ ! -e node_modules/policyc/src ] || fail "the tarball ships src/"
if find node_modules/policyc -name '*.map' | grep -q .; then fail "the tarball ships source maps"; fi

step "policyc init"
npx policyc init policies/shop
step "policyc fmt --check"
npx policyc fmt --check
step "policyc check (must load neither ts-morph nor cucumber)"
cat > probe.cjs <<'JS'
// Names the heavy packages a command loaded (they are CommonJS, so they land in require.cache).
process.on('exit', () => {
  const heavy = Object.keys(require.cache).filter((f) => /node_modules\/(ts-morph|@cucumber)\//.test(f));
  if (heavy.length > 0) { process.stderr.write(`loaded ${heavy.length} files of ts-morph/cucumber\n`); process.exitCode = 3; }
});
JS
node --require ./probe.cjs node_modules/.bin/policyc check
step "policyc diff (idem)"
cp -r policies policies-before
node --require ./probe.cjs node_modules/.bin/policyc diff policies-before policies --format text

step "policyc check --format sarif"
npx policyc check --format sarif > policyc.sarif
node -e "const l = JSON.parse(require('node:fs').readFileSync('policyc.sarif', 'utf8')); console.log('SARIF', l.version, l.runs[0].tool.driver.name, l.runs[0].results.length, 'results')"

step "policyc build"
npx policyc build
npx policyc build --check --locked

step "policyc test"
mkdir -p features
cat > features/shop.feature <<'GHERKIN'
Feature: The starter set
  Scenario: Members edit their own documents and read the team's
    Given the policy set "shop"
    Then the role "Member" can "Edit documents" of her own
    And the role "Member" cannot "Edit documents" at team
    And the role "Member" can "View documents" at team
    And "bo" has the role "Member"
    And the role "Owner" has every permission
GHERKIN
npx policyc test

step "a TypeScript import of the generated module (strict tsc, then run)"
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "es2022", "lib": ["es2022"], "module": "nodenext", "moduleResolution": "nodenext", "types": [],
    "strict": true, "noUncheckedIndexedAccess": true, "exactOptionalPropertyTypes": true,
    "verbatimModuleSyntax": true, "outDir": "out", "rootDir": "."
  },
  "include": ["app.ts", "generated"]
}
JSON
cat > app.ts <<'TS'
import { can, check, Permission, Role, Scope, policySet } from './generated/shop/index.js';
import type { PermissionId } from './generated/shop/index.js';

const wanted: PermissionId = 'documents:edit';
const answers = [
  can(Role.member, Permission['documents:edit'], Scope.own),
  can(Role.member, Permission['documents:edit'], Scope.team),
  check(['owner'], wanted, 'all'),
  check([], 'documents:delete', 'own'),
];
export const summary = `${policySet.name} ${policySet.version}: ${answers.join(' ')}`;
TS
npx tsc -p tsconfig.json
out="$(node --input-type=module -e "console.log((await import('./out/app.js')).summary)")"
echo "$out"
[ "$out" = "shop 0.1.0: true false true false" ] || fail "the generated module answered: $out"

step "test vectors, answered by the Python reader shipped in the package"
node --require ./probe.cjs node_modules/.bin/policyc vectors --out generated
python3 node_modules/policyc/readers/python/policyc_manifest.py generated/shop/manifest.json generated/shop/vectors.json

step "consumer test passed"
