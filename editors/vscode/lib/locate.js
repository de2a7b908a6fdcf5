// Finding the crmc executable the way a shell would, before the client
// starts it: a missing binary then gets one clear message instead of a
// spawn error and a restart loop.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function isExecutableFile(file, platform) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The absolute path `command` runs, or null. A command with a directory in
// it (`./target/debug/crmc`, `/usr/local/bin/crmc`) is taken as a path,
// relative ones against `cwd`; a bare name is looked up on PATH (with
// PATHEXT on Windows).
function findExecutable(command, { env = process.env, platform = process.platform, cwd = process.cwd() } = {}) {
  if (typeof command !== 'string' || command.trim() === '') return null;
  const cmd = command.trim();
  const exts = platform === 'win32'
    ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  const hasDir = cmd.includes('/') || (platform === 'win32' && cmd.includes('\\'));
  const bases = hasDir
    ? [path.resolve(cwd, cmd)]
    : (env.PATH || env.Path || '').split(platform === 'win32' ? ';' : ':').filter(Boolean).map((d) => path.join(d, cmd));
  for (const base of bases) {
    for (const ext of exts) {
      if (isExecutableFile(base + ext, platform)) return base + ext;
    }
  }
  return null;
}

module.exports = { findExecutable };
