"""Offline preview of the deployment's stages, in deploy order, each stage's stack references answered
from the previewed outputs of the stage before it (stacks/stages.py)."""

from __future__ import annotations

import ast
import functools
import gc
import importlib
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.preview import lazy_annotations
from infra.preview.engine import (
    PLAN_SCHEMA_VERSION,
    ForkedPreview,
    PreviewError,
    preview_in_subprocess,
    program_entry,
    stack_outputs_of,
    without_cyclic_gc,
)
from stacks.stack_config import StackConfigError, find_project_file, read_stack_config
from stacks.stages import PLATFORM, STAGES, Stage


@dataclass
class StagePlan:
    stage: Stage
    stack: str
    plan: dict[str, Any]
    follow_up: Any = None


def environment_region(environment: str, platform_dir: Path = PLATFORM.folder) -> str:
    """The region of an environment (its account stage's stack name), from the platform stack file."""
    try:
        config, _ = read_stack_config(find_project_file(platform_dir), environment, required=True)
    except StackConfigError as err:
        raise PreviewError(str(err)) from None
    region = config.get("aws:region")
    if not isinstance(region, str) or not region:
        from stacks.settings import DEFAULTS

        region = str(DEFAULTS.get(environment, DEFAULTS["dev"])["region"])
    return region


# Provider submodules the stages use (`aws.ec2.`, `k8s.core.v1.`): each costs up to a second to import.
_AWS_MODULE = re.compile(r"\baws\.([a-z][a-z0-9_]*)\.")
_K8S_MODULE = re.compile(r"\bk8s\.([a-z][a-z0-9_]*)\.(v[0-9a-z]+)\.")
SOURCES = ("components", "stacks", "stages")


def _entry_imports() -> set[str]:
    """The project modules the stages' programs import (`from stacks.platform import ...`)."""
    modules: set[str] = set()
    for stage in STAGES:
        entry = ast.parse(program_entry(find_project_file(stage.folder)).read_text(encoding="utf-8"))
        for node in entry.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in SOURCES:
                modules.add(node.module)
    return modules


def preload_stage_modules(root: Path = PLATFORM.folder) -> None:
    """Import the provider modules the stages' sources name, and the project modules their programs
    import, once, before the stages are forked (engine.ForkedPreview), instead of once in every
    stage's process."""
    modules = {"pulumi", "pulumi_aws", *_entry_imports()}
    for folder in SOURCES:
        for source in (root / folder).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            modules.update(f"pulumi_aws.{m}" for m in _AWS_MODULE.findall(text))
            modules.update(f"pulumi_kubernetes.{g}.{v}" for g, v in _K8S_MODULE.findall(text))
    with without_cyclic_gc():
        for module in sorted(modules):
            try:
                importlib.import_module(module).__all__  # noqa: B018 - touching an attribute loads a lazy module
            except (ImportError, AttributeError):
                continue  # the stage's own run reports a missing module
    gc.freeze()  # what every child shares: its collections need not walk it (nor copy its pages)


def prepare_fork(stages: int) -> None:
    """Before forking `stages` children: import the providers with postponed annotations, and
    preload what the stages share (one stage imports only what it uses, in its own child).
    Idempotent: the command calls it early, to start its policy packs meanwhile."""
    lazy_annotations.install()
    if stages > 1:
        _preload_once()


@functools.cache
def _preload_once() -> None:
    preload_stage_modules()


def needed(selected: Sequence[str]) -> list[Stage]:
    """The selected stages and every stage upstream of them, in deploy order."""
    wanted = set(selected)
    for s in reversed(STAGES):
        if s.name in wanted and s.upstream:
            wanted.add(s.upstream)
    return [s for s in STAGES if s.name in wanted]


def stage_stacks(
    environment: str, selected: Sequence[str] | None = None, *, platform_dir: Path | None = None
) -> list[tuple[Stage, str]]:
    """The stages to preview for `selected` (default: all), in deploy order, with their stack names."""
    region = environment_region(environment, platform_dir or PLATFORM.folder)
    return [(s, s.stack_for(environment, region)) for s in needed(selected or [s.name for s in STAGES])]


def preview_stages(
    environment: str,
    selected: Sequence[str] | None = None,
    *,
    platform_dir: Path | None = None,
    fork: bool = False,
    follow_up: Callable[[Stage, dict[str, Any]], Any] | None = None,
) -> list[StagePlan]:
    """Preview `selected` stages (default: all) for one environment, one process per stage.

    `fork`: the command's way: import the provider modules once here, then fork a child per stage
    (engine.ForkedPreview). Only for a process that has run no program and holds no gRPC channel,
    so other callers (tests, harnesses) get a fresh interpreter per stage.
    `follow_up(stage, plan)`: run on each stage's plan, in the stage's child when forked (while the
    next stage runs); its result is the StagePlan's `follow_up`.
    `platform_dir` replaces the platform stage's project folder (a test copy with other settings).
    """
    folder = platform_dir or PLATFORM.folder
    outputs: dict[str, dict[str, Any]] = {}
    plans: list[StagePlan] = []
    stages = stage_stacks(environment, selected, platform_dir=platform_dir)
    if fork:
        prepare_fork(len(stages))
    children: list[ForkedPreview] = []
    try:
        for stage, stack in stages:
            program = folder if stage is PLATFORM else stage.folder
            try:
                if fork and hasattr(os, "fork"):
                    then = functools.partial(follow_up, stage) if follow_up is not None else None
                    children.append(
                        ForkedPreview(program, stack, require_stack_file=True, stack_outputs=outputs, follow_up=then)
                    )
                    plan = children[-1].plan()
                else:
                    plan = preview_in_subprocess(program, stack, require_stack_file=True, stack_outputs=outputs)
            except PreviewError as err:
                raise PreviewError(f"{stage.name} stage ({stage.project}/{stack}): {err}") from None
            plan["stage"] = stage.name
            outputs[f"{stage.project}/{stack}"] = stack_outputs_of(plan)
            plans.append(StagePlan(stage, stack, plan))
        for i, staged in enumerate(plans):
            if children:
                try:
                    staged.follow_up = children[i].follow_up()
                except PreviewError as err:
                    raise PreviewError(
                        f"{staged.stage.name} stage ({staged.stage.project}/{staged.stack}): {err}"
                    ) from None
            elif follow_up is not None:
                staged.follow_up = follow_up(staged.stage, staged.plan)
    finally:
        for child in children:
            child.kill()
    return plans


def combined_plan(environment: str, plans: Sequence[StagePlan]) -> dict[str, Any]:
    """One plan document for several stages: every resource (URNs carry their project), and a
    `stages` list with each stage's project, stack, summary and policy section."""
    resources = sorted((r for p in plans for r in p.plan["resources"]), key=lambda r: str(r["urn"]))
    by_type: Counter[str] = Counter()
    for p in plans:
        by_type.update(p.plan["summary"]["byType"])
    document: dict[str, Any] = {
        "schemaVersion": PLAN_SCHEMA_VERSION,
        "tool": "genai-platform preview",
        "project": PLATFORM.project,
        "stack": environment,
        "stages": [
            {
                "stage": p.stage.name,
                "project": p.plan["project"],
                "stack": p.stack,
                "summary": p.plan["summary"],
                **({"policy": p.plan["policy"]} if "policy" in p.plan else {}),
            }
            for p in plans
        ],
        "config": next((p.plan["config"] for p in plans if p.stage is PLATFORM), {}),
        "summary": {"resources": sum(by_type.values()), "byType": dict(sorted(by_type.items()))},
        "resources": resources,
    }
    sections = [p.plan["policy"] for p in plans if "policy" in p.plan]
    if sections:
        violations = [v for s in sections for v in s["violations"]]
        document["policy"] = {
            **sections[-1],
            "violations": violations,
            "summary": {
                "mandatory": sum(s["summary"]["mandatory"] for s in sections),
                "advisory": sum(s["summary"]["advisory"] for s in sections),
                "byPolicy": dict(sorted(Counter(v["policy"] for v in violations).items())),
            },
        }
    return document
