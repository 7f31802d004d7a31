"""Benchmark the offline preview: the dev stack, and synthetic programs of 100, 1,000 and 5,000 resources.

Each preview runs in a fresh interpreter (as `genai-platform preview` does), so the figures include
start-up and `import pulumi_aws` (reported separately as the 0-resource baseline).

    .venv/bin/python benchmarks/preview_bench.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.preview.engine import preview_in_subprocess  # noqa: E402

SYNTHETIC = """
import pulumi
import pulumi_aws as aws

N = {n}
for i in range(N // 4):
    key = aws.kms.Key(f"key-{{i}}", enable_key_rotation=True)
    bucket = aws.s3.Bucket(f"bucket-{{i}}")
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"sse-{{i}}", bucket=bucket.id,
        rules=[{{"apply_server_side_encryption_by_default": {{"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}}}])
    aws.s3.BucketVersioning(f"ver-{{i}}", bucket=bucket.id, versioning_configuration={{"status": "Enabled"}})
"""


def synthetic_program(folder: Path, n: int) -> Path:
    (folder / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (folder / "__main__.py").write_text(SYNTHETIC.format(n=n))
    return folder


def measure(program: Path, stack: str, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        plan = preview_in_subprocess(program, stack)
        times.append(time.perf_counter() - start)
        count = plan["summary"]["resources"]
    return statistics.median(times), count


def measure_stages(environment: str, repeat: int) -> tuple[float, int]:
    """All stages of one environment (account, platform, cluster), one subprocess each."""
    from infra.preview.stages import preview_stages

    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        plans = preview_stages(environment)
        times.append(time.perf_counter() - start)
        count = sum(p.plan["summary"]["resources"] for p in plans)
    return statistics.median(times), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "n0").mkdir()
        baseline, _ = measure(synthetic_program(base / "n0", 0), "bench", args.repeat)
        rows.append({"case": "baseline (0 resources: start-up and imports)", "resources": 0, "seconds": baseline})
        for stack in ("dev", "prod"):
            seconds, count = measure_stages(stack, args.repeat)
            rows.append({"case": f"platform {stack}: every stage", "resources": count, "seconds": seconds})
        for n in (100, 1000, 5000):
            folder = base / f"n{n}"
            folder.mkdir()
            seconds, count = measure(synthetic_program(folder, n), "bench", 1 if n >= 5000 else args.repeat)
            rows.append({"case": f"synthetic {n}", "resources": count, "seconds": seconds})
    for row in rows:
        work = row["seconds"] - baseline
        row["resourcesPerSecond"] = round(row["resources"] / work) if row["resources"] and work > 0 else None
        row["seconds"] = round(row["seconds"], 2)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'case':48} {'resources':>9} {'seconds':>8} {'res/s (after start-up)':>23}")
        for row in rows:
            print(
                f"{row['case']:48} {row['resources']:>9} {row['seconds']:>8.2f} {row['resourcesPerSecond'] or '-':>23}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
