// language-configuration.json against the language: the comment toggle uses
// the grammar's comment, the brackets are the grammar's, indentation follows
// `{` / `}`; and package.json contributes what the client reads.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PEST } = require('./lib/words');

const root = path.join(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const pest = fs.readFileSync(PEST, 'utf8');

test('the comment toggle writes the comment of grammar/crmc.pest', () => {
  const comment = pest.match(/^COMMENT\s*=\s*_\{\s*"([^"]+)"/m);
  assert.ok(comment, 'grammar/crmc.pest has no COMMENT rule starting with a literal');
  assert.equal(config.comments.lineComment, comment[1]);
  // The grammar has no block comment; a toggle for one would write text that does not parse.
  assert.equal(config.comments.blockComment, undefined);
});

test('brackets and auto-closing pairs cover braces, parentheses and quotes', () => {
  assert.deepEqual(config.brackets, [['{', '}'], ['(', ')']]);
  const pairs = config.autoClosingPairs.map((p) => p.open + p.close).sort();
  assert.deepEqual(pairs, ['""', '()', '{}']);
  for (const p of config.autoClosingPairs) assert.deepEqual(p.notIn, ['string', 'comment']);
});

test('indentation grows after `{` and shrinks at `}`', () => {
  const inc = new RegExp(config.indentationRules.increaseIndentPattern);
  const dec = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['contract c version 2 {', '  fields {', '  confidence {   // thresholds', '    Industry: picklist(']) {
    assert.ok(inc.test(line), `should indent after: ${line}`);
  }
  for (const line of ['  Industry: auto when empty, review', '  metric "x {" target 80%', '  // {}', '}']) {
    assert.ok(!inc.test(line), `should not indent after: ${line}`);
  }
  assert.ok(dec.test('  }'));
  assert.ok(dec.test('}'));
  assert.ok(!dec.test('  Industry: auto'));
});

test('a word is an identifier, a dotted path or a number token', () => {
  const word = new RegExp(`^(?:${config.wordPattern})$`);
  for (const w of ['Industry__c', 'record.owner', 'Account.Type', '80%', '24h', '-0.5', '1_000']) assert.ok(word.test(w), w);
  assert.ok(!word.test('a b'));
});

test('package.json: the crmc language, its grammar, crmc.path and crmc.trace.server', () => {
  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, 'crmc');
  assert.deepEqual(lang.extensions, ['.crmc']);
  assert.ok(fs.existsSync(path.join(root, lang.configuration)));
  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.scopeName, 'source.crmc');
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, grammar.path), 'utf8')).scopeName, 'source.crmc');
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['crmc.path'].default, 'crmc');
  assert.deepEqual(props['crmc.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.ok(fs.existsSync(path.join(root, pkg.main)));
  // Pinned: the lockfile is what CI installs, the manifest must not float.
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    for (const [name, version] of Object.entries(deps)) assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is not pinned`);
  }
});
