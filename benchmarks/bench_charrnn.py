"""Character language-model training throughput (characters per second).

    python benchmarks/bench_charrnn.py [--threads 1] [--rounds 3] [--batches 1,32] [--quick]

Compares one training step (forward, backward, gradient clipping, Adagrad) of
* rnnlib: a batched ``RNN`` + ``Linear`` head + ``softmax_cross_entropy`` +
  ``Adagrad``, B sequences of T = 25 characters per step, hidden state carried
  between steps (stateful truncated BPTT over ``text.char_stream``); B = 32 is
  the batched run of the target, B = 1 shows how much of the gain is batching, and
* min_char_rnn.py: the same model trained the min-char-rnn way, one sequence
  of 25 characters at a time, one time step at a time.
Both use float64, H = 100, T = 25, Adagrad lr 0.1, gradients clipped to [-5, 5],
the course corpus (``rnnlib.text.corpus``).  Each is timed in its own subprocess
with the same BLAS thread count; chars/s = characters trained on per second
(median over rounds).  The mean loss (nats per character) of the first and last
20 iterations is printed as a check that all are learning; the runs differ in
iteration count and batch size, so these losses are not a comparison of methods.  Target: rnnlib >= 10x the min-char-rnn throughput.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
T, H, LR = 25, 100, 0.1


def run_naive(iterations):
    import numpy as np
    import rnnlib
    sys.path.insert(0, HERE)
    import min_char_rnn
    text = rnnlib.text.corpus()
    vocab = rnnlib.text.CharVocab(text)
    ids = vocab.encode(text)
    min_char_rnn.train(ids, vocab.size, 5)                     # warm-up
    t0 = time.perf_counter()
    losses = min_char_rnn.train(ids, vocab.size, iterations, hidden_size=H, seq_length=T, lr=LR)
    seconds = time.perf_counter() - t0
    return {"chars": iterations * T, "seconds": seconds, "iterations": iterations,
            "loss_first": float(np.mean(losses[:20])), "loss_last": float(np.mean(losses[-20:]))}


def run_rnnlib(iterations, batch):
    import numpy as np
    import rnnlib
    from rnnlib.clip import clip_grad_value
    text = rnnlib.text.corpus()
    vocab = rnnlib.text.CharVocab(text)
    ids = vocab.encode(text)
    K = vocab.size
    rnn = rnnlib.RNN(K, H, rng=0)
    head = rnnlib.Linear(H, K, rng=1)
    params = {**{"rnn." + k: v for k, v in rnn.params.items()},
              **{"head." + k: v for k, v in head.params.items()}}
    opt = rnnlib.Adagrad(lr=LR)
    eye = np.eye(K)

    def batches():
        while True:
            yield from rnnlib.text.char_stream(ids, T, batch)

    def train(n):
        losses, state, stream = [], None, batches()
        for _ in range(n):
            xb, yb = next(stream)
            h, state = rnn.forward(eye[xb], state)             # one-hot (T, B, K)
            logits = head.forward(h)
            loss, dlogits = ce_loss(logits, yb)
            dh = head.backward(dlogits)
            rnn.backward(dh)
            grads = {**{"rnn." + k: v for k, v in rnn.grads.items()},
                     **{"head." + k: v for k, v in head.grads.items()}}
            clip_grad_value(grads, 5.0)
            opt.step(params, grads)
            losses.append(loss / T)
        return np.array(losses)

    def ce_loss(logits, yb):
        # summed over the T steps, averaged over the B sequences: the scale of min-char-rnn's
        # per-sequence loss, so that the same learning rate and clipping apply
        loss, d = rnnlib.softmax_cross_entropy(logits, yb, reduction="sum")
        return loss / batch, d / batch

    train(3)                                                   # warm-up
    t0 = time.perf_counter()
    losses = train(iterations)
    seconds = time.perf_counter() - t0
    return {"chars": iterations * T * batch, "seconds": seconds, "iterations": iterations,
            "loss_first": float(np.mean(losses[:20])), "loss_last": float(np.mean(losses[-20:]))}


def measure(which, iterations, batch, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", which,
           "--iterations", str(iterations), "--batch", str(batch)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", default="1,32", help="rnnlib batch sizes to time")
    ap.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--naive-iterations", type=int, default=600)
    ap.add_argument("--rnnlib-iterations", type=int, default=300)
    ap.add_argument("--quick", action="store_true", help="1 round, fewer iterations")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--iterations", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker == "naive":
        print(json.dumps(run_naive(args.iterations)))
        return
    if args.worker == "rnnlib":
        print(json.dumps(run_rnnlib(args.iterations, args.batch)))
        return
    if args.quick:
        args.rounds, args.naive_iterations, args.rnnlib_iterations = 1, 200, 100
    batches = [int(b) for b in args.batches.split(",")]
    print(f"character LM training, RNN H={H}, T={T}, float64, {args.threads} thread(s), "
          f"{platform.machine()} with {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    runs = {("naive", 1): []}
    runs.update({("rnnlib", b): [] for b in batches})
    for _ in range(args.rounds):
        for which, b in runs:
            n = args.naive_iterations if which == "naive" else max(
                20, args.rnnlib_iterations * 32 // (b * 4) if b < 32 else args.rnnlib_iterations)
            runs[which, b].append(measure(which, n, b, args.threads))
    print(f"{'':<22}{'chars/s':>12}{'vs min-char-rnn':>17}{'iterations':>12}"
          f"{'loss first->last (nats/char)':>32}")
    base = statistics.median(r["chars"] / r["seconds"] for r in runs["naive", 1])
    ok = True
    for (which, b), rs in runs.items():
        speed = statistics.median(r["chars"] / r["seconds"] for r in rs)
        name = "min-char-rnn (B=1)" if which == "naive" else f"rnnlib (B={b})"
        r = rs[-1]
        print(f"{name:<22}{speed:>12,.0f}{speed / base:>16.1f}x{r['iterations']:>12}"
              f"{r['loss_first']:>20.3f} -> {r['loss_last']:.3f}")
        if which == "rnnlib" and b == 32:
            ok = speed / base >= 10
    if 32 in batches:
        print(f"target: rnnlib (B=32) >= 10x min-char-rnn: {'ok' if ok else 'MISSED'}")

if __name__ == "__main__":
    main()
