"""How the time of one BPTT pass grows with the sequence length T (chapter 2, bptt-cost).

    python benchmarks/bptt_time.py [--repeats 4] [--out benchmarks/results/bptt_time.json]

Times one forward plus backward pass of ``rnnlib.RNN`` (B = 16, D = 8, H = 32, float64,
one BLAS thread) for T = 125, 250, 500, 1000, 2000, keeps the best of ``repeats - 1``
timed runs per T (the first round is a warm-up; the T values take turns, so that a busy
moment of the machine hits all of them) and writes the seconds, with the date, machine and
versions, to a JSON file. Chapter 2 plots the stored file: a wall-clock time can not be an
output that nbval compares, and the tests never time anything. Run it again to measure
your machine; ``make bench`` does.
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread settings)

import rnnlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TS = (125, 250, 500, 1000, 2000)
B, D, H = 16, 8, 32


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure(repeats):
    rng = np.random.default_rng(0)
    layer = rnnlib.RNN(D, H, rng=rng)
    xs = {T: rng.normal(size=(T, B, D)) for T in TS}
    best = {T: float("inf") for T in TS}
    for repeat in range(repeats):
        for T in TS:
            start = time.perf_counter()
            hs, _ = layer.forward(xs[T])
            layer.backward(np.ones_like(hs))
            if repeat > 0:
                best[T] = min(best[T], time.perf_counter() - start)
    return [best[T] for T in TS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--out", default=os.path.join(HERE, "results", "bptt_time.json"))
    args = parser.parse_args()
    if args.repeats < 2:
        sys.exit(f"--repeats must be at least 2 (one warm-up round), got {args.repeats}")
    seconds = measure(args.repeats)
    record = {
        "what": "best time of one rnnlib.RNN forward + backward pass, float64, one thread",
        "B": B, "D": D, "H": H, "T": list(TS),
        "seconds": [round(s, 6) for s in seconds],
        "repeats": args.repeats,
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": os.environ["OPENBLAS_NUM_THREADS"],
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    for T, s in zip(TS, seconds):
        print(f"T = {T:4d}: {s * 1e3:7.1f} ms, {s / T * 1e6:5.1f} us per step")
    print(f"wrote {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
