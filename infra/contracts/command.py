"""`genai-platform contracts --stack STACK`: the deploy-contract and lifecycle checks on every stage."""

from __future__ import annotations

import argparse
import sys

from infra.contracts.checks import CHECKS, run_checks
from infra.contracts.stages import deployment
from infra.preview.engine import PreviewError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack", default="dev", help="stack to check (default: dev); reads Pulumi.<stack>.yaml")
    p.add_argument("--list", action="store_true", help="list the checks and exit")


def run(args: argparse.Namespace) -> int:
    if args.list:
        for check in CHECKS:
            print(f"{check.id:40} {check.title} [{check.source}]")
        return EXIT_OK
    try:
        bundle = deployment(args.stack)
    except PreviewError as err:
        print(f"error: {str(err).removeprefix('error: ')}", file=sys.stderr)
        return EXIT_ERROR
    violations = run_checks(bundle)
    for v in violations:
        print(f"[{v.check}] {v.stage}:{v.resource}\n    {v.message}")
    stages = ", ".join(s.stage for s in bundle.stages)
    print(f"\n{len(violations)} contract violation(s) in stack {args.stack} (stages: {stages})")
    return EXIT_VIOLATIONS if violations else EXIT_OK
