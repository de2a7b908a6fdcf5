// The client without VS Code: `vscode` and `vscode-languageclient/node` are
// replaced by recorders, so the tests see what the extension would start
// and what it would tell the user.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { findExecutable } = require('../lib/locate');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crmc-vscode-'));
const fakeCrmc = path.join(tmp, 'bin', 'crmc');
fs.mkdirSync(path.dirname(fakeCrmc));
fs.writeFileSync(fakeCrmc, '#!/bin/sh\nexit 2\n', { mode: 0o755 });
const notExecutable = path.join(tmp, 'bin', 'crmc-plain');
fs.writeFileSync(notExecutable, 'not a program\n', { mode: 0o644 });

// ------------------------------------------------------------ the fakes

const world = {};
function resetWorld({ crmcPath, startFails = false }) {
  Object.assign(world, { crmcPath, startFails, messages: [], clientErrors: [], clients: [], commands: {}, configListeners: [] });
}

const fakeVscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key, dflt) => (section === 'crmc' && key === 'path' ? world.crmcPath : dflt) }),
    workspaceFolders: [{ uri: { fsPath: tmp } }],
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: (f) => { world.configListeners.push(f); return { dispose() {} }; },
  },
  window: {
    createOutputChannel: () => ({ lines: [], appendLine(l) { this.lines.push(l); }, show() {}, dispose() {} }),
    showErrorMessage: (message) => { world.messages.push(message); return Promise.resolve(undefined); },
  },
  commands: {
    registerCommand: (name, f) => { world.commands[name] = f; return { dispose() {} }; },
    executeCommand: () => Promise.resolve(),
  },
};

class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, stopped: false });
    world.clients.push(this);
  }
  error(message, data, showNotification) { world.clientErrors.push({ message, showNotification }); }
  start() { return world.startFails ? Promise.reject(new Error('spawn failed')) : Promise.resolve(); }
  stop() { this.stopped = true; return Promise.resolve(); }
}
const fakeClientLib = {
  LanguageClient: FakeClient,
  TransportKind: { stdio: 0 },
  CloseAction: { DoNotRestart: 1, Restart: 2 },
  ErrorAction: { Continue: 1, Shutdown: 2 },
};

const realLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === 'vscode') return fakeVscode;
  if (request === 'vscode-languageclient/node') return fakeClientLib;
  return realLoad.call(this, request, ...rest);
};
const extension = require('../extension');

async function activate(options) {
  resetWorld(options);
  await extension.activate({ subscriptions: [] });
  // Messages are not awaited by the extension; let them land.
  await new Promise((r) => setImmediate(r));
}

// ------------------------------------------------------------ locating crmc

test('findExecutable looks a bare name up on PATH', () => {
  assert.equal(findExecutable('crmc', { env: { PATH: `/nonexistent:${path.dirname(fakeCrmc)}` }, platform: 'linux' }), fakeCrmc);
  assert.equal(findExecutable('crmc', { env: { PATH: '/nonexistent' }, platform: 'linux' }), null);
});

test('findExecutable takes a name with a directory as a path, relative to the workspace', () => {
  assert.equal(findExecutable(fakeCrmc, { env: { PATH: '' }, platform: 'linux' }), fakeCrmc);
  assert.equal(findExecutable('./bin/crmc', { env: { PATH: '' }, platform: 'linux', cwd: tmp }), fakeCrmc);
});

test('findExecutable refuses a file that is not executable, a directory, and an empty setting', () => {
  assert.equal(findExecutable(notExecutable, { env: {}, platform: 'linux' }), null);
  assert.equal(findExecutable(path.dirname(fakeCrmc), { env: {}, platform: 'linux' }), null);
  assert.equal(findExecutable('  ', { env: { PATH: path.dirname(fakeCrmc) }, platform: 'linux' }), null);
});

test('findExecutable on Windows: PATH split on `;`, the PATHEXT extensions tried', () => {
  const winDir = path.join(tmp, 'win');
  fs.mkdirSync(winDir);
  fs.writeFileSync(path.join(winDir, 'crmc.CMD'), '@echo off\r\n');
  const env = { PATH: `C:\\nowhere;${winDir}`, PATHEXT: '.EXE;.CMD' };
  assert.equal(findExecutable('crmc', { env, platform: 'win32' }), path.join(winDir, 'crmc.CMD'));
  assert.equal(findExecutable('crmc', { env: { ...env, PATHEXT: '.EXE' }, platform: 'win32' }), null);
});

// ------------------------------------------------------------ the client

test('a missing crmc: one message saying how to install it, and no server started', async () => {
  await activate({ crmcPath: path.join(tmp, 'nowhere', 'crmc') });
  assert.equal(world.clients.length, 0);
  assert.equal(world.messages.length, 1);
  assert.match(world.messages[0], /was not found/);
  assert.match(world.messages[0], /cargo install --path \./);
  assert.match(world.messages[0], /crmc\.path/);
});

test('crmc found: `crmc lsp` over stdio for crmc documents', async () => {
  await activate({ crmcPath: fakeCrmc });
  assert.equal(world.clients.length, 1);
  const [c] = world.clients;
  assert.equal(c.id, 'crmc'); // so `crmc.trace.server` is the client's trace setting
  assert.deepEqual(c.serverOptions.run.args, ['lsp']);
  assert.equal(c.serverOptions.run.command, fakeCrmc);
  assert.equal(c.serverOptions.run.transport, fakeClientLib.TransportKind.stdio);
  assert.ok(c.clientOptions.documentSelector.every((d) => d.language === 'crmc'));
  assert.equal(world.messages.length, 0);
  await extension.deactivate();
  assert.ok(c.stopped);
});

test('a server that exits is not restarted, and the user is told once', async () => {
  await activate({ crmcPath: fakeCrmc });
  const { errorHandler } = world.clients[0].clientOptions;
  for (let i = 0; i < 5; i += 1) {
    assert.equal(errorHandler.closed().action, fakeClientLib.CloseAction.DoNotRestart);
    assert.equal(errorHandler.error(new Error('x'), undefined, i).action, fakeClientLib.ErrorAction.Shutdown);
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(world.clients.length, 1);
  assert.equal(world.messages.length, 1);
  assert.match(world.messages[0], /stopped/);
  assert.match(world.messages[0], /cargo install --path \./);
});

test("the library's forced notifications go to the output only; the others are left alone", async () => {
  await activate({ crmcPath: fakeCrmc });
  const [c] = world.clients;
  assert.ok(c instanceof FakeClient);
  c.error("crmc client: couldn't create connection to server.", undefined, 'force');
  c.error('Request textDocument/hover failed.', undefined, true);
  assert.deepEqual(world.clientErrors.map((e) => e.showNotification), [false, true]);
  assert.equal(c.clientOptions.initializationFailedHandler(new Error('no lsp command')), false);
  await extension.deactivate();
});

test('a server that does not start: one message, no retry by itself', async () => {
  await activate({ crmcPath: fakeCrmc, startFails: true });
  assert.equal(world.clients.length, 1);
  assert.equal(world.messages.length, 1);
  assert.match(world.messages[0], /did not start/);
});

test('changing crmc.path restarts the client with the new path', async () => {
  await activate({ crmcPath: path.join(tmp, 'nowhere', 'crmc') });
  assert.equal(world.clients.length, 0);
  world.crmcPath = fakeCrmc;
  await Promise.all(world.configListeners.map((f) => f({ affectsConfiguration: (s) => s === 'crmc.path' })));
  assert.equal(world.clients.length, 1);
  assert.equal(world.clients[0].serverOptions.run.command, fakeCrmc);
  assert.ok(world.commands['crmc.restartServer'], 'the restart command is registered');
  await extension.deactivate();
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
