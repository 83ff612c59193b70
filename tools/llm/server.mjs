// Clipflow's local LLM provider: an OpenAI-compatible chat-completions server around llama.cpp (node-llama-cpp),
// running the tiny model make-model.py generates. Listens on 127.0.0.1 only.
//   MODEL=target/llm/clipflow-tiny.gguf PORT=18181 node tools/llm/server.mjs      (PORT=0: any free port)
// Prints "LISTENING <port>" when ready.
//
// OpenAI endpoints: GET /v1/models; POST /v1/chat/completions, streamed (SSE chunks, one per text piece, the role
// first, finish_reason "stop" or "length" last, a usage chunk with stream_options.include_usage, then [DONE]) or
// not; max_tokens / max_completion_tokens, temperature, seed, response_format json_object | json_schema (the
// output is constrained by llama.cpp's grammar for the schema). A client that disconnects aborts its generation.
//
// Test switches (tests and bench only):
//   POST /_control/faults {"fault": "429"|"500"|"503"|"stall"|"drop", "times": N, "retryAfter": seconds}
//        the next N chat requests get that fault (also per request: header x-fault: <fault>)
//   POST /_control/pace {"ms": N}     wait N ms between chunks
//   GET  /_control/stats              counters and the last completion (text, tokens, finish reason, max tokens)
//   GET  /_control/log                the last 200 completions with each chunk's write time (epoch ms)
//   POST /_control/reset              clears faults, pace, counters and the log; /_control/reset-log the log only
import { createServer } from "node:http";
import { basename } from "node:path";
import { getLlama, LlamaCompletion } from "node-llama-cpp";

const MODEL = process.env.MODEL;
if (!MODEL) {
  console.error("server: set MODEL to a .gguf file (tools/llm/setup.sh prints it)");
  process.exit(2);
}
const SEQUENCES = Number(process.env.SEQUENCES ?? 8);
const MODEL_NAME = basename(MODEL, ".gguf");

const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath: MODEL });
// one thread: on a small machine, llama.cpp's threads fight the service under test for the cores (2 threads ran ~15x slower here)
const context = await model.createContext({ sequences: SEQUENCES, contextSize: 2048 * SEQUENCES, threads: 1 });
const idle = [];
for (let i = 0; i < SEQUENCES; i++) idle.push(context.getSequence());
const waiting = [];
const grammars = new Map();

let faults = [];
let paceMs = 0;
let stats;
let log;
resetStats();

function resetStats() {
  stats = {
    requests: 0, completed: 0, aborted: 0, faultsServed: 0,
    lastText: null, lastCompletionTokens: 0, lastFinishReason: null, lastMaxTokens: 0, lastMessages: null,
  };
  log = [];
}

async function acquire() {
  if (idle.length > 0) return idle.pop();
  return new Promise((resolve) => waiting.push(resolve));
}

function release(sequence) {
  const next = waiting.shift();
  if (next) next(sequence);
  else idle.push(sequence);
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function prompt(messages) {
  return messages.map((m) => `${m.role}: ${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`)
    .join("\n") + "\nassistant:";
}

async function grammarFor(format) {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return llama.getGrammarFor("json");
  if (format.type === "json_schema") {
    const schema = format.json_schema?.schema;
    if (!schema) throw Object.assign(new Error("response_format.json_schema.schema is required"), { status: 400 });
    const key = JSON.stringify(schema);
    if (!grammars.has(key)) grammars.set(key, await llama.createGrammarForJsonSchema(schema));
    return grammars.get(key);
  }
  throw Object.assign(new Error(`unsupported response_format ${format.type}`), { status: 400 });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function error(res, status, message, type, headers = {}) {
  json(res, status, { error: { message, type, code: String(status) } }, headers);
}

function nextFault(req) {
  const header = req.headers["x-fault"];
  if (header) return { fault: String(header), retryAfter: 1 };
  const f = faults[0];
  if (!f) return null;
  if (--f.times <= 0) faults.shift();
  return f;
}

async function chat(req, res) {
  stats.requests++;
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return error(res, 400, "the body is not JSON", "invalid_request_error");
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return error(res, 400, "messages must be a non-empty list", "invalid_request_error");
  }
  const fault = nextFault(req);
  if (fault && ["429", "500", "503"].includes(fault.fault)) {
    stats.faultsServed++;
    const status = Number(fault.fault);
    const headers = status === 500 ? {} : { "retry-after": String(fault.retryAfter ?? 1) };
    const message = status === 429 ? "Rate limit exceeded" : status === 503 ? "Service overloaded" : "Internal error";
    return error(res, status, message, status === 429 ? "rate_limit_error" : "server_error", headers);
  }
  const stream = body.stream === true;
  const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 256);
  const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta, finish = null) => ({
    id, object: "chat.completion.chunk", created, model: MODEL_NAME,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  let grammar;
  try {
    grammar = await grammarFor(body.response_format);
  } catch (e) {
    return error(res, e.status ?? 400, e.message, "invalid_request_error");
  }

  const abort = new AbortController();
  let closed = false;
  res.on("close", () => {
    if (!res.writableFinished) {
      closed = true;
      abort.abort(new Error("client disconnected"));
    }
  });
  const entry = { messages: body.messages, text: "", chunks: [], finishReason: null, completionTokens: 0 };
  log.push(entry);
  if (log.length > 200) log.shift();
  const write = (data) => {
    res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  };

  if (stream) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    write(chunk({ role: "assistant", content: "" }));
    if (fault?.fault === "stall") {
      stats.faultsServed++;
      await new Promise((resolve) => res.on("close", resolve));
      stats.aborted++;
      return;
    }
  }

  // generate into a queue; the writer sends each piece as it comes (paced when asked), so a paced stream is slow on
  // the wire like a slow model, and a disconnect stops both
  const pieces = [];
  let generated = false;
  let wake = null;
  const sequence = await acquire();
  let completionTokens = 0;
  const generation = (async () => {
    try {
      await sequence.clearHistory();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const result = await completion.generateCompletionWithMeta(prompt(body.messages), {
        maxTokens,
        temperature: body.temperature ?? 0.8,
        seed: body.seed,
        grammar,
        signal: abort.signal,
        stopOnAbortSignal: true,
        onToken: (tokens) => { completionTokens += tokens.length; },
        onTextChunk: (text) => {
          pieces.push(text);
          wake?.();
        },
      });
      return result.metadata.stopReason === "maxTokens" ? "length" : "stop";
    } finally {
      generated = true;
      wake?.();
      release(sequence);
    }
  })();

  let text = "";
  let sent = 0;
  let dropAfter = fault?.fault === "drop" ? 5 : -1;
  if (dropAfter >= 0) stats.faultsServed++;
  while (!closed) {
    if (sent < pieces.length) {
      const piece = pieces[sent++];
      if (paceMs > 0 && stream) await sleep(paceMs);
      if (closed) break;
      text += piece;
      if (stream) {
        write(chunk({ content: piece }));
        entry.chunks.push({ t: now(), text: piece });
        if (dropAfter >= 0 && entry.chunks.length >= dropAfter) {
          res.socket?.destroy();
          closed = true;
          break;
        }
      }
      continue;
    }
    if (generated) break;
    await new Promise((resolve) => { wake = resolve; });
    wake = null;
  }
  let finish;
  try {
    finish = await generation;
  } catch (e) {
    if (!closed) return error(res, 500, String(e?.message ?? e), "server_error");
  }
  if (closed) {
    stats.aborted++;
    return;
  }
  entry.text = text;
  entry.finishReason = finish;
  entry.completionTokens = completionTokens;
  const promptTokens = model.tokenize(prompt(body.messages)).length;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  Object.assign(stats, {
    completed: stats.completed + 1, lastText: text, lastCompletionTokens: completionTokens,
    lastFinishReason: finish, lastMaxTokens: maxTokens, lastMessages: JSON.stringify(body.messages),
  });
  if (stream) {
    write(chunk({}, finish));
    if (body.stream_options?.include_usage) {
      write({ id, object: "chat.completion.chunk", created, model: MODEL_NAME, choices: [], usage });
    }
    write("[DONE]");
    res.end();
  } else {
    json(res, 200, {
      id, object: "chat.completion", created, model: MODEL_NAME,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: finish }],
      usage,
    });
  }
}

async function control(req, res, path) {
  const body = req.method === "POST" ? JSON.parse((await readBody(req)) || "{}") : {};
  switch (`${req.method} ${path}`) {
    case "POST /_control/faults":
      faults.push({ fault: String(body.fault), times: Number(body.times ?? 1), retryAfter: body.retryAfter ?? 1 });
      return json(res, 200, { faults });
    case "POST /_control/pace":
      paceMs = Number(body.ms ?? 0);
      return json(res, 200, { ms: paceMs });
    case "GET /_control/stats":
      return json(res, 200, { ...stats, model: MODEL_NAME, pending: faults });
    case "GET /_control/log":
      return json(res, 200, log);
    case "POST /_control/reset-log":
      log = [];
      return json(res, 200, {});
    case "POST /_control/reset":
      faults = [];
      paceMs = 0;
      resetStats();
      return json(res, 200, {});
    default:
      return error(res, 404, `no ${req.method} ${path}`, "not_found");
  }
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://127.0.0.1").pathname;
  try {
    if (path.startsWith("/_control/")) return await control(req, res, path);
    if (req.method === "GET" && path === "/v1/models") {
      return json(res, 200, { object: "list", data: [{ id: MODEL_NAME, object: "model", created: 0, owned_by: "clipflow" }] });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") return await chat(req, res);
    return error(res, 404, `no ${req.method} ${path}`, "not_found");
  } catch (e) {
    if (!res.headersSent) error(res, 500, String(e?.message ?? e), "server_error");
    else res.destroy();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 18181), "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
const stop = async () => {
  server.close();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
