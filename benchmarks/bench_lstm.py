"""LSTM forward + backward speed: rnnlib vs a naive per-step NumPy LSTM vs torch.nn.LSTM.

    python benchmarks/bench_lstm.py [--threads 1] [--rounds 7] [--repeats 5] [--shapes ...] [--quick]

Every (implementation, shape) is measured in its own subprocess, never two
libraries in one process (their thread pools fight over the cores).  The BLAS /
OpenMP thread count is the same for all (environment variables
OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS and torch.set_num_threads).
The subprocesses of one shape are run in turn, ``--rounds`` times, so that a slow
phase of a shared machine hits every implementation alike.  A timing is the
median over all repeats of the time of one forward + backward pass (float32; dx
and all weight gradients computed).  The targets are judged on the ratio of the
medians of wall-clock time; the ratios of the best repeats and of CPU times are
printed too (other processes on a shared machine inflate medians; torch's CPU
time includes its helper threads).  Before timing, each worker computes
gradients for the same weights and input, and the driver checks that all
implementations agree.  torch is used only if importable (a benchmark-only
extra, see benchmarks/README.md).
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
SHAPES = [(25, 1, 65, 100), (50, 32, 64, 128), (100, 64, 32, 256), (200, 16, 8, 64)]
TARGETS = {(25, 1, 65, 100): 1.0, (50, 32, 64, 128): 2.0, (100, 64, 32, 256): 2.0,
           (200, 16, 8, 64): 2.5}


# ----------------------------------------------------------------------------- worker side

def _data(T, B, D, H):
    import numpy as np
    rng = np.random.default_rng(0)
    s = 1.0 / np.sqrt(H)
    p = {"W_xh": rng.uniform(-s, s, (4 * H, D)), "W_hh": rng.uniform(-s, s, (4 * H, H)),
         "b_h": rng.uniform(-s, s, 4 * H)}
    x = rng.standard_normal((T, B, D))
    dy = rng.standard_normal((T, B, H))
    f32 = np.float32
    return {k: v.astype(f32) for k, v in p.items()}, x.astype(f32), dy.astype(f32)


def _make_runner(impl, T, B, D, H):
    """Return (run, fingerprint): run() does one forward + backward."""
    import numpy as np
    p, x, dy = _data(T, B, D, H)
    if impl == "rnnlib":
        import rnnlib
        layer = rnnlib.LSTM(D, H, dtype=np.float32, rng=0)
        for k in p:
            layer.params[k][...] = p[k]

        def run():
            layer.forward(x)
            return layer.backward(dy)[0], layer.grads["W_hh"]
    elif impl == "naive":
        sys.path.insert(0, HERE)
        from naive_lstm import lstm_backward, lstm_forward
        h0 = np.zeros((B, H), np.float32)

        def run():
            hs, caches = lstm_forward(x, h0, h0, p["W_xh"], p["W_hh"], p["b_h"])
            dx, _, _, _, dW_hh, _ = lstm_backward(dy, caches, p["W_xh"], p["W_hh"])
            return dx, dW_hh
    elif impl == "torch":
        import torch
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
        lstm = torch.nn.LSTM(D, H)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(torch.from_numpy(p["W_xh"]))
            lstm.weight_hh_l0.copy_(torch.from_numpy(p["W_hh"]))
            lstm.bias_ih_l0.copy_(torch.from_numpy(p["b_h"]))
            lstm.bias_hh_l0.zero_()
        xt = torch.from_numpy(x).requires_grad_(True)
        dyt = torch.from_numpy(dy)

        def run():
            xt.grad = None
            lstm.zero_grad(set_to_none=True)
            y, _ = lstm(xt)
            y.backward(dyt)
            return xt.grad.numpy(), lstm.weight_hh_l0.grad.numpy()
    else:
        raise ValueError(f"impl: expected rnnlib, naive or torch, got {impl!r}")
    dx, dW = run()
    fingerprint = [float(np.abs(dx).astype(np.float64).sum()),
                   float(np.abs(dW).astype(np.float64).sum())]
    return run, fingerprint


def worker(impl, shape, repeats, min_time):
    run, fingerprint = _make_runner(impl, *shape)
    one = []
    for _ in range(5):                              # warm-up, and the time of one run
        t0 = time.perf_counter()
        run()
        one.append(time.perf_counter() - t0)
    one = max(min(one), 1e-6)
    number = max(1, int(min_time / one))
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(number):
            run()
        wall.append((time.perf_counter() - w0) / number)
        cpu.append((time.process_time() - c0) / number)
    print(json.dumps({"wall": wall, "cpu": cpu, "number": number, "fingerprint": fingerprint}))


# ----------------------------------------------------------------------------- driver side

def have_torch():
    try:
        import importlib.util
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def measure(impl, shape, threads, repeats, min_time):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", impl,
           "--shape", ",".join(map(str, shape)), "--repeats", str(repeats),
           "--min-time", str(min_time)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats per subprocess")
    ap.add_argument("--rounds", type=int, default=7, help="subprocesses per implementation")
    ap.add_argument("--min-time", type=float, default=0.1, help="seconds per timed repeat")
    ap.add_argument("--quick", action="store_true", help="1 round, 3 repeats (smoke test)")
    ap.add_argument("--impls", default="rnnlib,naive,torch")
    ap.add_argument("--shapes", help="e.g. 200,16,8,64;25,1,65,100 (default: the four targets)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--shape", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, tuple(map(int, args.shape.split(","))), args.repeats, args.min_time)
        return
    if args.quick:
        args.rounds, args.repeats, args.min_time = 1, 3, 0.1
    impls = [i for i in args.impls.split(",") if i != "torch" or have_torch()]
    if "torch" in args.impls and "torch" not in impls:
        print("torch is not importable: comparing rnnlib with the naive NumPy LSTM only")
    print(f"LSTM forward + backward, float32, {args.threads} thread(s), "
          f"{platform.machine()} with {os.cpu_count()} cores, python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"median (and best) of {args.rounds} subprocesses x {args.repeats} repeats per "
          f"implementation; load average at start {os.getloadavg()[0]:.1f}")
    cols = "".join(f"{i + ' ms':>12}" for i in impls)
    ratio_cols = "".join(f"{'/' + i:>10}" for i in impls if i != "rnnlib")
    print(f"{'(T, B, D, H)':<20}{cols}{ratio_cols}  (best-of ratios, cpu-time ratios)   target")
    ok = True
    shapes = ([tuple(map(int, s.split(","))) for s in args.shapes.split(";")]
              if args.shapes else SHAPES)
    for shape in shapes:
        res = {i: {"wall": [], "cpu": [], "fp": None} for i in impls}
        for _ in range(args.rounds):
            for impl in impls:
                r = measure(impl, shape, args.threads, args.repeats, args.min_time)
                res[impl]["wall"] += r["wall"]
                res[impl]["cpu"] += r["cpu"]
                res[impl]["fp"] = r["fingerprint"]
        ref = res[impls[0]]["fp"]
        for impl in impls[1:]:
            for a, b in zip(ref, res[impl]["fp"]):
                if abs(a - b) > 1e-3 * abs(a):
                    raise SystemExit(f"{impl} disagrees with {impls[0]} at {shape}: "
                                     f"{res[impl]['fp']} vs {ref}")
        wall = {i: statistics.median(res[i]["wall"]) for i in impls}
        best = {i: min(res[i]["wall"]) for i in impls}
        cpu = {i: statistics.median(res[i]["cpu"]) for i in impls}
        line = f"{str(shape):<20}" + "".join(f"{1e3 * wall[i]:>12.2f}" for i in impls)
        line += "".join(f"{wall['rnnlib'] / wall[i]:>9.2f}x" for i in impls if i != "rnnlib")
        line += "  (best " + " ".join(f"{best['rnnlib'] / best[i]:.2f}x" for i in impls
                                      if i != "rnnlib")
        line += ", cpu " + " ".join(f"{cpu['rnnlib'] / cpu[i]:.2f}x" for i in impls
                                    if i != "rnnlib") + ")"
        if "torch" in impls:
            target = TARGETS.get(shape, float("inf"))
            passed = wall["rnnlib"] / wall["torch"] <= target
            ok &= passed
            line += f"   <= {target}x {'ok' if passed else 'MISSED'}"
        print(line, flush=True)
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if "torch" in impls:
        print("all targets met" if ok else "some targets missed")


if __name__ == "__main__":
    main()
