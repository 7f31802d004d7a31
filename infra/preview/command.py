"""`genai-platform preview`: the offline preview, with the policy pack evaluated by default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.preview.engine import PreviewError, RunOptions, preview, write_plan

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROGRAM = PROJECT_ROOT / "infra"
DEFAULT_PACK = PROJECT_ROOT / "policies"
# The platform's own policy config: its dated, reasoned exemptions (the NVIDIA device plugin).
PLATFORM_POLICY_CONFIG = DEFAULT_PACK / "config" / "platform.json"

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack", default="dev", help="stack to preview (default: dev); reads Pulumi.<stack>.yaml")
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
        help="set a config value, as `pulumi config set` (repeatable; KEY without ':' is the project's)",
    )
    p.add_argument(
        "--config-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="config from a YAML/JSON file: a Pulumi.<stack>.yaml or a flat mapping (repeatable)",
    )
    p.add_argument(
        "--mock-values",
        type=Path,
        metavar="FILE",
        help='JSON: invoke token -> result fields, e.g. {"aws:route53/getZone:getZone": {"zoneId": "Z123"}}',
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
    own_program = args.program is None
    program: Path = DEFAULT_PROGRAM if own_program else args.program
    try:
        plan = preview(
            program,
            args.stack,
            require_stack_file=own_program,
            options=RunOptions(tuple(args.config), tuple(args.config_file), args.mock_values),
        )
    except PreviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR

    for warning in plan.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    from infra.preview.render import render_plan

    text = render_plan(plan)
    print(text.split("\n\nResources (")[0] if args.quiet else text)
    status = EXIT_OK
    if not args.no_policy:
        from infra.policy import PolicyPackError, evaluate_plan, load_policy_config, render_policy_text

        try:
            config_file = args.policy_config
            if config_file is None and own_program and args.policy_pack == DEFAULT_PACK:
                config_file = PLATFORM_POLICY_CONFIG
            section = evaluate_plan(plan, args.policy_pack, policy_config=load_policy_config(config_file))
        except PolicyPackError as err:
            print(f"error: policy pack: {err}", file=sys.stderr)
            return EXIT_ERROR
        plan["policy"] = section
        print()
        print(render_policy_text(section), end="")
        status = EXIT_VIOLATIONS if section["summary"]["mandatory"] else EXIT_OK
    if args.json:
        try:
            write_plan(plan, args.json)
        except PreviewError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_ERROR
        print(f"plan written to {args.json}")
    return status
