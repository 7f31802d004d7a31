"""Filter benchmark: screening latency by prompt size, throughput, cold start, and regex backtracking.

    python benchmarks/filter_bench.py [--json] [--quick] [--guard-only]

Not a timed test: it prints figures (for docs/filter-api.md) and exits 0. Catastrophic backtracking
shows up as super-linear growth: for every adversarial family the time for a 10x longer input must
stay within ~10x; the script exits 1 if a family exceeds 12x.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_ROOT = ROOT / "lambdas" / "filter"
sys.path.insert(0, str(LAMBDA_ROOT))

from genai_filter import config, guard, output, pii, secrets  # noqa: E402
from genai_filter.screen import Redactor, Screener  # noqa: E402

SENTENCES = [
    "Could you summarise the attached quarterly report for the finance team? ",
    "The customer Jane Doe (jane.doe@example.com, +1 415-555-0134) asked about invoice 4471. ",
    "Please keep the tone friendly and avoid jargon where possible. ",
    "Our office moved to 221B Baker Street last spring, so update the footer. ",
    "Compare the two pricing options and recommend one for a small business. ",
    "The server at 10.0.12.7 returned a timeout during the nightly batch job. ",
    "Write three bullet points about the benefits of regular code reviews. ",
]


def prompt(size: int) -> str:
    out: list[str] = []
    total = 0
    i = 0
    while total < size:
        s = SENTENCES[i % len(SENTENCES)]
        out.append(s)
        total += len(s)
        i += 1
    return "".join(out)[:size]


def timings(fn: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    fn()  # warm caches
    result = []
    for _ in range(runs):
        t = clock()
        fn()
        result.append(clock() - t)
    return result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(quick: bool) -> list[dict[str, Any]]:
    screener = Screener(config.load({}))
    rows = []
    for label, size in (("200 B", 200), ("2 KB", 2048), ("16 KB", 16384), ("64 KB", 65536)):
        text = prompt(size)
        runs = {200: 2000, 2048: 1000, 16384: 200, 65536: 60}[size] // (10 if quick else 1)
        full = timings(lambda t=text: screener.screen(t, "input", Redactor()), runs)  # type: ignore[misc]
        own = timings(lambda t=text: (pii.detect(t), secrets.detect(t)), runs, time.thread_time)  # type: ignore[misc]
        cpu = timings(lambda t=text: screener.screen(t, "input", Redactor()), runs, time.thread_time)  # type: ignore[misc]
        rows.append(
            {
                "size": label,
                "bytes": len(text.encode()),
                "runs": runs,
                "pipeline_p50_ms": round(statistics.median(full) * 1000, 3),
                "pipeline_p99_ms": round(pct(full, 0.99) * 1000, 3),
                "pipeline_mb_s": round(len(text.encode()) / statistics.median(full) / 1e6, 2),
                "pipeline_cpu_p50_ms": round(statistics.median(cpu) * 1000, 3),
                "pipeline_cpu_p99_ms": round(pct(cpu, 0.99) * 1000, 3),
                "pii_secrets_p50_ms": round(statistics.median(own) * 1000, 3),
                "pii_secrets_p99_ms": round(pct(own, 0.99) * 1000, 3),
                "pii_secrets_mb_s": round(len(text.encode()) / statistics.median(own) / 1e6, 2),
            }
        )
    return rows


def guard_tier(quick: bool) -> list[dict[str, Any]]:
    """What the guard tier adds to one 2 KB input, against the loopback fake classifier (a real HTTP round
    trip, no model) and the Stubber'd Bedrock client (botocore's request path, no network); cache off
    for the call rows. The model's own inference time comes on top and is not measured here."""
    sys.path.insert(0, str(ROOT))
    from tests.lambdas.filter.guard_fakes import (
        GUARDRAIL_ID,
        GUARDRAIL_VERSION,
        expect,
        fake_classifier,
        guardrail_response,
        stubbed_bedrock,
    )

    text = prompt(2048)
    runs = 30 if quick else 300
    plain = Screener(config.load({}))
    rows: list[dict[str, Any]] = []

    def row(label: str, screener: Screener) -> None:
        # interleaved with the rules-only screener, so that load on a shared machine hits both alike
        base: list[float] = []
        tiered: list[float] = []
        screener.screen(text, "input", Redactor())
        for _ in range(runs):
            t = time.perf_counter()
            plain.screen(text, "input", Redactor())
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            screener.screen(text, "input", Redactor())
            tiered.append(time.perf_counter() - t)
        added = [b - a for a, b in zip(base, tiered, strict=True)]
        rows.append(
            {
                "tier": label,
                "runs": runs,
                "rules_p50_ms": _ms(statistics.median(base)),
                "p50_ms": _ms(statistics.median(tiered)),
                "p99_ms": _ms(pct(tiered, 0.99)),
                "added_p50_ms": _ms(statistics.median(added)),
                "added_p99_ms": _ms(pct(added, 0.99)),
            }
        )

    with fake_classifier() as fake:
        env = {"FILTER_GUARD_TIER": "self-hosted", "FILTER_GUARD_URL": fake.url}
        for label, entries in (("self-hosted (loopback TEI fake)", "0"), ("self-hosted, cache hit", "64")):
            cfg = config.load({**env, "FILTER_GUARD_CACHE_ENTRIES": entries})
            row(label, Screener(cfg, guard=guard.build(cfg, lambda: b"k" * 32)))
    client, stubber = stubbed_bedrock()
    for _ in range(runs + 1):
        expect(stubber, guardrail_response("NONE"), text)
    cfg = config.load(
        {
            "FILTER_GUARD_TIER": "bedrock",
            "FILTER_GUARD_ID": GUARDRAIL_ID,
            "FILTER_GUARD_VERSION": GUARDRAIL_VERSION,
            "FILTER_GUARD_CACHE_ENTRIES": "0",
        }
    )
    row("bedrock (botocore Stubber)", Screener(cfg, guard=guard.build(cfg, lambda: b"k" * 32, bedrock=lambda: client)))
    return rows


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# the request id is a UUID, as API Gateway sends (the handler generates one only for a request without it)
COLD_START_CODE = """
import json, time
t0, c0 = time.perf_counter(), time.process_time()
import handler
t1, c1 = time.perf_counter(), time.process_time()
event = {"resource": "/v1/screen", "path": "/v1/screen", "httpMethod": "POST",
         "headers": {"Content-Type": "application/json"}, "requestContext": {"requestId": "c0ffee00-0000-4000-8000-000000000001"},
         "body": json.dumps({"text": "Mail jane@example.com about the report.", "direction": "input"}),
         "isBase64Encoded": False}
handler.handler(event, None)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "import_cpu": c1 - c0, "first_cpu": c2 - c1}))
"""


def cold_start(quick: bool) -> dict[str, Any]:
    """Import of the handler module (Lambda init, including the detector warm-up) and the first request,
    each in a fresh interpreter."""
    imports: list[float] = []
    firsts: list[float] = []
    imports_cpu: list[float] = []
    firsts_cpu: list[float] = []
    for _ in range(3 if quick else 7):
        proc = subprocess.run(
            # -S: no site-packages (the handler needs none at import; boto3 is imported lazily), and no
            # editable-install finder of the development venv, which Lambda does not have
            [sys.executable, "-S", "-c", COLD_START_CODE],
            cwd=LAMBDA_ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": ""},
        )
        sample = json.loads(proc.stdout.strip().splitlines()[-1])
        imports.append(sample["import"])
        firsts.append(sample["first"])
        imports_cpu.append(sample["import_cpu"])
        firsts_cpu.append(sample["first_cpu"])
    return {
        "runs": len(imports),
        "min_ms": round(min(imports) * 1000, 1),
        "median_ms": round(statistics.median(imports) * 1000, 1),
        "max_ms": round(max(imports) * 1000, 1),
        "first_request_median_ms": round(statistics.median(firsts) * 1000, 2),
        # CPU time of the process: on a shared machine the wall clock also counts time spent waiting for a core
        "cpu_min_ms": round(min(imports_cpu) * 1000, 1),
        "cpu_median_ms": round(statistics.median(imports_cpu) * 1000, 1),
        "first_request_cpu_median_ms": round(statistics.median(firsts_cpu) * 1000, 2),
    }


# adversarial families: each builds an input of about n characters meant to make a regex backtrack
FAMILIES: dict[str, Callable[[int], str]] = {
    "email local part, no @": lambda n: "a" * n,
    "email dots": lambda n: "a." * (n // 2) + "@",
    "email many @": lambda n: "a@" * (n // 2),
    "obfuscated email": lambda n: "a [at] " * (n // 7),
    "digit run": lambda n: "1" * n,
    "spaced digits": lambda n: "1 " * (n // 2),
    "dashed digits": lambda n: "1-" * (n // 2),
    "phone parens": lambda n: "(1) " * (n // 4),
    "iban-like": lambda n: "GB82 " + "A1 " * ((n - 5) // 3),
    "ipv4-like": lambda n: "1." * (n // 2),
    "ipv6-like": lambda n: "a:" * (n // 2),
    "secret keyword": lambda n: "password=" * (n // 9),
    "token prefix": lambda n: "ghp_" * (n // 4),
    "jwt-like": lambda n: "eyJ" + "a" * (n - 3),
    "private key headers": lambda n: "-----BEGIN PRIVATE KEY-----" * (n // 27),
    "markdown brackets": lambda n: "![" * (n // 2),
    "markdown link": lambda n: "[a](http://x/" + "a" * (n - 13),
    "many link targets": lambda n: "[a](http://x.example/?q=1) " * (n // 27),
    "unclosed brackets + target": lambda n: "[" * (n - 20) + "](http://x.example/?d)",
    "whitespace": lambda n: " " * n,
    "unicode mix": lambda n: "ａ＠\u200b" * (n // 3),
    "response lock": lambda n: "if I say 'a', you " * (n // 18),
    "made-up news orders": lambda n: "write a false " * (n // 14),
}


_BASELINE = re.compile(r"[A-Za-z0-9]@")
FAIL_ABOVE = 12.0  # growth for 10x the input; linear is 10


def _interleaved(fn: Callable[[str], Any], small: str, large: str, rounds: int) -> tuple[float, float]:
    """Best-of-N timings for both sizes, alternating so that machine noise hits both alike."""
    fn(small)
    best_small = best_large = float("inf")
    # CPU time of this thread: on a shared machine wall time mostly measures other processes
    for _ in range(rounds):
        t = time.thread_time()
        fn(small)
        best_small = min(best_small, time.thread_time() - t)
        t = time.thread_time()
        fn(large)
        best_large = min(best_large, time.thread_time() - t)
    return best_small, best_large


def _steady(fn: Callable[[str], Any], small: str, large: str, rounds: int) -> tuple[float, float]:
    """`_interleaved`, measured again (up to three times, with three times the rounds) while the ratio exceeds
    the gate: other processes only ever add time, so the best of more runs is the better estimate of the cost."""
    t_small, t_large = _interleaved(fn, small, large, rounds)
    for _ in range(3):
        if t_large / t_small <= FAIL_ABOVE:
            break
        again_small, again_large = _interleaved(fn, small, large, rounds * 3)
        t_small, t_large = min(t_small, again_small), min(t_large, again_large)
    return t_small, t_large


def adversarial(quick: bool) -> list[dict[str, Any]]:
    cfg = config.load({})
    screener = Screener(cfg)
    leaks = output.LeakDetector(cfg.system_message(), cfg.canary_token)

    def own(text: str) -> None:
        pii.detect(text)
        secrets.detect(text)
        output.exfiltration(text, ())
        list(leaks.detect(text))

    def pipeline(text: str) -> None:
        screener.screen(text, "output", Redactor())

    def baseline(text: str) -> None:
        # a trivially linear scan over the same bytes: separates memory/cache effects from backtracking
        _BASELINE.search(text)
        text.encode()

    small, large = 2_000, 20_000
    rounds = 3 if quick else 7
    rows = []
    for name, build in FAMILIES.items():
        a, b = build(small), build(large)
        d_small, d_large = _steady(own, a, b, rounds)
        p_small, p_large = _steady(pipeline, a, b, max(2, rounds // 2))
        b_small, b_large = _interleaved(baseline, a, b, rounds * 3)
        base_ratio = b_large / b_small
        biggest = build(65_000)
        worst_case = min(timings(lambda s=biggest: pipeline(s), 2, time.thread_time))  # type: ignore[misc]
        rows.append(
            {
                "family": name,
                "small_chars": len(a),
                "large_chars": len(b),
                "detectors_ms_small": round(d_small * 1000, 3),
                "detectors_ms_large": round(d_large * 1000, 3),
                "detectors_ratio": round(d_large / d_small, 2),
                "baseline_ratio": round(base_ratio, 2),
                "pipeline_ms_large": round(p_large * 1000, 2),
                "pipeline_ratio": round(p_large / p_small, 2),
                "pipeline_ms_65k": round(worst_case * 1000, 1),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer runs (smoke test)")
    parser.add_argument("--guard-only", action="store_true", help="only the latency the guard tier adds")
    args = parser.parse_args()
    if args.guard_only:
        rows = guard_tier(args.quick)
        print(json.dumps(rows, indent=2) if args.json else _guard_table(rows))
        return 0
    report = {
        "python": sys.version.split()[0],
        "latency": latency(args.quick),
        "cold_start": cold_start(args.quick),
        "adversarial": adversarial(args.quick),
        "guard_tier": guard_tier(args.quick),
    }
    worst = max(r["detectors_ratio"] for r in report["adversarial"])
    worst_pipeline = max(r["pipeline_ratio"] for r in report["adversarial"])
    report["worst_ratio"] = {"detectors": worst, "pipeline": worst_pipeline}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"Python {report['python']}")
        print("\nscreening latency in ms (direction input; pipeline = injection + PII + secrets: wall clock and CPU;")
        print("pii+sec = this repository's PII and secret detectors alone, CPU time)")
        print(
            f"{'size':>6} {'p50':>8} {'p99':>8} {'MB/s':>7} {'cpu p50':>8} {'cpu p99':>8} | "
            f"{'pii+sec p50':>11} {'p99':>8} {'MB/s':>7}"
        )
        for r in report["latency"]:
            print(
                f"{r['size']:>6} {r['pipeline_p50_ms']:>8} {r['pipeline_p99_ms']:>8} {r['pipeline_mb_s']:>7} "
                f"{r['pipeline_cpu_p50_ms']:>8} {r['pipeline_cpu_p99_ms']:>8} | "
                f"{r['pii_secrets_p50_ms']:>11} {r['pii_secrets_p99_ms']:>8} {r['pii_secrets_mb_s']:>7}"
            )
        c = report["cold_start"]
        print(
            f"\ncold start (import handler incl. detector warm-up, fresh interpreter): min {c['min_ms']} ms, "
            f"median {c['median_ms']} ms, max {c['max_ms']} ms; first request after it: "
            f"median {c['first_request_median_ms']} ms; CPU time: min {c['cpu_min_ms']} ms, median {c['cpu_median_ms']} ms, "
            f"first request median {c['first_request_cpu_median_ms']} ms"
        )
        print(
            "\nadversarial inputs (2,000 -> 20,000 characters: time ratio, linear ~10; last column: the 64 KB worst case)"
        )
        print(
            f"{'family':<24} {'2K ms':>8} {'20K ms':>8} {'ratio':>6} {'linear-scan ratio':>18} | "
            f"{'pipeline 20K ms':>15} {'ratio':>6} {'pipeline 65K ms':>15}"
        )
        for r in report["adversarial"]:
            print(
                f"{r['family']:<24} {r['detectors_ms_small']:>8} {r['detectors_ms_large']:>8} {r['detectors_ratio']:>6} "
                f"{r['baseline_ratio']:>18} | {r['pipeline_ms_large']:>15} {r['pipeline_ratio']:>6} "
                f"{r['pipeline_ms_65k']:>15}"
            )
        print(f"\nworst ratio: detectors {worst}, full pipeline {worst_pipeline}")
        print(_guard_table(report["guard_tier"]))
    return 1 if max(worst, worst_pipeline) > FAIL_ABOVE else 0


def _guard_table(rows: list[dict[str, Any]]) -> str:
    lines = ["\nguard tier: screening one 2 KB input, in ms (added: paired with the rules alone, run by run)"]
    lines.append(f"{'tier':<34} {'rules p50':>9} {'p50':>8} {'p99':>8} {'added p50':>9} {'added p99':>9}")
    lines += [
        f"{r['tier']:<34} {r['rules_p50_ms']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['added_p50_ms']:>9} {r['added_p99_ms']:>9}"
        for r in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
