// The TextMate grammar knows every word the compiler knows: a keyword added
// to grammar/crmc.pest, or an outcome, mode, event, actor kind, approver,
// attribute or type added to src/syntax, fails this test until
// syntaxes/crmc.tmLanguage.json highlights it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { tokenize } = require('./lib/grammar');
const { PEST, pestKeywords, contextWords } = require('./lib/words');

// Scope families a keyword may get; an identifier (`variable.*`) or a
// mistake (`invalid.*`) is what an unknown word gets.
const KEYWORD_SCOPE = /^(keyword|storage|constant\.language|support\.type|support\.constant)\./;

// The scopes of the first token whose text is `word` in `line`.
async function scopesOf(line, word) {
  const [first] = await tokenize(line);
  const token = first.tokens.find((t) => t.text === word);
  return token ? token.scopes : [];
}

// A pest keyword counts as known when, alone on a line or as a field type
// (`picklist(`), it gets a keyword scope.
async function missingKeywords(words) {
  const missing = [];
  for (const word of words) {
    const contexts = [word, `F: ${word}(`];
    let known = false;
    for (const line of contexts) {
      const scopes = await scopesOf(line, word);
      if (scopes.some((s) => KEYWORD_SCOPE.test(s))) known = true;
    }
    if (!known) missing.push(word);
  }
  return missing;
}

test('the pest grammar has keywords to check', () => {
  const words = pestKeywords(fs.readFileSync(PEST, 'utf8'));
  // The v1 grammar has about 70; far fewer means the extraction broke.
  assert.ok(words.length >= 60, `only ${words.length} keywords read from ${PEST}: ${words.join(' ')}`);
  for (const w of ['contract', 'object', 'actor', 'trigger', 'eligible', 'exclude', 'fields', 'confidence',
    'approval', 'audit', 'rollback', 'test', 'import', 'schema', 'exclusion', 'extend']) {
    assert.ok(words.includes(w), `\`${w}\` was not read from the pest grammar`);
  }
});

test('every keyword of grammar/crmc.pest is highlighted as a keyword', async () => {
  const words = pestKeywords(fs.readFileSync(PEST, 'utf8'));
  assert.deepEqual(await missingKeywords(words), [],
    'keywords of grammar/crmc.pest missing from syntaxes/crmc.tmLanguage.json (add them to repository.keywords)');
});

test('the drift check reports a keyword the TextMate grammar does not know', async () => {
  const fake = pestKeywords('kw_frobnicate = @{ "frobnicate" ~ !ident_char }\nkw_on = @{ "on" }');
  assert.deepEqual(fake, ['frobnicate', 'on']);
  assert.deepEqual(await missingKeywords(fake), ['frobnicate']);
});

// Context words are checked where they occur, each with the scope its kind gets.
const CONTEXTS = {
  outcomes: [(w) => `    Industry: ${w}`, 'constant.language.outcome.crmc'],
  actorKinds: [(w) => `  actor ${w} "alim"`, 'support.type.actor.crmc'],
  modes: [(w) => `  mode ${w}`, 'support.constant.mode.crmc'],
  events: [(w) => `  trigger on ${w}`, 'support.constant.event.crmc'],
  approvers: [(w) => `    review by ${w} "x"`, 'support.variable.approver.crmc'],
  attributes: [(w) => `    Id: id ${w}`, 'storage.modifier.attribute.crmc'],
  types: [(w) => `    Field: ${w}`, 'support.type.crmc'],
};

for (const [kind, [line, scope]] of Object.entries(CONTEXTS)) {
  test(`every ${kind} word of src/syntax is highlighted (${scope})`, async () => {
    const words = contextWords()[kind];
    assert.ok(words.length > 0, `no ${kind} read from src/syntax`);
    const wrong = [];
    for (const w of words) {
      const scopes = await scopesOf(line(w), w);
      if (!scopes.includes(scope)) wrong.push(`${w} (${scopes.slice(1).join(' ') || 'no token'})`);
    }
    assert.deepEqual(wrong, [], `${kind} not highlighted as ${scope}`);
  });
}
