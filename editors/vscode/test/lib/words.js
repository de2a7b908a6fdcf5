// The words of the language as the compiler knows them, read from the
// repository's own sources so the grammar cannot drift from them:
// - every keyword literal of grammar/crmc.pest;
// - the context words that the pest grammar reads as plain words and
//   src/syntax/*.rs validates (outcomes, modes, events, actor kinds,
//   approvers, field attributes, field types).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const REPO = path.join(__dirname, '..', '..', '..', '..');
const PEST = path.join(REPO, 'grammar', 'crmc.pest');
const SYNTAX = path.join(REPO, 'src', 'syntax');

// Every alphabetic string literal of a pest grammar (`"contract"`, `"in"`):
// the grammar's keywords. Comment lines are skipped; the literals of
// punctuation (`"{"`, `"//"`) are not words.
function pestKeywords(text) {
  const words = new Set();
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('//')) continue;
    for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      if (/^[A-Za-z][A-Za-z_]*$/.test(m[1])) words.add(m[1]);
    }
  }
  return [...words].sort();
}

// `const NAME: &[&str] = &["a", "b"];` in a Rust source.
function rustList(text, name) {
  const m = text.match(new RegExp(`const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\]`));
  if (!m) throw new Error(`src/syntax has no \`const ${name}: &[&str]\` any more: update test/lib/words.js`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
}

// The type words of src/syntax/schema.rs (`"id" => TypeKind::Id`).
function rustTypes(text) {
  const types = [...text.matchAll(/"([a-z]+)" => TypeKind::/g)].map((x) => x[1]);
  if (types.length === 0) throw new Error('src/syntax/schema.rs has no `"word" => TypeKind::` arms any more: update test/lib/words.js');
  return types;
}

function read(file) {
  return fs.readFileSync(path.join(SYNTAX, file), 'utf8');
}

function contextWords() {
  const clauses = read('clauses.rs');
  return {
    outcomes: rustList(read('errors.rs'), 'OUTCOMES'),
    actorKinds: rustList(clauses, 'ACTOR_KINDS'),
    modes: rustList(clauses, 'MODES'),
    events: [...new Set([...rustList(clauses, 'EVENTS'), ...rustList(read('testblock.rs'), 'EVENTS')])],
    approvers: rustList(clauses, 'APPROVERS'),
    attributes: rustList(read('schema.rs'), 'ATTRS'),
    types: rustTypes(read('schema.rs')),
  };
}

module.exports = { REPO, PEST, pestKeywords, rustList, rustTypes, contextWords };
