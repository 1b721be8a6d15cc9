#!/usr/bin/env -S node --no-warnings
// Runs one WASI command module under Node's V8 (node:wasi, preview1).
//   node --no-warnings run-node.mjs wasm/NAME.wasm [args...]
// The module's stdout/stderr are the process's; its exit code is ours.
// No directories are preopened and the environment is empty: the kernels
// only need args, stdout and clock_time_get.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: run-node.mjs FILE.wasm [args...]');
  process.exit(2);
}

const wasi = new WASI({
  version: 'preview1',
  args: [basename(file, '.wasm'), ...args],
  env: {},
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
