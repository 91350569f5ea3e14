#!/usr/bin/python3
"""Summary of the runs in models/results/logs (models/results/run.sh): per group of seeds, the final
test metric (mean ± standard deviation, and each seed), the best epoch's metric, and the median
seconds per epoch (epoch 1 excluded: it includes the JIT's warm-up).

/usr/bin/python3 summary.py [PREFIX ...]     (default: every log; groups are names without -sN)
"""
import json
import os
import re
import statistics
import sys

LOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")


def epochs(path):
    with open(path) as f:
        return [r for r in (json.loads(l) for l in f if l.startswith("{")) if "epoch" in r]


def main(prefixes):
    groups = {}
    for name in sorted(os.listdir(LOGS)):
        if not name.endswith(".jsonl") or (prefixes and not any(name.startswith(p) for p in prefixes)):
            continue
        rows = epochs(os.path.join(LOGS, name))
        if rows:
            groups.setdefault(re.sub(r"-s\d+$", "", name[:-6]), []).append(rows)
    print("| run | seeds | epochs | final %s | per seed | best epoch | s/epoch (median, from epoch 2) |" % "metric")
    print("|---|---|---|---|---|---|---|")
    for g, runs in groups.items():
        finals = [r[-1]["metric"] for r in runs]
        name = runs[0][-1]["metric_name"]
        best = [max(x["metric"] for x in r) if name == "accuracy" else min(x["metric"] for x in r) for r in runs]
        secs = [x["seconds"] for r in runs for x in r[1:]] or [x["seconds"] for r in runs for x in r]
        spread = " ± %.4f" % statistics.stdev(finals) if len(finals) > 1 else ""
        print("| %s | %d | %d | %s %.4f%s | %s | %.4f | %.2f |" % (
            g, len(runs), len(runs[0]), name, statistics.mean(finals), spread,
            " ".join("%.4f" % v for v in finals), statistics.mean(best), statistics.median(secs)))


if __name__ == "__main__":
    main(sys.argv[1:])
