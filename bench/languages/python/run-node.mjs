#!/usr/bin/env -S node --no-warnings
// Runs python.wasm under Node's V8 (node:wasi, preview1) with DIR preopened as /bench.
//   node --no-warnings run-node.mjs PYTHON.wasm DIR [python args...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, dir, ...args] = process.argv.slice(2);
if (!file || !dir) {
  console.error('usage: run-node.mjs PYTHON.wasm DIR [python args...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: ['python', ...args],
  env: {},
  preopens: { '/bench': dir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
