"""`genai-platform policy`: evaluate a recorded plan (a `preview --json` file) against the pack."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_PACK = Path(__file__).resolve().parents[2] / "policies"
PLATFORM_PROJECT = "genai-platform"


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan", type=Path, help="a plan JSON file (genai-platform preview --json, docs/plan-format.md)")
    p.add_argument(
        "--profile",
        choices=("baseline", "platform"),
        help="rule set: 'baseline' for any team's program, 'platform' for this platform's stacks "
        "(default: platform when the plan's project is genai-platform, else baseline)",
    )
    p.add_argument("--policy-config", type=Path, metavar="FILE", help="config layered over the profile")
    p.add_argument(
        "--policy-pack", type=Path, default=DEFAULT_PACK, metavar="DIR", help="policy pack (default: policies/)"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the policy section as JSON")


def _plan(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read plan {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ValueError(f"plan {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"plan {path} must be a JSON object (docs/plan-format.md)")
    return data


def run(args: argparse.Namespace) -> int:
    from infra.policy import PolicyPackError, evaluate_plan, render_policy_text
    from infra.policy.profiles import default_profile, profile_config

    try:
        plan = _plan(args.plan)
        profile = args.profile or default_profile(plan.get("project") == PLATFORM_PROJECT)
        config = profile_config(profile, args.policy_config)
        section = evaluate_plan(plan, args.policy_pack, policy_config=config)
    except (ValueError, PolicyPackError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    section["profile"] = profile
    if args.json is not None:
        args.json.write_text(json.dumps(section, indent=2) + "\n", encoding="utf-8")
    print(f"profile: {profile}")
    print(render_policy_text(section), end="")
    return 1 if section["summary"]["mandatory"] else 0
