"""`genai-platform state-policy --bucket B --account A [--preview-role-arn ARN]`: print the state bucket's
policy (each role limited to its own stacks' state; `stacks/state_backend.py`), for
`aws s3api put-bucket-policy --bucket B --policy file://policy.json` when bootstrapping (docs/deploy.md)."""

from __future__ import annotations

import argparse
import re
import sys

from stacks.state_backend import default_principals, render, state_bucket_policy

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bucket", required=True, help="the state bucket's name")
    p.add_argument("--account", required=True, help="the 12-digit account ID the runner roles live in")
    p.add_argument("--region", default="eu-west-1", help="the account stage's stack (its region)")
    p.add_argument("--preview-role-arn", default=None, help="the pull-request preview role, if any")


def run(args: argparse.Namespace) -> int:
    problems = [
        f"--{name}: {value!r} is invalid; expected {hint}"
        for name, value, pattern, hint in (
            ("bucket", args.bucket, _BUCKET, "an S3 bucket name"),
            ("account", args.account, _ACCOUNT, "12 digits"),
            ("region", args.region, _REGION, "a region such as eu-west-1"),
        )
        if not pattern.match(value)
    ]
    if args.preview_role_arn is not None and not _ROLE.match(args.preview_role_arn):
        problems.append(
            f"--preview-role-arn: {args.preview_role_arn!r} is invalid; expected arn:aws:iam::<account>:role/<name>"
        )
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    principals = default_principals(args.account, args.region, args.preview_role_arn)
    print(render(state_bucket_policy(args.bucket, principals)))
    return 0
