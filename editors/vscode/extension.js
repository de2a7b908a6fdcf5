// The crmc extension: highlighting comes from the TextMate grammar alone;
// this client adds what `crmc lsp` serves (diagnostics, hover, definitions,
// completion, formatting) by starting it over stdio.
//
// A missing or failing server must never make the editor worse than plain
// highlighting: the client checks the binary before starting it, does not
// restart a server that exited, and says once how to install crmc.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind, CloseAction, ErrorAction } = require('vscode-languageclient/node');
const { findExecutable } = require('./lib/locate');

const INSTALL = 'Install crmc from its repository with `cargo install --path .` (in the checkout), '
  + 'or set `crmc.path` to the crmc executable.';

// The library shows its own notification ("couldn't create connection to
// server", "Server initialization failed") whenever the server fails to
// start or stops; the extension says that once, with what to do, so the
// library's forced notifications go to the output channel only.
class CrmcClient extends LanguageClient {
  error(message, data, showNotification) {
    super.error(message, data, showNotification === 'force' ? false : showNotification);
  }
}

let client;
let output;
// One message per start: a server that fails to start and then exits must
// not pile up notifications.
let reported;

function configuredPath() {
  return vscode.workspace.getConfiguration('crmc').get('path', 'crmc') || 'crmc';
}

function workspaceDir() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : process.cwd();
}

async function report(message) {
  if (reported) return;
  reported = true;
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output', 'Retry');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'crmc.path');
  } else if (choice === 'Show Output') {
    output.show(true);
  } else if (choice === 'Retry') {
    await restart();
  }
}

// The client's reaction to a server that errs or exits: stop, no restart
// (the default restarts it up to five times), and say what to do.
function errorHandler(command) {
  return {
    error: () => ({ action: ErrorAction.Shutdown, handled: true }),
    closed: () => {
      void report(`crmc: the language server (\`${command} lsp\`) stopped; highlighting still works. `
        + 'See the "crmc" output for its messages. If this crmc has no `lsp` command, it predates '
        + `the language server: ${INSTALL}`);
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

async function start() {
  reported = false;
  const setting = configuredPath();
  const cwd = workspaceDir();
  const command = findExecutable(setting, { cwd });
  if (!command) {
    output.appendLine(`crmc: \`${setting}\` was not found (PATH=${process.env.PATH || ''})`);
    // Not awaited: the message waits for the user, activation must not.
    void report(`crmc: \`${setting}\` was not found, so the language server is off; highlighting still works. ${INSTALL}`);
    return;
  }
  const run = { command, args: ['lsp'], transport: TransportKind.stdio, options: { cwd } };
  client = new CrmcClient('crmc', 'crmc', { run, debug: run }, {
    documentSelector: [{ scheme: 'file', language: 'crmc' }, { scheme: 'untitled', language: 'crmc' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.crmc') },
    outputChannel: output,
    errorHandler: errorHandler(command),
    // A server that fails `initialize` is stopped, not asked again.
    initializationFailedHandler: () => false,
  });
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`crmc: \`${command} lsp\` did not start: ${err && err.message ? err.message : err}`);
    void report(`crmc: \`${command} lsp\` did not start; highlighting still works. ${INSTALL}`);
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    await running.stop();
  } catch {
    // A server that already exited cannot be stopped again; nothing to do.
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('crmc');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('crmc.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('crmc.path') ? restart() : undefined)),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
