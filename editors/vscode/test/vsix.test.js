// The packaged extension as VS Code unpacks it: the files it needs are in
// the .vsix, the tests are not, and extension.js loads with only the
// dependencies packed beside it. Run after `npm run package`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const yauzl = require('yauzl');

const VSIX = process.env.CRMC_VSIX || path.join(__dirname, '..', 'crmc.vsix');

function unzip(file, dir) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(names));
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        const target = path.join(dir, entry.fileName);
        if (!target.startsWith(dir + path.sep)) return reject(new Error(`entry outside the archive: ${entry.fileName}`));
        if (entry.fileName.endsWith('/')) { zip.readEntry(); return undefined; }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        return zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          stream.pipe(fs.createWriteStream(target)).on('finish', () => zip.readEntry());
          return undefined;
        });
      });
      zip.readEntry();
      return undefined;
    });
  });
}

test('the .vsix holds the extension and its runtime dependencies, not its tests', async (t) => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crmc-vsix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const names = await unzip(VSIX, dir);
  for (const f of ['extension/package.json', 'extension/extension.js', 'extension/lib/locate.js',
    'extension/syntaxes/crmc.tmLanguage.json', 'extension/language-configuration.json',
    'extension/README.md', 'extension/LICENSE.txt', 'extension/node_modules/vscode-languageclient/package.json']) {
    assert.ok(names.includes(f), `${f} is not in the .vsix`);
  }
  assert.deepEqual(names.filter((n) => n.startsWith('extension/test/')), []);
  assert.deepEqual(names.filter((n) => /node_modules\/(@vscode\/vsce|vscode-tmgrammar-test)\//.test(n)), [],
    'development dependencies were packed');

  // Load the unpacked client with a stand-in for the `vscode` module (which
  // only VS Code provides): every other require must resolve inside the .vsix.
  const realLoad = Module._load;
  const stub = new Proxy(function vscodeStub() {}, { get: (target, key) => (key === '__esModule' ? false : stub) });
  Module._load = function load(request, parent, ...rest) {
    if (request === 'vscode') return stub;
    const resolved = Module._resolveFilename(request, parent, ...rest);
    if (path.isAbsolute(resolved) && !resolved.startsWith(dir)) {
      throw new Error(`${request} resolved outside the .vsix: ${resolved}`);
    }
    return realLoad.call(this, request, parent, ...rest);
  };
  try {
    const ext = require(path.join(dir, 'extension', 'extension.js'));
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  } finally {
    Module._load = realLoad;
  }
});
