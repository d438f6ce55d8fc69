'use strict';
// Command-line options of the bench scripts: `--name value` and bare `--flag`.

const argv = process.argv.slice(2);

/** The value after `name` (e.g. '--servers'), or `dflt` when it is absent or has no value. */
function opt(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
}

/** Whether the bare flag (e.g. '--quick') was given. */
function flag(name) {
  return argv.includes(name);
}

module.exports = { opt, flag };
