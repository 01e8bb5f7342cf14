"""Training throughput of chapter 6's character language model (characters per second).

    python benchmarks/bench_charlm.py [--rounds 3] [--quick] [--impls rnnlib,naive,torch]
    python benchmarks/bench_charlm.py --cells      # writes results/charlm_cells.json

One training update of the chapter's model, on Tiny Shakespeare (``rnnlib.text.shakespeare``):
two stacked LSTM layers of H units over one-hot characters (K = 65), a softmax head, B
contiguous streams of T characters per update with the state carried from update to update,
the gradient clipped to norm 1, Adam; float32; one thread. Implementations, each timed in its
own subprocess (never two libraries in one process):

* ``rnnlib``: ``SequenceModel(Stacked([LSTM, LSTM]))`` trained by ``rnnlib.fit``, as in the
  chapter;
* ``torch``: the same model in PyTorch (``nn.LSTM(num_layers=2)`` + ``nn.Linear``, one-hot
  input, ``clip_grad_norm_``, ``Adam``), same B and T; run with the interpreter given by
  ``--torch-python`` (torch is not a dependency of the course, see README);
* ``naive``: the SAME model (two LSTM layers of H = 128, head, clip to norm 1, Adam, float32,
  state carried) trained the min-char-rnn way: one sequence of T = 32 characters at a time
  (batch 1), a Python loop over the steps in both directions (``naive_lstm.py``'s per-step
  LSTM, the head and softmax step by step): the baseline of the speed target;
* ``min-char-rnn``: ``min_char_rnn.py`` itself (a vanilla RNN, H = 100, one sequence of 25
  characters at a time, float64, Adagrad): a different and smaller model, kept as a second
  reference line, as in ``bench_charrnn.py``.

chars/s = characters trained on / process CPU time (the machine is shared; wall-clock rates are
printed too). Targets: rnnlib >= 15x naive; rnnlib's time <= 1.5x torch's. torch is skipped,
with a note, when the ``--torch-python`` interpreter does not exist.

``--cells`` times one update of each of the chapter's comparison models (RNN, GRU, LSTM, see
``CELLS``) with rnnlib and writes the medians to ``results/charlm_cells.json``, which the
chapter prints (a wall-clock time can not be a compared notebook output).
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
K = 65
MODEL = {"H": 128, "layers": 2, "T": 32, "B": 16}        # the chapter's main model
CELLS = {"RNN": 248, "GRU": 140, "LSTM": 118}            # the chapter's comparison: width of each
CELL_SHAPE = {"layers": 1, "T": 32, "B": 16}


def _ids():
    import rnnlib
    text = rnnlib.text.shakespeare()
    train, _ = rnnlib.text.shakespeare_split(text)
    return rnnlib.text.CharVocab(text).encode(train)


def run_rnnlib(iterations, cell="LSTM", H=MODEL["H"], layers=MODEL["layers"], T=MODEL["T"],
               B=MODEL["B"]):
    import numpy as np
    import rnnlib
    ids = _ids()
    Cell = {"RNN": rnnlib.RNN, "GRU": rnnlib.GRU, "LSTM": rnnlib.LSTM}[cell]
    rng = np.random.default_rng(0)
    cells = [Cell(K if i == 0 else H, H, rng=rng, dtype=np.float32) for i in range(layers)]
    model = rnnlib.SequenceModel(rnnlib.Stacked(cells) if layers > 1 else cells[0], K,
                                 rng=rng, dtype=np.float32)
    eye = np.eye(K, dtype=np.float32)

    def stream():
        while True:
            yield from rnnlib.text.char_stream(ids, T, B)
    batches = stream()

    def batch_fn(i):
        x, y = next(batches)
        return eye[x], y

    def train(n):
        return rnnlib.fit(model, batch_fn, rnnlib.softmax_cross_entropy, rnnlib.Adam(3e-3), n,
                          clip_norm=1.0, carry_state=True).loss
    train(3)                                                   # warm-up
    return _timed(train, iterations, T * B)


def run_torch(iterations, threads):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    sys.path.insert(0, os.path.dirname(HERE))
    ids = np.load(os.environ["CHARLM_IDS"])
    H, L, T, B = MODEL["H"], MODEL["layers"], MODEL["T"], MODEL["B"]
    lstm = torch.nn.LSTM(K, H, num_layers=L)
    head = torch.nn.Linear(H, K)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    n = (ids.size - 1) // B
    xs = torch.from_numpy(ids[:n * B].reshape(B, n).T.copy())
    ys = torch.from_numpy(ids[1:n * B + 1].reshape(B, n).T.copy())
    eye = torch.eye(K)
    state = {"s": None, "k": 0}

    def train(m):
        losses = []
        for _ in range(m):
            k = state["k"] % (n // T)
            x, y = eye[xs[k * T:(k + 1) * T]], ys[k * T:(k + 1) * T]
            out, s = lstm(x, state["s"])
            loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, K), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            state["s"] = tuple(v.detach() for v in s)
            state["k"] += 1
            losses.append(loss.item())
        return np.array(losses)
    train(3)
    return _timed(train, iterations, T * B)


def run_naive_lstm(iterations):
    """The chapter's model, batch 1, step by step (see the module docstring)."""
    import numpy as np
    sys.path.insert(0, HERE)
    import naive_lstm
    ids = _ids()
    H, L, T = MODEL["H"], MODEL["layers"], MODEL["T"]
    f32 = np.float32
    rng = np.random.default_rng(0)
    p = {}
    for l in range(L):
        D = K if l == 0 else H
        p[f"W_xh{l}"] = (rng.standard_normal((4 * H, D)) / np.sqrt(D)).astype(f32)
        p[f"W_hh{l}"] = (rng.standard_normal((4 * H, H)) / np.sqrt(H)).astype(f32)
        p[f"b_h{l}"] = np.zeros(4 * H, f32)
    p["W_hy"] = (rng.standard_normal((K, H)) / np.sqrt(H)).astype(f32)
    p["b_y"] = np.zeros(K, f32)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    state = {"h": [np.zeros((1, H), f32) for _ in range(L)],
             "c": [np.zeros((1, H), f32) for _ in range(L)], "pos": 0, "t": 0}
    eye = np.eye(K, dtype=f32)

    def update():
        pos = state["pos"]
        if pos + T + 1 > ids.size:
            pos = 0
        xs, ys = ids[pos:pos + T], ids[pos + 1:pos + T + 1]
        state["pos"] = pos + T
        inp, caches = eye[xs][:, None, :], []               # (T, 1, K), one sequence
        for l in range(L):
            hs, cache = naive_lstm.lstm_forward(inp, state["h"][l], state["c"][l],
                                                p[f"W_xh{l}"], p[f"W_hh{l}"], p[f"b_h{l}"])
            caches.append(cache)
            _, _, c_prev, i, f, g, _, _ = cache[-1]
            state["h"][l] = hs[-1]                               # carried to the next update
            state["c"][l] = f * c_prev + i * g                   # the last cell state
            inp = hs
        loss, dhs = 0.0, np.empty_like(inp)
        g_ = {k: np.zeros_like(v) for k, v in p.items()}
        for t in range(T):                                   # head and softmax, step by step
            y = inp[t] @ p["W_hy"].T + p["b_y"]
            e = np.exp(y - y.max())
            pr = e / e.sum()
            loss -= np.log(pr[0, ys[t]])
            dy = pr.copy()
            dy[0, ys[t]] -= 1
            dy /= T
            g_["W_hy"] += dy.T @ inp[t]
            g_["b_y"] += dy[0]
            dhs[t] = dy @ p["W_hy"]
        for l in reversed(range(L)):
            dx, _, _, dW_xh, dW_hh, db = naive_lstm.lstm_backward(
                dhs, caches[l], p[f"W_xh{l}"], p[f"W_hh{l}"])
            g_[f"W_xh{l}"], g_[f"W_hh{l}"], g_[f"b_h{l}"] = dW_xh, dW_hh, db
            dhs = dx
        norm = np.sqrt(sum(float((v * v).sum()) for v in g_.values()))
        scale = min(1.0, 1.0 / (norm + 1e-6))                # clip to norm 1
        state["t"] += 1
        b1, b2, lr = 0.9, 0.999, 3e-3
        for k in p:                                          # Adam
            gk = g_[k] * scale
            m[k] = b1 * m[k] + (1 - b1) * gk
            v2[k] = b2 * v2[k] + (1 - b2) * gk * gk
            mh, vh = m[k] / (1 - b1 ** state["t"]), v2[k] / (1 - b2 ** state["t"])
            p[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(f32)
        return loss / T

    def train(n):
        return [update() for _ in range(n)]
    train(3)
    return _timed(train, iterations, T)


def run_min_char_rnn(iterations):
    sys.path.insert(0, HERE)
    import min_char_rnn
    ids = _ids()
    min_char_rnn.train(ids, K, 3)
    return _timed(lambda n: min_char_rnn.train(ids, K, n, hidden_size=100, seq_length=25,
                                               lr=0.1), iterations, 25)


def _timed(train, iterations, chars_per_update):
    c0, w0 = time.process_time(), time.perf_counter()
    losses = train(iterations)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {"chars": iterations * chars_per_update, "cpu": cpu, "wall": wall,
            "iterations": iterations, "loss_last": float(sum(losses[-10:]) / 10)}


def measure(which, iterations, threads, python=sys.executable, extra=()):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [python, os.path.abspath(__file__), "--worker", which, "--iterations",
           str(iterations), "--threads", str(threads), *extra]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def worker(args):
    if args.worker == "rnnlib":
        r = run_rnnlib(args.iterations)
    elif args.worker == "torch":
        r = run_torch(args.iterations, args.threads)
    elif args.worker == "naive":
        r = run_naive_lstm(args.iterations)
    elif args.worker == "min-char-rnn":
        r = run_min_char_rnn(args.iterations)
    else:
        r = run_rnnlib(args.iterations, args.worker, CELLS[args.worker], **CELL_SHAPE)
    print(json.dumps(r))


def cells(args):
    workers = dict({f"{c} (H = {h}, 1 layer)": c for c, h in CELLS.items()},
                   **{f"LSTM (H = {MODEL['H']}, {MODEL['layers']} layers)": "rnnlib"})
    rounds = {label: [] for label in workers}
    for _ in range(args.rounds):
        for label, w in workers.items():
            rounds[label].append(measure(w, 20 if args.quick else 60, args.threads))
    shapes = {label: dict(CELL_SHAPE, cell=w, H=CELLS[w]) for label, w in workers.items()
              if w != "rnnlib"}
    shapes[f"LSTM (H = {MODEL['H']}, {MODEL['layers']} layers)"] = dict(MODEL, cell="LSTM")
    models = {}
    for label, rs in rounds.items():
        models[label] = dict(shapes[label], K=K, dtype="float32",
                             ms_per_update_cpu=round(1000 * statistics.median(
                                 r["cpu"] / r["iterations"] for r in rs), 1),
                             ms_per_update_wall=round(1000 * statistics.median(
                                 r["wall"] / r["iterations"] for r in rs), 1))
    result = {"date": time.strftime("%Y-%m-%d"), "threads": args.threads,
              "rounds": args.rounds, "models": models}
    path = os.path.join(HERE, "results", "charlm_cells.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--impls", default="rnnlib,naive,min-char-rnn,torch")
    ap.add_argument("--torch-python", default="/tmp/torchenv/bin/python",
                    help="a Python with torch and numpy (default: /tmp/torchenv/bin/python)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cells", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--iterations", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    if args.cells:
        return cells(args)
    import numpy as np
    ids_path = os.path.join(HERE, "results", "charlm_ids.npy")   # the encoded text, for torch
    np.save(ids_path, _ids())
    os.environ["CHARLM_IDS"] = ids_path
    n = {"rnnlib": 20 if args.quick else 60, "torch": 20 if args.quick else 60,
         "naive": 20 if args.quick else 60, "min-char-rnn": 200 if args.quick else 1000}
    impls = args.impls.split(",")
    if "torch" in impls and not os.path.exists(args.torch_python):
        print(f"torch skipped: no interpreter at {args.torch_python} (see --torch-python)")
        impls.remove("torch")
    print(f"chapter 6 model: {MODEL['layers']} x LSTM H={MODEL['H']}, T={MODEL['T']}, "
          f"B={MODEL['B']}, float32, {args.threads} thread(s), {platform.machine()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}")
    runs = {w: [] for w in impls}
    for _ in range(args.rounds):
        for w in impls:
            py = args.torch_python if w == "torch" else sys.executable
            runs[w].append(measure(w, n[w], args.threads, py))
    os.remove(ids_path)
    rate = {w: statistics.median(r["chars"] / r["cpu"] for r in rs) for w, rs in runs.items()}
    wall = {w: statistics.median(r["chars"] / r["wall"] for r in rs) for w, rs in runs.items()}
    print(f"{'':13}{'chars/s (CPU)':>15}{'chars/s (wall)':>16}{'ms/update (CPU)':>17}"
          f"{'last loss':>11}")
    for w, rs in runs.items():
        per = 1000 * statistics.median(r["cpu"] / r["iterations"] for r in rs)
        print(f"{w:13}{rate[w]:>15,.0f}{wall[w]:>16,.0f}{per:>17.1f}{rs[-1]['loss_last']:>11.3f}")
    if "naive" in rate and "rnnlib" in rate:
        x = rate["rnnlib"] / rate["naive"]
        print(f"rnnlib / naive (same model, batch 1) throughput: {x:.1f}x (target >= 15x: "
              f"{'ok' if x >= 15 else 'MISSED'})")
    if "min-char-rnn" in rate and "rnnlib" in rate:
        print(f"rnnlib / min-char-rnn (RNN H=100, another model): "
              f"{rate['rnnlib'] / rate['min-char-rnn']:.1f}x")
    if "torch" in rate and "rnnlib" in rate:
        x = rate["torch"] / rate["rnnlib"]
        print(f"rnnlib time / torch time: {x:.2f}x (target <= 1.5x: "
              f"{'ok' if x <= 1.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
