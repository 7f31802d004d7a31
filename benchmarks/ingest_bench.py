"""Ingestion scanner benchmark: throughput (MB/s per invocation) and detection on a labelled document set.

    python benchmarks/ingest_bench.py [--json] [--quick] [--detection FILE.jsonl]

Throughput: `scan_bytes` on synthetic documents of each format and size, one call each (what one Lambda
invocation does for one object), best of three.

Detection: documents built from the BIPIA rows of the development prompts (`bipia-email` → .txt,
`bipia-table` → .md, `bipia-code` → .md; BIPIA, microsoft/BIPIA, MIT with CC-BY-SA-4.0 table and code
contexts, see /work/shared/datasets/README.md). An attack row is a context with an injected instruction,
a benign row the context alone. Each attack row is grouped with its clean context (the clean context's
first and last 80 characters both occur in it), and whole groups are split by a hash of the context:
about 30% are held out and never used for tuning. Poisoned documents count as detected when
`quarantined`; clean documents as false positives when `quarantined` (and reported when `flagged`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "lambdas" / "filter"), str(ROOT / "lambdas" / "ingest")]

from genai_ingest.scan import Limits, scan_bytes  # noqa: E402

LIMITS = Limits(max_bytes=64 * 1024 * 1024)
PARAGRAPH = (
    "The pump housing must be inspected every month. Replace the seals when the pressure drops below "
    "the threshold in table 3, and record the reading in the maintenance log with the date. "
)
SUFFIX = {"bipia-email": "txt", "bipia-table": "md", "bipia-code": "md"}
HELD_OUT_PERCENT = 30


def synthetic(fmt: str, size: int) -> bytes:
    reps = size // len(PARAGRAPH) + 1
    if fmt == "html":
        body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(reps))
        return f"<html><body>{body}</body></html>".encode()[:size] + b"</body></html>"
    if fmt == "jsonl":
        return "".join(json.dumps({"text": PARAGRAPH}) + "\n" for _ in range(reps)).encode()
    if fmt == "csv":
        return "".join(f'{i},"{PARAGRAPH}"\n' for i in range(reps)).encode()
    return (PARAGRAPH * reps).encode()


def throughput(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    for fmt in ("txt", "html", "jsonl", "csv"):
        for size in sizes:
            data = synthetic(fmt, size)
            best = min(_timed(lambda d=data, f=fmt: scan_bytes(f"doc.{f}", d, LIMITS)) for _ in range(3))
            rows.append(
                {
                    "format": fmt,
                    "bytes": len(data),
                    "seconds": round(best, 4),
                    "mb_per_s": round(len(data) / best / 1e6, 3),
                }
            )
    return rows


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def labelled(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if r["source"] in SUFFIX]
    clean = [r for r in rows if r["label"] == "benign"]
    docs = []
    for r in clean:
        docs.append({**r, "group": r["text"]})
    by_edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in clean:
        by_edges[(r["text"][:80], r["text"][-80:])].append(r["text"])
    for r in rows:
        if r["label"] != "attack":
            continue
        group = next(
            (ctx for (head, tail), ctxs in by_edges.items() if head in r["text"] and tail in r["text"] for ctx in ctxs),
            r["text"],
        )
        docs.append({**r, "group": group})
    for d in docs:
        d["held_out"] = int(hashlib.sha256(d["group"].encode()).hexdigest(), 16) % 100 < HELD_OUT_PERCENT
    return docs


def detection(path: Path) -> dict[str, Any]:
    docs = labelled(path)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    start = time.perf_counter()
    for i, d in enumerate(docs):
        verdict = scan_bytes(f"doc{i}.{SUFFIX[d['source']]}", d["text"].encode(), LIMITS)
        split = "held_out" if d["held_out"] else "tuning"
        for key in (split, f"{split}:{d['source']}"):
            tally[key][f"{d['label']}:{verdict.scan_status}"] += 1
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"documents": len(docs), "seconds": round(seconds, 1)}
    for key, counts in sorted(tally.items()):
        attacks = sum(v for k, v in counts.items() if k.startswith("attack:"))
        benign = sum(v for k, v in counts.items() if k.startswith("benign:"))
        out[key] = {
            "attack": attacks,
            "benign": benign,
            "detected": round(counts["attack:quarantined"] / attacks, 4) if attacks else None,
            "benign_quarantined": round(counts["benign:quarantined"] / benign, 4) if benign else None,
            "benign_flagged": round(counts["benign:flagged"] / benign, 4) if benign else None,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--detection", type=Path, default=None, help="prompts_dev.jsonl: run the detection measurement")
    args = parser.parse_args()
    result: dict[str, Any] = {"throughput": throughput([64 * 1024] if args.quick else [64 * 1024, 1024 * 1024])}
    if args.detection:
        result["detection"] = detection(args.detection)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for row in result["throughput"]:
            print(f"{row['format']:6} {row['bytes']:>9} B  {row['seconds']:>8.3f} s  {row['mb_per_s']:>7.3f} MB/s")
        for key, value in result.get("detection", {}).items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
