"""`genai-platform preview`: the offline preview of every stage, with the policy pack evaluated by default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.policy.profiles import PROFILES, default_profile
from infra.preview.engine import PreviewError, RunOptions, preview, write_plan
from stacks.stages import STAGE_NAMES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACK = PROJECT_ROOT / "policies"
# Each stage is checked with its own policy config (policies/config/<stage>.json, the `platform`
# profile for this project's stacks): the stack rules that need a resource present (trail, detector)
# apply to the stage that owns it, and the NVIDIA device plugin's dated, reasoned exemptions to the
# cluster stage. Another team's program (--program) gets the `baseline` profile.

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
    p.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with --program: set a config value, as `pulumi config set` (repeatable; KEY without ':' is the project's)",
    )
    p.add_argument(
        "--config-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="with --program: config from a YAML/JSON file, a Pulumi.<stack>.yaml or a flat mapping (repeatable)",
    )
    p.add_argument(
        "--mock-values",
        type=Path,
        metavar="FILE",
        help='with --program: JSON, invoke token -> result fields, e.g. {"aws:route53/getZone:getZone": {"zoneId": "Z1"}}',
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the plan document (docs/plan-format.md)")
    p.add_argument(
        "--policy-pack", type=Path, default=DEFAULT_PACK, metavar="DIR", help="policy pack (default: policies/)"
    )
    p.add_argument(
        "--profile",
        choices=PROFILES,
        help="policy profile: baseline (any team's program; the default with --program) or platform "
        "(this platform's stages, each with its own config; the default otherwise)",
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
        return _run_program(args)
    if args.config or args.config_file or args.mock_values:
        print("error: --config, --config-file and --mock-values apply to --program", file=sys.stderr)
        return EXIT_ERROR

    from infra.policy import PackProcess, PolicyPackError
    from infra.policy.runner import pack_env
    from infra.preview.stages import preview_stages, stage_stacks

    # One pack process per stack name (the only environment the rules read), started now so it
    # loads while the stages are previewed, and connected only after the stages' forks.
    packs: dict[str, PackProcess] = {}
    try:
        if not args.no_policy:
            for stage, stack in stage_stacks(args.stack, args.stage):
                if stack not in packs:
                    packs[stack] = PackProcess(args.policy_pack, env=pack_env(stage.project, stack))
                    packs[stack].spawn()
        plans = preview_stages(args.stack, args.stage, fork=True)
        return _report_stages(args, plans, packs)
    except (PreviewError, PolicyPackError) as err:
        print(f"error: {'policy pack: ' if isinstance(err, PolicyPackError) else ''}{err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        for pack in packs.values():
            pack.close()


def _run_program(args: argparse.Namespace) -> int:
    """Preview another team's program in this process, its pack loading meanwhile."""
    from infra.policy import PackProcess, PolicyPackError
    from infra.policy.runner import pack_env

    pack = None
    try:
        if not args.no_policy:
            # The stack's project is known only after the run; the rules read only the stack name.
            pack = PackProcess(args.policy_pack, env=pack_env("", args.stack))
            pack.spawn()
        plan = preview(
            args.program,
            args.stack,
            options=RunOptions(tuple(args.config), tuple(args.config_file), args.mock_values),
        )
        return _report(args, plan, args.profile or default_profile(own_program=False), args.policy_config, pack=pack)
    except (PreviewError, PolicyPackError) as err:
        print(f"error: {'policy pack: ' if isinstance(err, PolicyPackError) else ''}{err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if pack is not None:
            pack.close()


def _report_stages(args: argparse.Namespace, plans: list[Any], packs: dict[str, Any]) -> int:
    from infra.preview.stages import combined_plan

    selected = set(args.stage or STAGE_NAMES)
    shown = [p for p in plans if p.stage.name in selected]
    status = EXIT_OK
    for i, staged in enumerate(shown):
        if i:
            print()
        print(f"=== stage {staged.stage.name}: {staged.plan['project']}/{staged.stack} ===")
        profile = args.profile or default_profile(own_program=True)
        stage_config = (
            staged.stage.policy_config if profile == "platform" and args.policy_pack == DEFAULT_PACK else None
        )
        status = max(
            status,
            _report(
                args, staged.plan, profile, args.policy_config, stage_config, write=False, pack=packs.get(staged.stack)
            ),
        )
        if status == EXIT_ERROR:
            return status
    if args.json:
        document = shown[0].plan if len(shown) == 1 else combined_plan(args.stack, shown)
        return max(status, _write(document, args.json))
    return status


def _report(
    args: argparse.Namespace,
    plan: dict[str, Any],
    profile: str,
    user_config: Path | None,
    stage_config: Path | None = None,
    *,
    write: bool = True,
    pack: Any = None,
) -> int:
    """Print one plan and its policy result (stored in `plan["policy"]`); write it with --json.

    The policy config is the profile's (a platform stage's own file for the platform's stacks), with
    `--policy-config` layered over it."""
    from infra.preview.render import render_plan

    for warning in plan.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    text = render_plan(plan)
    print(text.split("\n\nResources (")[0] if args.quiet else text)
    status = EXIT_OK
    if not args.no_policy:
        from infra.policy import PolicyPackError, evaluate_plan, load_policy_config, render_policy_text
        from infra.policy.profiles import profile_config

        try:
            if stage_config is not None:
                config = {**load_policy_config(stage_config), **load_policy_config(user_config)}
            else:
                config = profile_config(profile, user_config)
            section = evaluate_plan(plan, args.policy_pack, policy_config=config, pack=pack)
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
