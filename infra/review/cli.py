"""`genai-platform review BASE HEAD`: a security-focused diff of two plans for a pull-request comment.

Exit codes: 0 nothing high or critical, 1 a high or critical risk (require an approval), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.review.analyze import analyse, blocking
from infra.review.model import PlanError, load_plan, overlay
from infra.review.render import DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, to_json, to_markdown


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Compare two plans (genai-platform preview JSON, `pulumi preview --json` output or `pulumi stack export`) "
        "and report what changes security, most serious first. Exit 1 when a change is rated high or critical."
    )
    p.add_argument("base", type=Path, help="the plan or state before the change (e.g. the base branch's plan)")
    p.add_argument("head", type=Path, help="the plan after the change")
    p.add_argument("--json", dest="json_out", metavar="FILE", help="also write the findings as JSON ('-' for stdout)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the Markdown comment to FILE instead of stdout")
    p.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        help=f"cap on the comment length (default {DEFAULT_MAX_CHARS}; GitHub's limit is {GITHUB_COMMENT_LIMIT})",
    )


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    if not 1000 <= args.max_chars <= GITHUB_COMMENT_LIMIT:
        print(f"genai-platform review: --max-chars must be between 1000 and {GITHUB_COMMENT_LIMIT}", file=sys.stderr)
        return 2
    try:
        base = load_plan(args.base)
        head = load_plan(args.head)
    except PlanError as err:
        print(f"genai-platform review: {err}", file=sys.stderr)
        return 2
    head = overlay(base, head)
    findings = analyse(base, head)
    stack = head.stack or base.stack
    markdown = to_markdown(findings, stack=stack, max_chars=args.max_chars)
    try:
        if args.json_out:
            doc = to_json(findings, base=str(args.base), head=str(args.head), stack=stack)
            _write(args.json_out, json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        if args.json_out != "-":
            _write(args.output or "-", markdown)
    except OSError as err:
        print(f"genai-platform review: cannot write output ({err.strerror or type(err).__name__})", file=sys.stderr)
        return 2
    return 1 if blocking(findings) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genai-platform review")
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
