"""Benchmark the offline preview: the dev stack, and synthetic programs of 100, 1,000 and 5,000 resources.

Each preview runs in a fresh interpreter (as `genai-platform preview` does), so the figures include
start-up and `import pulumi_aws` (reported separately as the 0-resource baseline). The platform's
stages are timed through the CLI (`preview --stack dev|prod`, with and without the policy pack), wall
and CPU seconds: the machine is shared, so CPU time is the steadier figure.

    .venv/bin/python benchmarks/preview_bench.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
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


def measure_cli(environment: str, repeat: int, *extra: str) -> tuple[float, float]:
    """`genai-platform preview --stack ENV` as a developer runs it: a fresh process, every stage,
    the policy pack unless --no-policy. Returns the median wall and CPU (user+sys) seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "infra.cli", "preview", "--stack", environment, "--quiet", *extra],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr.decode()[-500:])
    return statistics.median(walls), statistics.median(cpus)


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
            for extra, what in (((), "every stage + policy"), (("--no-policy",), "every stage")):
                seconds, cpu = measure_cli(stack, args.repeat, *extra)
                rows.append({"case": f"CLI {stack}: {what}", "resources": 0, "seconds": seconds, "cpu": cpu})
        for n in (100, 1000, 5000):
            folder = base / f"n{n}"
            folder.mkdir()
            seconds, count = measure(synthetic_program(folder, n), "bench", 1 if n >= 5000 else args.repeat)
            rows.append({"case": f"synthetic {n}", "resources": count, "seconds": seconds})
    for row in rows:
        work = row["seconds"] - baseline
        row["resourcesPerSecond"] = round(row["resources"] / work) if row["resources"] and work > 0 else None
        row["seconds"] = round(row["seconds"], 2)
        if "cpu" in row:
            row["cpu"] = round(row["cpu"], 2)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'case':48} {'resources':>9} {'seconds':>8} {'cpu s':>6} {'res/s (after start-up)':>23}")
        for row in rows:
            cpu = f"{row['cpu']:.2f}" if "cpu" in row else "-"
            print(
                f"{row['case']:48} {row['resources'] or '-':>9} {row['seconds']:>8.2f} {cpu:>6} "
                f"{row['resourcesPerSecond'] or '-':>23}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
