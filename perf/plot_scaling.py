#!/usr/bin/python3
"""Plots perf/scaling_{strong,weak}.csv (written by perf/scaling.sh).

    /usr/bin/python3 perf/plot_scaling.py [DIR]     (default: the script's folder)

Per study, one PNG with three panels: wall time vs ranks (with the ideal
line), parallel efficiency vs ranks (with the goal), and per-stage seconds
(max over ranks) as stacked bars.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

GOALS = {"strong": 0.85, "weak": 0.90}


def plot(kind, path, out):
    rows = list(csv.DictReader(open(path)))
    if not rows:
        return
    x = [int(r["ranks"]) * int(r["threads"]) for r in rows]
    ncpu = os.cpu_count() or 1
    over = [int(r["ranks"]) * int(r["threads"]) > ncpu * int(r.get("nodes") or 1) for r in rows]
    labels = [f"{r['ranks']}x{r['threads']}" + ("*" if o else "") for r, o in zip(rows, over)]
    wall = [float(r["wall_s"]) for r in rows]
    eff = [float(r["efficiency"]) for r in rows]
    stages = [k[:-2] for k in rows[0] if k.endswith("_s") and k not in ("wall_s", "report_wall_s")]

    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    c = [v / x[0] for v in x]
    ideal = [wall[0] / ci for ci in c] if kind == "strong" else [wall[0]] * len(c)
    ax[0].plot(x, wall, "o-", label="measured")
    ax[0].plot(x, ideal, "k--", lw=1, label="ideal")
    ax[0].set_xscale("log", base=2)
    ax[0].set_xticks(x, labels)
    ax[0].set_xlabel("ranks x threads")
    ax[0].set_ylabel("wall time (s)")
    ax[0].set_ylim(bottom=0)
    ax[0].legend(fontsize=8)
    ax[0].set_title(f"{kind} scaling: wall time")

    ax[1].plot(x, [100 * e for e in eff], "o-")
    ax[1].axhline(100 * GOALS[kind], color="r", ls=":", lw=1, label=f"goal {GOALS[kind]:.0%}")
    ax[1].set_xscale("log", base=2)
    ax[1].set_xticks(x, labels)
    ax[1].set_xlabel("ranks x threads")
    ax[1].set_ylabel("efficiency (%)")
    ax[1].set_ylim(0, 110)
    ax[1].legend(fontsize=8)
    ax[1].set_title("parallel efficiency")

    bottom = [0.0] * len(rows)
    pos = range(len(rows))
    cmap = plt.get_cmap("tab20")
    for i, s in enumerate(stages):
        v = [float(r[f"{s}_s"]) for r in rows]
        if max(v) < 1e-3:
            continue
        ax[2].bar(pos, v, bottom=bottom, color=cmap(i % 20), label=s, width=0.6)
        bottom = [b + vi for b, vi in zip(bottom, v)]
    other = [max(0.0, w - b) for w, b in zip(wall, bottom)]
    ax[2].bar(pos, other, bottom=bottom, color="0.8", hatch="//", label="other (launch, init)", width=0.6)
    ax[2].set_xticks(list(pos), [f"{lb}\n{r['genome_mb']} Mb" for lb, r in zip(labels, rows)], fontsize=8)
    ax[2].set_ylabel("s (stage max over ranks)")
    ax[2].set_title("per-stage time")
    ax[2].legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if any(over):
        fig.text(0.01, 0.01, f"* more ranks x threads than the {ncpu} cores here (oversubscribed): correctness only",
                 fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1) if any(over) else None)
    fig.savefig(out, dpi=72)
    plt.close(fig)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for kind in ("strong", "weak"):
        p = os.path.join(d, f"scaling_{kind}.csv")
        if os.path.exists(p):
            plot(kind, p, os.path.join(d, f"scaling_{kind}.png"))


if __name__ == "__main__":
    main()
