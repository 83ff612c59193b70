// Tokenizes a corpus with the real LLaMA vocabulary (a vocabulary-only GGUF, loaded by llama.cpp through
// node-llama-cpp) and writes the token ids as JSON: the input of make-model.py's bigram table.
//   node tokenize.mjs <vocab.gguf> <out.json> <text file>...
import { readFileSync, writeFileSync } from "node:fs";
import { getLlama } from "node-llama-cpp";

const [vocab, out, ...files] = process.argv.slice(2);
if (!vocab || !out || files.length === 0) {
  console.error("usage: node tokenize.mjs <vocab.gguf> <out.json> <text file>...");
  process.exit(2);
}
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath: vocab, vocabOnly: true });
const documents = files.map((f) => Array.from(model.tokenize(readFileSync(f, "utf8"))));
writeFileSync(out, JSON.stringify({ documents }));
console.error(`tokenize: ${documents.reduce((n, d) => n + d.length, 0)} tokens from ${files.length} files`);
await model.dispose();
await llama.dispose();
