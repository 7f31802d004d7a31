"""`genai-platform preview`: the offline preview of every stage, with the policy pack evaluated by default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.policy.profiles import PROFILES, default_profile
from infra.preview.engine import PreviewError, RunOptions, preview, write_plan
from stacks.stages import STAGE_NAMES, Stage

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACK = PROJECT_ROOT / "policies"
# Each stage is checked with its own policy config (policies/config/<stage>.json, the `platform`
# profile for this project's stacks): the stack rules that need a resource present (trail, detector)
# apply to the stage that owns it, and the NVIDIA device plugin's dated, reasoned exemptions to the
# cluster stage. Another team's program (--program) gets the `baseline` profile.

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
SKIP_TEARDOWN = True  # its packs are closed and its plan written before `run` returns (infra/cli.py)


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

    from infra.policy import PackProcess, PolicyPackError, evaluate_plan
    from infra.policy.runner import pack_env
    from infra.preview.stages import prepare_fork, preview_stages, stage_stacks

    # One pack process per stack name (the only environment the rules read), started now so it
    # loads while the providers are imported; each stage's child connects to it and evaluates its
    # own plan while the next stage runs (this process never opens a gRPC channel, as it forks).
    packs: dict[str, PackProcess] = {}
    try:
        stages = stage_stacks(args.stack, args.stage)
        configs = {} if args.no_policy else {s.name: _stage_policy_config(args, s) for s, _ in stages}
        for stage, stack in stages:
            if not args.no_policy and stack not in packs:
                packs[stack] = PackProcess(args.policy_pack, env=pack_env(stage.project, stack))
                packs[stack].spawn()
        prepare_fork(len(stages))
        for pack in packs.values():
            pack.wait_port()

        def evaluate(stage: Stage, plan: dict[str, Any]) -> dict[str, Any] | None:
            if stage.name not in configs or (args.stage and stage.name not in args.stage):
                return None
            try:
                section = evaluate_plan(
                    plan, args.policy_pack, policy_config=configs[stage.name], pack=packs[str(plan["stack"])]
                )
            except PolicyPackError as err:
                return {"error": str(err)}
            return {"section": section}

        plans = preview_stages(args.stack, args.stage, fork=True, follow_up=evaluate)
        return _report_stages(args, plans)
    except (PreviewError, PolicyPackError) as err:
        print(f"error: {'policy pack: ' if isinstance(err, PolicyPackError) else ''}{err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        for pack in packs.values():
            pack.close()


def _stage_policy_config(args: argparse.Namespace, stage: Stage) -> dict[str, Any]:
    """The profile's policy config (a platform stage's own file for the platform's stacks, with the
    default pack), with `--policy-config` layered over it."""
    from infra.policy import load_policy_config
    from infra.policy.profiles import profile_config

    profile = args.profile or default_profile(own_program=True)
    if profile == "platform" and args.policy_pack == DEFAULT_PACK:
        return {**load_policy_config(stage.policy_config), **load_policy_config(args.policy_config)}
    return profile_config(profile, args.policy_config)


def _run_program(args: argparse.Namespace) -> int:
    """Preview another team's program in this process, its pack loading meanwhile."""
    from infra.policy import PackProcess, PolicyPackError
    from infra.policy.runner import pack_env
    from infra.preview import lazy_annotations

    lazy_annotations.install()
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
        return _report(args, plan, pack=pack)
    except (PreviewError, PolicyPackError) as err:
        print(f"error: {'policy pack: ' if isinstance(err, PolicyPackError) else ''}{err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if pack is not None:
            pack.close()


def _report_stages(args: argparse.Namespace, plans: list[Any]) -> int:
    from infra.preview.stages import combined_plan

    selected = set(args.stage or STAGE_NAMES)
    shown = [p for p in plans if p.stage.name in selected]
    status = EXIT_OK
    for i, staged in enumerate(shown):
        if i:
            print()
        print(f"=== stage {staged.stage.name}: {staged.plan['project']}/{staged.stack} ===")
        status = max(status, _report(args, staged.plan, evaluated=staged.follow_up, write=False))
        if status == EXIT_ERROR:
            return status
    if args.json:
        document = shown[0].plan if len(shown) == 1 else combined_plan(args.stack, shown)
        return max(status, _write(document, args.json))
    return status


def _report(
    args: argparse.Namespace,
    plan: dict[str, Any],
    *,
    evaluated: dict[str, Any] | None = None,
    write: bool = True,
    pack: Any = None,
) -> int:
    """Print one plan and its policy result (stored in `plan["policy"]`); write it with --json.

    `evaluated`: the policy section already computed (`{"section": ...}` or `{"error": ...}`);
    otherwise the plan is evaluated here with the profile's config (`pack`: a spawned pack)."""
    from infra.preview.render import render_plan

    for warning in plan.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    text = render_plan(plan)
    print(text.split("\n\nResources (")[0] if args.quiet else text)
    status = EXIT_OK
    if not args.no_policy:
        from infra.policy import PolicyPackError, evaluate_plan, render_policy_text
        from infra.policy.profiles import profile_config

        try:
            if evaluated is None:
                config = profile_config(args.profile or default_profile(own_program=False), args.policy_config)
                evaluated = {"section": evaluate_plan(plan, args.policy_pack, policy_config=config, pack=pack)}
        except PolicyPackError as err:
            evaluated = {"error": str(err)}
        if "error" in evaluated:
            print(f"error: policy pack: {evaluated['error']}", file=sys.stderr)
            return EXIT_ERROR
        section = evaluated["section"]
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
