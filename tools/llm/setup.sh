#!/usr/bin/env bash
# Builds what the local LLM server needs, once: node-llama-cpp (npm, prebuilt llama.cpp, no compiler), llama.cpp's
# sources from the bundle it ships (gguf-py and the LLaMA vocabulary), the tokenized corpus and the model.
# Prints the model's path. Needs node, npm and Python 3 with numpy (Debian: nodejs npm python3-numpy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/llm"
model="$out/clipflow-tiny.gguf"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
mkdir -p "$out"

if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "llm: npm install (node-llama-cpp, about 83 MB)" >&2
  (cd "$here" && npm ci --omit=optional --ignore-scripts --no-audit --no-fund --silent >&2)
fi
if [ ! -f "$out/llama-src/gguf-py/gguf/__init__.py" ]; then
  rm -rf "$out/llama-src"
  git clone -q "$here/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$out/llama-src" 2>/dev/null
fi
if [ ! -f "$model" ] || [ "$here/make-model.py" -nt "$model" ] || [ "$here/tokenize.mjs" -nt "$model" ]; then
  echo "llm: generating the model (a bigram model of the licence texts; a few seconds)" >&2
  licences=()
  for f in GPL-3 Apache-2.0 LGPL-3 MPL-2.0 Artistic GFDL-1.3 CC0-1.0 BSD; do
    [ -f "/usr/share/common-licenses/$f" ] && licences+=("/usr/share/common-licenses/$f")
  done
  [ "${#licences[@]}" -gt 0 ] || { echo "llm: no texts under /usr/share/common-licenses (Debian's base-files)" >&2; exit 1; }
  "$python" "$here/make-model.py" json-corpus "$out/json-corpus.txt" "${licences[@]}"
  node "$here/tokenize.mjs" "$out/llama-src/models/ggml-vocab-llama-spm.gguf" "$out/corpus.json" \
    "${licences[@]}" "$out/json-corpus.txt" 2> >(grep -v -e llama_model_load -e 'failed to load model' >&2)
  "$python" "$here/make-model.py" "$out/llama-src/gguf-py" "$out/llama-src/models/ggml-vocab-llama-spm.gguf" \
    "$out/corpus.json" "$model.tmp"
  mv "$model.tmp" "$model"
fi
echo "$model"
