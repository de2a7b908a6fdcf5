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

// Tokens of a whole text, one entry per line: the line's text and its
// tokens [{ text, scopes, startIndex }]; `endDepth` is the depth of the rule
// stack after the last line (1: every region the grammar opened is closed).
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = textmate.INITIAL;
  const lines = text.split(/\r?\n/).map((lineText) => {
    const r = grammar.tokenizeLine(lineText, state);
    state = r.ruleStack;
    const tokens = r.tokens.map((t, i) => ({
      text: lineText.slice(t.startIndex, i + 1 < r.tokens.length ? r.tokens[i + 1].startIndex : lineText.length),
      scopes: t.scopes,
      startIndex: t.startIndex,
    }));
    return { lineText, tokens };
  });
  lines.endDepth = state.depth;
  return lines;
}

module.exports = { loadGrammar, tokenize, GRAMMAR };
