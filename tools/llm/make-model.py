#!/usr/bin/env python3
"""Writes Clipflow's tiny test model: a llama-architecture GGUF that llama.cpp runs with its own kernels.

    python3 make-model.py json-corpus <out.txt> <text file>...       storyboards and camera plans as JSON, their
                                                                     strings cut from the texts (so the model has
                                                                     seen JSON lists close)
    python3 make-model.py <gguf-py dir> <vocab.gguf> <corpus.json> <out.gguf>

The tokenizer is the real LLaMA SentencePiece vocabulary (32,000 tokens), copied from <vocab.gguf>. The weights are
fitted to the corpus (token ids from tokenize.mjs): a smoothed log-bigram table log P(next | token) over the tokens
the corpus uses, factored by a truncated SVD into the token embedding and the output matrix. Attention and FFN
outputs are zero, so the residual stream carries the embedding to the output: the model is a bigram language model
in a transformer's clothes. Its text reads like the corpus and means nothing. Deterministic: the same inputs give
the same bytes.
"""
import json
import sys

import numpy as np

N_EMBD = 64
N_HEAD = 4
N_FF = 128
N_CTX = 4096
RANK = N_EMBD - 2  # two dimensions carry a per-token bias and equalise the embedding norms (see below)
UNSEEN_LOGIT = -30.0
SMOOTHING = 0.5


def truncated_svd(a, rank, rng, oversample=16, power=3):
    """The top singular triplets of a (Halko, Martinsson and Tropp's randomised range finder; seconds, not minutes,
    with a reference BLAS)."""
    q = np.linalg.qr(a @ rng.standard_normal((a.shape[1], rank + oversample)))[0]
    for _ in range(power):
        q = np.linalg.qr(a @ (a.T @ q))[0]
    u, s, vt = np.linalg.svd(q.T @ a, full_matrices=False)
    return (q @ u)[:, :rank], s[:rank], vt[:rank]


def json_corpus(out_path, files):
    """Deterministic JSON documents in the shapes the LLM stages ask for, with words from the given texts."""
    words = [w for f in files for w in open(f, encoding="utf-8").read().split() if w.isascii() and '"' not in w
             and "\\" not in w]
    rng = np.random.default_rng(20261205)

    def phrase():
        start = int(rng.integers(0, len(words) - 16))
        return " ".join(words[start:start + int(rng.integers(3, 12))])

    docs = []
    for _ in range(300):
        shots = int(rng.integers(1, 5))
        board = [{"scene": phrase(), "narration": phrase(), "duration": round(float(rng.uniform(1, 8)), 1)}
                 for _ in range(shots)]
        docs.append(json.dumps(board, ensure_ascii=False, indent=int(rng.integers(0, 3)) or None))
        docs.append(json.dumps([{"shot": i + 1, "movement": phrase()} for i in range(shots)]))
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("\n\n".join(docs) + "\n")


def main():
    if sys.argv[1] == "json-corpus":
        json_corpus(sys.argv[2], sys.argv[3:])
        return
    gguf_py, vocab_path, corpus_path, out_path = sys.argv[1:5]
    sys.path.insert(0, gguf_py)
    import gguf

    vocab = gguf.GGUFReader(vocab_path)

    def field(name):
        f = vocab.fields[name]
        return f, [f.parts[i] for i in f.data]

    _, token_parts = field("tokenizer.ggml.tokens")
    tokens = [bytes(p).decode("utf-8") for p in token_parts]
    _, score_parts = field("tokenizer.ggml.scores")
    scores = [float(p[0]) for p in score_parts]
    _, type_parts = field("tokenizer.ggml.token_type")
    types = [int(p[0]) for p in type_parts]
    n_vocab = len(tokens)

    def scalar(name, default=None):
        if name not in vocab.fields:
            return default
        return int(field(name)[1][0][0])

    documents = json.load(open(corpus_path))["documents"]
    seen = sorted({t for d in documents for t in d})
    index = {t: i for i, t in enumerate(seen)}
    n = len(seen)

    counts = np.zeros((n, n), dtype=np.float64)
    for d in documents:
        ids = np.array([index[t] for t in d], dtype=np.int64)
        np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
    unigram = np.bincount(
        np.concatenate([np.array([index[t] for t in d]) for d in documents]), minlength=n
    ).astype(np.float64)
    unigram /= unigram.sum()
    probs = (counts + SMOOTHING * unigram[None, :]) / (counts.sum(axis=1, keepdims=True) + SMOOTHING)
    logits = np.log(probs)
    logits -= logits.mean(axis=1, keepdims=True)  # softmax ignores a row's shift; centring helps the low rank fit

    u, s, vt = truncated_svd(logits, RANK, np.random.default_rng(20261205))
    root = np.sqrt(s)
    emb_seen = u * root  # (n, RANK)
    out_seen = vt.T * root  # (n, RANK)
    explained = float((s**2).sum() / (logits**2).sum())

    # RMS norm divides each embedding by its own length, which would give each row its own temperature. The last
    # dimension tops every embedding up to one length C; the one before holds a constant that, with the output's
    # column there, adds a per-token bias: 0 for tokens the corpus uses, UNSEEN_LOGIT for the others.
    bias_carrier = 1.0
    norms2 = (emb_seen**2).sum(axis=1) + bias_carrier**2
    c2 = float(norms2.max()) * 1.01
    emb = np.zeros((n_vocab, N_EMBD), dtype=np.float64)
    mean_seen = emb_seen.mean(axis=0)
    for t in range(n_vocab):
        row = emb_seen[index[t]] if t in index else mean_seen
        emb[t, :RANK] = row
    emb[:, RANK] = bias_carrier
    emb[:, RANK + 1] = np.sqrt(np.maximum(c2 - (emb[:, : RANK + 1] ** 2).sum(axis=1), 0.0))
    rms = np.sqrt(c2 / N_EMBD)  # every row's RMS now; the output is scaled back by it

    out = np.zeros((n_vocab, N_EMBD), dtype=np.float64)
    out[:, RANK] = UNSEEN_LOGIT / bias_carrier
    for t, i in index.items():
        out[t, :RANK] = out_seen[i]
        out[t, RANK] = 0.0
    out *= rms

    rng = np.random.default_rng(20261205)
    w = gguf.GGUFWriter(out_path, "llama")
    w.add_name("clipflow-tiny")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(1)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    for name, add in (
        ("tokenizer.ggml.bos_token_id", w.add_bos_token_id),
        ("tokenizer.ggml.eos_token_id", w.add_eos_token_id),
        ("tokenizer.ggml.unknown_token_id", w.add_unk_token_id),
    ):
        value = scalar(name)
        if value is not None:
            add(value)
    w.add_add_bos_token(True)
    w.add_chat_template(
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:"
    )

    f32 = np.float32
    w.add_tensor("token_embd.weight", emb.astype(f32))
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=f32))
    w.add_tensor("output.weight", out.astype(f32))
    w.add_tensor("blk.0.attn_norm.weight", np.ones(N_EMBD, dtype=f32))
    for name in ("attn_q", "attn_k", "attn_v"):
        w.add_tensor(f"blk.0.{name}.weight", (rng.standard_normal((N_EMBD, N_EMBD)) * 0.02).astype(f32))
    w.add_tensor("blk.0.attn_output.weight", np.zeros((N_EMBD, N_EMBD), dtype=f32))
    w.add_tensor("blk.0.ffn_norm.weight", np.ones(N_EMBD, dtype=f32))
    w.add_tensor("blk.0.ffn_gate.weight", (rng.standard_normal((N_FF, N_EMBD)) * 0.02).astype(f32))
    w.add_tensor("blk.0.ffn_up.weight", (rng.standard_normal((N_FF, N_EMBD)) * 0.02).astype(f32))
    w.add_tensor("blk.0.ffn_down.weight", np.zeros((N_EMBD, N_FF), dtype=f32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(
        f"make-model: {out_path}: {n} corpus tokens of {n_vocab}, {int(counts.sum())} bigrams, "
        f"rank {RANK} keeps {explained:.0%} of the table's variance",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
