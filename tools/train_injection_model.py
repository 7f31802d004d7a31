"""Train (and evaluate) the learned part of the prompt-injection detector.

Pure Python (no numpy needed), deterministic. Reads `data/datasets/prompts_dev.jsonl`, writes
`build/model_injection.json`. The shipped detector does NOT use the model (`inj_model.ENABLED = False`):
leave-one-source-group-out runs (`--loso`) showed it adds no detections on unseen sources and only false
positives when allowed to block. To ship one anyway, copy the file to
`lambdas/filter/genai_filter/model_injection.json` and set `ENABLED = True` (see docs/filter-detection.md).

    .venv/bin/python tools/train_injection_model.py            # train on all rows, write build/model_injection.json
    .venv/bin/python tools/train_injection_model.py --loso     # + leave-one-source-group-out report
    .venv/bin/python tools/train_injection_model.py --report   # dev figures of the full detector

Model: logistic regression (Adagrad, L2) over binary word unigram+bigram features of normalised text,
scaled by 1/sqrt(#features) (see `genai_filter.inj_model.features`). Training samples:
* every row as a whole-text sample;
* the lines of benign multi-line rows, as extra negatives (the detector scores each line too);
* (the inserted BIPIA instructions are recovered by diffing against the clean twin rows, for the
  report only: out of context they are ordinary requests, so they are not used as positives).
Samples are weighted so that each source contributes about the same total weight per class, so that
JailbreakBench (half of all attacks) does not dominate. Features must occur in at least two sources
and in at least 3 samples; weights below 0.02 in magnitude are dropped.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lambdas" / "filter"))

from genai_filter import inj_model  # noqa: E402
from genai_filter.injection import detect  # noqa: E402
from genai_filter.normalize import normalize  # noqa: E402

DATA = ROOT / "data" / "datasets" / "prompts_dev.jsonl"
OUT = ROOT / "build" / "model_injection.json"  # not shipped: see inj_model.ENABLED

GROUPS = {
    "bipia-email": "bipia",
    "bipia-table": "bipia",
    "bipia-code": "bipia",
    "mt-bench": "mt-bench",
    "vicuna-bench": "mt-bench",
}

Sample = tuple[frozenset[str], int, float, str]


def load_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def bipia_injections(rows: list[dict[str, str]]) -> dict[int, str]:
    """Row index -> inserted instruction, for BIPIA attack rows (diff against the benign twin)."""
    benign = [r["text"] for r in rows if r["label"] == "benign" and r["source"].startswith("bipia")]
    out: dict[int, str] = {}
    for i, r in enumerate(rows):
        if r["label"] != "attack" or not r["source"].startswith("bipia"):
            continue
        t = r["text"]
        best = ""
        for b in benign:
            # common prefix / suffix with the clean context
            p = 0
            while p < min(len(t), len(b)) and t[p] == b[p]:
                p += 1
            s = 0
            while s < min(len(t), len(b)) - p and t[-1 - s] == b[-1 - s]:
                s += 1
            if p + s >= len(b) - 2 and len(b) > len(best):
                best = t[p : len(t) - s]
        if best.strip():
            out[i] = best.strip()
    return out


def build_samples(rows: list[dict[str, str]]) -> list[Sample]:
    raw: list[tuple[frozenset[str], int, str]] = []
    for r in rows:
        y = 1 if r["label"] == "attack" else 0
        text = normalize(r["text"]).text
        wins = inj_model.windows(text)
        a, b = wins[0]
        raw.append((frozenset(inj_model.features(text[a:b])), y, r["source"]))
        if y == 0:
            for a, b in wins[1:21]:
                raw.append((frozenset(inj_model.features(text[a:b])), 0, r["source"]))
        # The inserted BIPIA instructions are NOT added as positives on their own: out of context most
        # are ordinary requests ("What is the capital of Brazil?"), and learning them as attacks made the
        # model flag the same questions in benign sources. The rules handle BIPIA by structure.
    # per (source, class) weights: each source's class total weight ~ sqrt(count) (dampened balance)
    counts = collections.Counter((s, y) for _, y, s in raw)
    samples: list[Sample] = []
    for feats, y, s in raw:
        n = counts[(s, y)]
        samples.append((feats, y, math.sqrt(n) / n * 10.0, s))
    return samples


def train(
    samples: list[Sample],
    epochs: int = 6,
    l2: float = 1e-4,
    lr: float = 0.5,
    seed: int = 0,
    min_sources: int = 2,
    min_count: int = 3,
) -> tuple[float, dict[str, float]]:
    src_of: dict[str, set[str]] = collections.defaultdict(set)
    cnt: collections.Counter[str] = collections.Counter()
    for feats, _, _, s in samples:
        for f in feats:
            src_of[f].add(s)
            cnt[f] += 1
    vocab = {f for f, c in cnt.items() if c >= min_count and len(src_of[f]) >= min_sources}
    data: list[tuple[list[str], int, float]] = [([f for f in fs if f in vocab], y, w) for fs, y, w, _ in samples]
    pos_w = sum(w for _, y, w in data if y == 1)
    neg_w = sum(w for _, y, w in data if y == 0)
    class_scale = {1: (pos_w + neg_w) / (2 * pos_w), 0: (pos_w + neg_w) / (2 * neg_w)}
    weights: dict[str, float] = collections.defaultdict(float)
    g2: dict[str, float] = collections.defaultdict(lambda: 1e-8)
    bias = 0.0
    bias_g2 = 1e-8
    rnd = random.Random(seed)  # noqa: S311 - deterministic shuffling, not security
    order = list(range(len(data)))
    for _ in range(epochs):
        rnd.shuffle(order)
        for k in order:
            row_feats, y, w = data[k]
            if not row_feats:
                continue
            scale = 1.0 / math.sqrt(len(row_feats))
            z = bias + scale * sum(weights[f] for f in row_feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - y) * w * class_scale[y]
            for f in row_feats:
                gf = g * scale + l2 * weights[f]
                g2[f] += gf * gf
                weights[f] -= lr * gf / math.sqrt(g2[f])
            bias_g2 += g * g
            bias -= lr * g / math.sqrt(bias_g2)
    kept = {f: round(v, 4) for f, v in weights.items() if abs(v) >= 0.02}
    return bias, kept


def set_model(bias: float, weights: dict[str, float]) -> None:
    inj_model.set_model(bias, weights)
    inj_model.ENABLED = bool(weights)


def evaluate(rows: list[dict[str, str]], idx: list[int] | None = None) -> dict[str, list[int]]:
    """source -> [blocked, total] for the full detector."""
    stats: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for i in idx if idx is not None else range(len(rows)):
        r = rows[i]
        blocked = any(f.category in ("prompt_injection", "jailbreak", "unsafe") for f in detect(r["text"]))
        key = f"{r['source']}|{r['label']}"
        stats[key][0] += int(blocked)
        stats[key][1] += 1
    return dict(stats)


def summarise(stats: dict[str, list[int]]) -> str:
    lines = []
    tot = {"attack": [0, 0], "benign": [0, 0]}
    for key in sorted(stats):
        src, label = key.split("|")
        b, n = stats[key]
        tot[label][0] += b
        tot[label][1] += n
        what = "block rate" if label == "attack" else "FPR"
        lines.append(f"| {src} | {label} | {n} | {what} {100 * b / n:.1f}% ({b}) |")
    att, ben = tot["attack"], tot["benign"]
    if att[1]:
        lines.append(f"| **all** | attack | {att[1]} | block rate {100 * att[0] / att[1]:.2f}% ({att[0]}) |")
    if ben[1]:
        lines.append(f"| **all** | benign | {ben[1]} | FPR {100 * ben[0] / ben[1]:.2f}% ({ben[0]}) |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loso", action="store_true", help="leave-one-source-group-out evaluation")
    ap.add_argument("--report", action="store_true", help="dev-set figures of the full detector")
    ap.add_argument("--no-write", action="store_true", help="do not write the model file")
    ap.add_argument("--caps", type=float, nargs="*", default=[], help="extra MODEL_CAP values to compare in --loso")
    ap.add_argument("--cap", type=float, default=None, help="MODEL_CAP for --report (default: the shipped one)")
    args = ap.parse_args()

    t0 = time.time()
    rows = load_rows()
    inj = bipia_injections(rows)
    print(f"{len(rows)} rows, {len(inj)} BIPIA injections recovered ({time.time() - t0:.1f}s)", file=sys.stderr)
    per_row: list[list[Sample]] = []
    for r in rows:
        per_row.append(build_samples([r]))
    # re-weight over the whole set
    flat = [s for group in per_row for s in group]
    counts = collections.Counter((s, y) for _, y, _, s in flat)

    def reweight(samples: list[Sample]) -> list[Sample]:
        return [(f, y, math.sqrt(counts[(s, y)]) / counts[(s, y)] * 10.0, s) for f, y, _, s in samples]

    if args.loso:
        groups = sorted({GROUPS.get(r["source"], r["source"]) for r in rows})
        default_cap = inj_model.MODEL_CAP
        caps = sorted({default_cap, *args.caps})
        total: dict[float, dict[str, list[int]]] = {c: {} for c in caps}
        for g in groups:
            train_idx = [i for i, r in enumerate(rows) if GROUPS.get(r["source"], r["source"]) != g]
            test_idx = [i for i, r in enumerate(rows) if GROUPS.get(r["source"], r["source"]) == g]
            samples = reweight([s for i in train_idx for s in per_row[i]])
            bias, weights = train(samples)
            set_model(bias, weights)
            for c in caps:
                inj_model.MODEL_CAP = c
                st = evaluate(rows, test_idx)
                total[c].update(st)
                print(f"held out {g}, cap {c}: {st}", file=sys.stderr)
        inj_model.MODEL_CAP = default_cap
        set_model(0.0, {})
        print("## Rules only (no learned model)\n")
        print(summarise(evaluate(rows)))
        print()
        for c in caps:
            print(f"## Leave-one-source-group-out, model cap {c} (model retrained without the held-out group)\n")
            print(summarise(total[c]))
            print()

    bias, weights = train(reweight(flat))
    print(f"trained: {len(weights)} features, bias {bias:.3f} ({time.time() - t0:.1f}s)", file=sys.stderr)
    if not args.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(
            json.dumps(
                {"bias": round(bias, 4), "weights": dict(sorted(weights.items()))},
                ensure_ascii=True,
                separators=(",", ":"),
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    set_model(bias, weights)
    inj_model.MODEL_CAP = inj_model.MODEL_CAP if args.cap is None else args.cap
    if args.report:
        print("## Dev set, full detector (rules + model trained on all rows)\n")
        print(summarise(evaluate(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
