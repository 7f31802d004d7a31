"""`genai-platform audit`: verify a deployed account against the platform's security baseline.

Exit codes: 0 every check passed, 1 a check failed or could not be evaluated (error), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

from infra.audit.api import Aws
from infra.audit.checks import ERROR, FAIL, PASS, SECTIONS, CheckResult, run_audit
from stacks.settings import AWS_REGIONS, ENVIRONMENTS, PlatformSettings, SettingsError, settings_from_config
from stacks.stack_config import StackConfigError, find_project_file, read_stack_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.description = "Check a deployed environment against the platform baseline (read-only AWS calls)."
    p.add_argument(
        "--stack",
        default="dev",
        choices=ENVIRONMENTS,
        help="the stack whose settings define the baseline (default dev)",
    )
    p.add_argument("--region", help="AWS region (default: the stack's region setting)")
    p.add_argument("--endpoint-url", help="send every AWS call to this endpoint (e.g. a moto server)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--max-attempts", type=int, default=5, help="botocore standard-mode attempts per call (default 5)")
    p.add_argument(
        "--only",
        action="append",
        choices=[name for name, _ in SECTIONS],
        default=[],
        help="run only these check groups (repeatable)",
    )
    p.add_argument("--project-dir", type=Path, default=None, help="where Pulumi.yaml is (default: this checkout)")


def load_settings(stack: str, project_dir: Path | None) -> PlatformSettings:
    project_file = find_project_file(project_dir or PROJECT_ROOT)
    config, _ = read_stack_config(project_file, stack, required=False)
    return settings_from_config(config, stack)


def _usage(message: str) -> int:
    print(f"genai-platform audit: {message}", file=sys.stderr)
    return 2


def render_text(results: list[CheckResult], *, stack: str, region: str) -> str:
    mark = {PASS: "PASS ", FAIL: "FAIL ", ERROR: "ERROR"}
    lines = [f"genai-platform audit: stack {stack}, region {region}"]
    width = max((len(r.check) for r in results), default=10)
    lines += [f"{mark[r.status]}  {r.check:<{width}}  {r.resource}  {r.detail}" for r in results]
    counts = {s: sum(r.status == s for r in results) for s in (PASS, FAIL, ERROR)}
    lines.append(f"{len(results)} checks: {counts[PASS]} passed, {counts[FAIL]} failed, {counts[ERROR]} errors")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, *, aws: Aws | None = None) -> int:
    try:
        settings = load_settings(args.stack, args.project_dir)
    except (StackConfigError, SettingsError) as err:
        return _usage(str(err).splitlines()[0] if isinstance(err, StackConfigError) else "; ".join(err.problems))
    region = args.region or settings.region
    if region not in AWS_REGIONS:
        return _usage(f"unknown region {region!r}")
    if args.endpoint_url is not None:
        parsed = urlparse(args.endpoint_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return _usage(f"--endpoint-url must be an http(s) URL, got {args.endpoint_url!r}")
    if not 1 <= args.max_attempts <= 20:
        return _usage("--max-attempts must be between 1 and 20")
    if aws is None:
        aws = Aws(region, args.endpoint_url, max_attempts=args.max_attempts)
    if not aws.has_credentials():
        return _usage("no AWS credentials found (environment, profile or instance role)")
    results = run_audit(aws, settings, tuple(args.only))
    if args.json:
        doc = {
            "schemaVersion": 1,
            "tool": "genai-platform audit",
            "stack": args.stack,
            "region": region,
            "passed": all(r.status == PASS for r in results),
            "summary": {s: sum(r.status == s for r in results) for s in (PASS, FAIL, ERROR)},
            "results": [r.as_dict() for r in results],
        }
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_text(results, stack=args.stack, region=region))
    return 0 if results and all(r.status == PASS for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genai-platform audit")
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
