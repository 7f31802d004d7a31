"""`python deploy_harness.py PROJECT_DIR STACK up|preview`: run the platform program under mocks as a
real `pulumi up` (dry run off) or a preview would, and print what happened as JSON."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from infra.preview.engine import stack_outputs_of
from infra.preview.mocks import PlatformMocks
from infra.preview.stages import preview_stages
from stacks.stack_config import find_project_file, read_stack_config

ROOT = Path(__file__).resolve().parents[3]


class Counting(PlatformMocks):
    def __init__(self, region: str, stack_outputs: dict[str, dict[str, Any]]) -> None:
        super().__init__(region, stack_outputs)
        self.registered: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args.typ)
        return super().new_resource(args)


def main(project_dir: str, stack: str, mode: str) -> None:
    config, _ = read_stack_config(find_project_file(Path(project_dir)), stack, required=True)
    strings = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    pulumi.runtime.set_all_config(strings, [])
    # The platform reads the account stage's outputs: preview that stage first, as the deploy order does.
    account = preview_stages(stack, ["account"])[0]
    outputs = {f"{account.stage.project}/{account.stack}": stack_outputs_of(account.plan)}
    mocks = Counting(str(config.get("aws:region", "eu-west-1")), outputs)
    pulumi.runtime.set_mocks(mocks, project="genai-platform", stack=stack, preview=mode == "preview")
    error = None
    try:
        _sync_await(run_pulumi_func(lambda: runpy.run_path(str(ROOT / "infra" / "__main__.py"), run_name="__main__")))
    except pulumi.RunError as err:
        error = str(err)
    print(json.dumps({"error": error, "registered": len(mocks.registered)}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
