#!/usr/bin/python3
"""Markdown tables for bench/RESULTS.md from bench/results/{kernels,steps}.jsonl (bench/run-results.sh)
and gpu-h100.jsonl (scripts/gpu-check.sh on an H100)."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.startswith("{")]


def shape(s):
    return " ".join(k + ("" if v is True else "=" + str(v)) for k, v in s.items() if v is not False)


def pairs(rows):
    """Each ganglion line with the reference line that follows it for the same case (or None)."""
    out = []
    for i, r in enumerate(rows):
        if r["impl"] != "ganglion":
            continue
        ref = None
        if i + 1 < len(rows) and rows[i + 1]["impl"] != "ganglion" and rows[i + 1]["pass"] == r["pass"]:
            ref = rows[i + 1]
        out.append((r, ref))
    return out


def f(x, fmt):
    return "" if x is None else fmt % x


def variant(t):
    """The reference line's implementation and formulation, e.g. "torch bmm" (empty without one)."""
    return "" if t is None else t["impl"] + (" " + t["variant"] if t.get("variant") else "")


def ref_ms(t):
    return "" if t is None else "%.4g" % t["median_ms"]


def speedup(t):
    return "" if t is None else "%.2f×" % t["ganglion_speedup"]


def kernels(rows):
    dense = {r["threads"]: r["gflops"] for r in rows if r["impl"] == "ganglion" and r["kernel"] == "gemm"
             and r["shape"].get("m") == 128 and r["shape"].get("n") == 1024 and r["shape"].get("k") == 1024}
    print("| kernel | shape | pass | threads | ganglion ms | GFLOP/s | % of peak | vs dense GEMM rate "
          "| torch variant | torch ms | torch GFLOP/s | ganglion speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for g, t in pairs(rows):
        peak = g.get("peak_gflops")
        rel = ""
        if g["kernel"] != "gemm" and g["threads"] in dense:
            rel = "%.0f %%" % (100 * g["gflops"] / dense[g["threads"]])
        print("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            g["kernel"], shape(g["shape"]), g["pass"], g["threads"], f(g["median_ms"], "%.4g"), f(g["gflops"], "%.1f"),
            "" if not peak else "%.1f %%" % (100 * g["gflops"] / peak), rel,
            variant(t), ref_ms(t), "" if t is None else f(t.get("gflops"), "%.1f"), speedup(t)))


def steps(rows):
    print("| model | shape | threads | parameters | ganglion ms | torch ms | ganglion speed-up |")
    print("|---|---|---|---|---|---|---|")
    for g, t in pairs(rows):
        print("| %s | %s | %d | %s | %.4g | %s | %s |" % (
            g["kernel"], shape(g["shape"]), g["threads"], g.get("parameters", ""), g["median_ms"],
            ref_ms(t), speedup(t)))


def gpu(rows):
    """--device cuda lines: the rate against dense cuBLAS SGEMM of the first gemm line (4096³)."""
    dense = next((r["gflops"] for r in rows if r["impl"] == "ganglion" and r["kernel"] == "gemm"), None)
    print("| kernel | shape | pass | ganglion ms | GFLOP/s | vs dense SGEMM rate | host µs/call "
          "| torch variant | torch ms | ganglion speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for g, t in pairs(rows):
        print("| %s | %s | %s | %.4g | %.0f | %s | %s | %s | %s | %s |" % (
            g["kernel"], shape(g["shape"]), g["pass"], g["median_ms"], g["gflops"],
            "" if not dense or g["kernel"] == "gemm" else "%.0f %%" % (100 * g["gflops"] / dense),
            f(g.get("host_us_per_call"), "%.1f"),
            variant(t), ref_ms(t), speedup(t)))


if __name__ == "__main__":
    k = load("kernels.jsonl")
    if k:
        kernels(k)
        print()
    s = load("steps.jsonl")
    if s:
        steps(s)
        print()
    g = load("gpu-h100.jsonl")
    if g:
        gpu(g)
