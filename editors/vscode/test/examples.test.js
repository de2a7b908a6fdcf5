// Every .crmc file of the repository through the grammar, the way a reader
// opens it: the bundled workflows and the stdlib get no `invalid` scope,
// and no file (the tests/ui cases that do not parse included) has a string
// or a region that runs on into the following lines.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize } = require('./lib/grammar');
const { REPO } = require('./lib/words');

function crmcFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...crmcFiles(p));
    else if (entry.name.endsWith('.crmc')) out.push(p);
  }
  return out.sort();
}

// examples/broken holds mistakes on purpose; tests/ui holds files that do not
// lex, on purpose: only the bundled, checked units must be free of `invalid`.
const clean = [...crmcFiles(path.join(REPO, 'examples')), ...crmcFiles(path.join(REPO, 'stdlib'))]
  .filter((f) => !f.includes(`${path.sep}broken${path.sep}`));
const all = [...crmcFiles(path.join(REPO, 'examples')), ...crmcFiles(path.join(REPO, 'stdlib')),
  ...crmcFiles(path.join(REPO, 'tests'))];

const rel = (f) => path.relative(REPO, f);

// A line whose first token is inside a string without opening it continues
// a string from the line before: what an unterminated string must not do.
function leaks(lines) {
  const found = [];
  lines.forEach(({ tokens }, i) => {
    const first = tokens[0];
    if (first && first.scopes.some((s) => s.startsWith('string.'))
      && !first.scopes.some((s) => s.startsWith('punctuation.definition.string.begin'))) {
      found.push(`line ${i + 1}`);
    }
  });
  return found;
}

test('the repository has .crmc files to check', () => {
  assert.ok(clean.length >= 10, `only ${clean.length} example and stdlib files found under ${REPO}`);
  assert.ok(all.length > clean.length);
});

test('examples and stdlib: no invalid scope', async () => {
  const bad = [];
  for (const f of clean) {
    const lines = await tokenize(fs.readFileSync(f, 'utf8'));
    lines.forEach(({ tokens }, i) => {
      for (const t of tokens) {
        if (t.scopes.some((s) => s.startsWith('invalid.'))) bad.push(`${rel(f)}:${i + 1}:${t.startIndex + 1} ${JSON.stringify(t.text)}`);
      }
    });
  }
  assert.deepEqual(bad, []);
});

test('every .crmc file: no string runs into the next line, every region closes', async () => {
  const bad = [];
  for (const f of all) {
    const lines = await tokenize(fs.readFileSync(f, 'utf8'));
    for (const l of leaks(lines)) bad.push(`${rel(f)}: string continues at ${l}`);
    if (lines.endDepth !== 1) bad.push(`${rel(f)}: ends inside a region (rule stack depth ${lines.endDepth})`);
  }
  assert.deepEqual(bad, []);
});

test('the leak check sees a string that runs on', async () => {
  // A grammar whose strings spanned lines would colour `contract` here.
  const lines = [{ tokens: [{ text: '"x', scopes: ['source.crmc', 'string.quoted.double.crmc', 'punctuation.definition.string.begin.crmc'] }] },
    { tokens: [{ text: 'contract', scopes: ['source.crmc', 'string.quoted.double.crmc'] }] }];
  assert.deepEqual(leaks(lines), ['line 2']);
  assert.deepEqual(leaks(await tokenize('test "open\ncontract c {')), []);
});
