// Loads syntaxes/crmc.tmLanguage.json the way VS Code does (vscode-textmate
// on the oniguruma WebAssembly build), for the node tests.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const oniguruma = require('vscode-oniguruma');
const textmate = require('vscode-textmate');

const GRAMMAR = path.join(__dirname, '..', '..', 'syntaxes', 'crmc.tmLanguage.json');

let loaded;

function loadGrammar() {
  if (!loaded) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new textmate.Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        scopeName === 'source.crmc'
          ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR)
          : null,
    });
    loaded = registry.loadGrammar('source.crmc');
  }
  return loaded;
}

// Tokens of a whole text, one array per line:
// [{ text, scopes, line, startIndex }], plus `endsInString` per line (the
// state carried into the next line is inside a string).
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = textmate.INITIAL;
  return text.split(/\r?\n/).map((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    state = r.ruleStack;
    const tokens = r.tokens.map((t, i) => ({
      text: lineText.slice(t.startIndex, i + 1 < r.tokens.length ? r.tokens[i + 1].startIndex : lineText.length),
      scopes: t.scopes,
      line,
      startIndex: t.startIndex,
    }));
    return { lineText, tokens, stateScopes: stateScopes(state) };
  });
}

// The scope names open at the end of a line (the rule stack's content scopes).
function stateScopes(stack) {
  const names = [];
  for (let s = stack; s; s = s.parent) {
    const list = s.contentNameScopesList;
    if (list && typeof list.getScopeNames === 'function') names.push(...list.getScopeNames());
  }
  return [...new Set(names)];
}

module.exports = { loadGrammar, tokenize, GRAMMAR };
