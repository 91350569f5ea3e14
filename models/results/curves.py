#!/usr/bin/python3
"""Learning curves of several runs in one SVG, from their per-epoch JSON lines (no plotting library).

/usr/bin/python3 curves.py OUT.svg --title TITLE [--key metric|loss|test_loss] LABEL=LOG.jsonl ...

Each LOG is what `ganglion train --log` or `train_reference.py --json` writes: one JSON object per
epoch with "epoch" and the key (lines without "epoch", such as rewiring events, are skipped).
"""
import argparse
import json
import os
import tempfile

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
          "#bcbd22"]
W, H, L, R, T, B = 760, 440, 70, 230, 40, 50


def read(path, key):
    pts = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if "epoch" in row and row.get(key) is not None:
                pts.append((row["epoch"], float(row[key])))
    return pts


def nice(lo, hi):
    if hi - lo < 1e-12:
        hi = lo + 1.0
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def svg(series, title, key):
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts]
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x1 = x0 + 1
    y0, y1 = nice(min(ys), max(ys))
    px = lambda x: L + (x - x0) / (x1 - x0) * (W - L - R)
    py = lambda y: T + (y1 - y) / (y1 - y0) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
           f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">epoch</text>',
           f'<text x="16" y="{(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 {(T + H - B) / 2})">{key}</text>']
    for i in range(6):
        y = y0 + (y1 - y0) * i / 5
        out.append(f'<line x1="{L - 4}" y1="{py(y):.1f}" x2="{W - R}" y2="{py(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.4g}</text>')
    step = max(1, round((x1 - x0) / 10))
    for x in range(int(x0), int(x1) + 1, step):
        out.append(f'<text x="{px(x):.1f}" y="{H - B + 16}" text-anchor="middle">{x}</text>')
    for i, (label, pts) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        dash = ' stroke-dasharray="6 3"' if "torch" in label else ""
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
        ly = T + 10 + 18 * i
        out.append(f'<line x1="{W - R + 12}" y1="{ly}" x2="{W - R + 36}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{W - R + 42}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--title", default="")
    ap.add_argument("--key", default="metric")
    ap.add_argument("runs", nargs="+", metavar="LABEL=LOG")
    a = ap.parse_args()
    series = []
    for run in a.runs:
        label, path = run.rsplit("=", 1)  # labels may hold "=" (T=200); the log paths here do not
        pts = read(path, a.key)
        if pts:
            series.append((label, pts))
    if not series:
        ap.error("no epoch lines with '%s' in the given logs" % a.key)
    text = svg(series, a.title, a.key)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(a.out)) or ".", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, a.out)  # atomic


if __name__ == "__main__":
    main()
