"""`genai-platform preview`: the offline preview of every stage, with the policy pack evaluated by default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.preview.engine import PreviewError, preview, write_plan
from stacks.stages import STAGE_NAMES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACK = PROJECT_ROOT / "policies"
# Each stage is checked with its own policy config (policies/config/<stage>.json): the stack rules
# that need a resource present (trail, detector) apply to the stage that owns it, and the NVIDIA
# device plugin's dated, reasoned exemptions to the cluster stage.

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stack", default="dev", help="environment to preview (default: dev); reads Pulumi.<stack>.yaml of each stage"
    )
    p.add_argument(
        "--stage",
        action="append",
        choices=STAGE_NAMES,
        help="preview only this stage (repeatable; upstream stages are previewed too, for their outputs); "
        "default: every stage (docs/deploy.md)",
    )
    p.add_argument(
        "--program",
        type=Path,
        default=None,
        help="a Pulumi Python program folder (with or under a Pulumi.yaml); default: this platform",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the plan document (docs/plan-format.md)")
    p.add_argument(
        "--policy-pack", type=Path, default=DEFAULT_PACK, metavar="DIR", help="policy pack (default: policies/)"
    )
    p.add_argument(
        "--policy-config", type=Path, metavar="FILE", help="policy pack config JSON, as --policy-pack-config"
    )
    p.add_argument("--no-policy", action="store_true", help="skip policy evaluation")
    p.add_argument("--quiet", action="store_true", help="print only the summary and the policy result")


def run(args: argparse.Namespace) -> int:
    if args.program is not None:
        if args.stage:
            print("error: --stage applies to this platform's stages, not to --program", file=sys.stderr)
            return EXIT_ERROR
        try:
            plan = preview(args.program, args.stack)
        except PreviewError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_ERROR
        return _report(args, plan, args.policy_config)

    from infra.preview.stages import combined_plan, preview_stages

    try:
        plans = preview_stages(args.stack, args.stage)
    except PreviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    selected = set(args.stage or STAGE_NAMES)
    shown = [p for p in plans if p.stage.name in selected]
    status = EXIT_OK
    for i, staged in enumerate(shown):
        if i:
            print()
        print(f"=== stage {staged.stage.name}: {staged.plan['project']}/{staged.stack} ===")
        config = args.policy_config
        if config is None and args.policy_pack == DEFAULT_PACK:
            config = staged.stage.policy_config
        status = max(status, _report(args, staged.plan, config, write=False))
        if status == EXIT_ERROR:
            return status
    if args.json:
        document = shown[0].plan if len(shown) == 1 else combined_plan(args.stack, shown)
        return max(status, _write(document, args.json))
    return status


def _report(args: argparse.Namespace, plan: dict[str, Any], config_file: Path | None, *, write: bool = True) -> int:
    """Print one plan and its policy result (stored in `plan["policy"]`); write it with --json."""
    from infra.preview.render import render_plan

    text = render_plan(plan)
    print(text.split("\n\nResources (")[0] if args.quiet else text)
    status = EXIT_OK
    if not args.no_policy:
        from infra.policy import PolicyPackError, evaluate_plan, load_policy_config, render_policy_text

        try:
            section = evaluate_plan(plan, args.policy_pack, policy_config=load_policy_config(config_file))
        except PolicyPackError as err:
            print(f"error: policy pack: {err}", file=sys.stderr)
            return EXIT_ERROR
        plan["policy"] = section
        print()
        print(render_policy_text(section), end="")
        status = EXIT_VIOLATIONS if section["summary"]["mandatory"] else EXIT_OK
    if write and args.json:
        return max(status, _write(plan, args.json))
    return status


def _write(document: dict[str, Any], path: Path) -> int:
    try:
        write_plan(document, path)
    except PreviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(f"plan written to {path}")
    return EXIT_OK
