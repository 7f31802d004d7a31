"""`genai-platform preflight --stack STACK [--aws]`: list what a real deploy needs that is missing.

Exit 0 when nothing is missing, 1 when something is (or the settings are invalid), 2 on usage errors
(no such stack file, no AWS credentials with --aws).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stacks.prerequisites import (
    CHECK,
    MISSING,
    OK,
    UNKNOWN,
    Prerequisite,
    lambda_reservations,
    offline_prerequisites,
)
from stacks.settings import PlatformSettings, SettingsError, settings_from_config
from stacks.stack_config import StackConfigError, find_project_file, read_stack_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXIT_OK, EXIT_MISSING, EXIT_ERROR = 0, 1, 2
LABELS = {MISSING: "MISSING", CHECK: "CHECK", UNKNOWN: "UNKNOWN", OK: "OK"}


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack", required=True, help="the stack to check; reads Pulumi.<stack>.yaml")
    p.add_argument("--aws", action="store_true", help="also check the account (roles, images, quotas) with boto3")
    p.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_ROOT,
        metavar="DIR",
        help="the folder with Pulumi.yaml and the stack files (default: this platform)",
    )


def render(stack: str, settings: PlatformSettings, items: list[Prerequisite], *, online: bool) -> str:
    where = "against the account" if online else "offline"
    lines = [f"preflight: stack {stack} (environment {settings.environment}, {settings.region}), {where}"]
    order = {MISSING: 0, UNKNOWN: 1, CHECK: 2, OK: 3}
    for item in sorted(items, key=lambda i: order[i.status]):
        stage = f"  [{item.stage} stage]" if item.stage != "platform" else ""
        lines.append(f"{LABELS[item.status]:<8} {item.subject}{stage}")
        lines.append(f"         {item.problem}")
        if item.fix:
            lines.append(f"         fix: {item.fix}")
    counts = {status: sum(1 for i in items if i.status == status) for status in LABELS}
    lines.append(
        f"{counts[MISSING]} missing, {counts[UNKNOWN]} could not be checked, {counts[CHECK]} to check with --aws, "
        f"{counts[OK]} ok"
    )
    if counts[MISSING]:
        lines.append("not ready: a real deploy would fail; fix the items above (docs/preflight.md)")
    elif counts[UNKNOWN]:
        lines.append("nothing missing, but check the UNKNOWN items yourself before deploying")
    return "\n".join(lines)


def plan_reservations(stack: str, project_dir: Path) -> tuple[dict[str, int] | None, str]:
    """Reserved concurrency by function from the platform stage's offline preview, or None and why not."""
    from infra.preview.engine import PreviewError
    from infra.preview.stages import preview_stages

    try:
        plans = preview_stages(stack, ["platform"], platform_dir=project_dir)
    except PreviewError as err:
        return None, str(err)
    platform = next(p for p in plans if p.stage.name == "platform")
    return lambda_reservations(platform.plan["resources"]), ""


def run(args: argparse.Namespace) -> int:
    try:
        project_file = find_project_file(args.project_dir)
        config, _ = read_stack_config(project_file, args.stack, required=True)
    except StackConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    try:
        settings_from_config(config, args.stack)  # invalid settings are reported before any preview
        reservations, why_not = plan_reservations(args.stack, args.project_dir)
        settings, items = offline_prerequisites(config, args.stack, reservations)
    except SettingsError as err:
        print(f"preflight: stack {args.stack}: the settings are invalid; fix these first:", file=sys.stderr)
        for problem in err.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_MISSING
    if reservations is None:
        items.append(
            Prerequisite(
                UNKNOWN,
                "quota",
                "lambda L-B99A9384 (Concurrent executions)",
                f"the plan could not be previewed, so the functions' reserved concurrency is unknown: {why_not}",
                "fix the preview (`genai-platform preview --stack " + args.stack + "`), then rerun preflight",
            )
        )
    if args.aws:
        from infra.preflight.aws import AccountError, check_account

        try:
            items = [i for i in items if i.status != CHECK] + check_account(settings, reservations)
        except AccountError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_ERROR
    print(render(args.stack, settings, items, online=args.aws))
    return EXIT_MISSING if any(i.status == MISSING for i in items) else EXIT_OK
