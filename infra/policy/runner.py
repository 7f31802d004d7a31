"""Evaluate a recorded plan (docs/plan-format.md) against a policy pack, as the engine would."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from infra.policy.config import LEVEL_NAMES, configure_request
from infra.policy.errors import PolicyPackError
from infra.policy.process import PackProcess, check_pack_dir

STACK_TYPE = "pulumi:pulumi:Stack"
SEVERITIES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "unspecified": 4}
REMEDIATION_MARK = "\nRemediation: "


def _struct(value: Any, where: str) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    try:
        json_format.ParseDict(value if isinstance(value, dict) else {}, struct)
    except (json_format.ParseError, TypeError, ValueError) as exc:
        raise PolicyPackError(f"plan: inputs of {where} cannot be sent to the pack: {exc}") from None
    return struct


def _resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(plan, dict) or not isinstance(plan.get("resources"), list):
        raise PolicyPackError("plan has no 'resources' list (see docs/plan-format.md)")
    resources: list[dict[str, Any]] = plan["resources"]
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("urn"), str) or not isinstance(r.get("type"), str):
            raise PolicyPackError(f"plan: resources[{i}] lacks a string 'urn' and 'type'")
    return resources


# The engine's placeholder for a value that is unknown during preview (pulumi.runtime.rpc).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def with_unknowns(r: dict[str, Any]) -> dict[str, Any]:
    """The inputs as the engine sends them: the plan drops an input computed from an unknown value
    (docs/plan-format.md) but keeps its property dependency, so such an input is sent as the
    engine's unknown placeholder. A rule reading it gets the SDK's "can't run policy during
    preview" advisory instead of treating a computed value as absent."""
    inputs = dict(r.get("inputs") or {})
    for key, urns in (r.get("propertyDependencies") or {}).items():
        if urns and key not in inputs:
            inputs[key] = UNKNOWN
    return inputs


class _Converter:
    """Plan resources → Analyzer protobuf messages, converting each resource's inputs once."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self.by_urn = {r["urn"]: r for r in resources}
        self._props: dict[str, struct_pb2.Struct] = {}
        self._providers: dict[str, Any] = {}

    def props(self, r: dict[str, Any]) -> struct_pb2.Struct:
        urn = r["urn"]
        if urn not in self._props:
            self._props[urn] = _struct(with_unknowns(r), urn)
        return self._props[urn]

    def provider(self, r: dict[str, Any]) -> Any:
        ref = r.get("provider")
        if not isinstance(ref, str) or not ref:
            return None
        if ref not in self._providers:
            urn = ref.rsplit("::", 1)[0] if ref.count("::") >= 4 else ref
            target = self.by_urn.get(urn)
            message = analyzer_pb2.AnalyzerProviderResource(urn=urn)
            if target is not None:
                message.type = target["type"]
                message.name = str(target.get("name") or "")
                message.properties.CopyFrom(self.props(target))
            else:
                message.type = "pulumi:providers:" + urn.rsplit("::", 2)[-2].rsplit(":", 1)[-1]
                message.name = urn.rsplit("::", 1)[-1]
            self._providers[ref] = message
        return self._providers[ref]

    def options(self, r: dict[str, Any]) -> Any:
        return analyzer_pb2.AnalyzerResourceOptions(protect=bool(r.get("protect")), parent=r.get("parent") or "")

    def analyze_request(self, r: dict[str, Any]) -> Any:
        request = analyzer_pb2.AnalyzeRequest(
            type=r["type"], urn=r["urn"], name=str(r.get("name") or ""), options=self.options(r)
        )
        request.properties.CopyFrom(self.props(r))
        provider = self.provider(r)
        if provider is not None:
            request.provider.CopyFrom(provider)
        return request

    def stack_resource(self, r: dict[str, Any]) -> Any:
        message = analyzer_pb2.AnalyzerResource(
            type=r["type"],
            urn=r["urn"],
            name=str(r.get("name") or ""),
            options=self.options(r),
            parent=r.get("parent") or "",
            dependencies=[str(d) for d in r.get("dependencies") or []],
        )
        message.properties.CopyFrom(self.props(r))
        provider = self.provider(r)
        if provider is not None:
            message.provider.CopyFrom(provider)
        for key, urns in (r.get("propertyDependencies") or {}).items():
            message.propertyDependencies[key].urns.extend(str(u) for u in urns)
        return message


def _pack_version(pack_dir: Path, reported: str) -> str:
    try:
        data = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyPackError(f"cannot read {pack_dir / 'PulumiPolicy.yaml'}: {exc}") from None
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if version else reported


def _violation(diag: Any, info: dict[str, Any], by_urn: dict[str, dict[str, Any]], urn: str) -> dict[str, Any]:
    meta = info.get(diag.policyName, {})
    text = diag.message
    if diag.description and text.startswith(diag.description):
        text = text[len(diag.description) :].lstrip("\n")
    detail, _, remediation = text.partition(REMEDIATION_MARK)
    resource = by_urn.get(urn, {})
    return {
        "policy": diag.policyName,
        "severity": SEVERITIES.get(diag.severity, "unspecified")
        if diag.severity
        else meta.get("severity", "unspecified"),
        "enforcementLevel": LEVEL_NAMES.get(diag.enforcementLevel, "advisory"),
        "urn": urn,
        "type": resource.get("type", ""),
        "name": resource.get("name", ""),
        "message": detail.strip() or diag.description,
        "remediation": remediation.strip() or meta.get("remediation", ""),
        "description": diag.description or meta.get("description", ""),
        "frameworks": meta.get("frameworks", []),
    }


def _sort_key(v: dict[str, Any]) -> tuple[Any, ...]:
    return (
        v["enforcementLevel"] != "mandatory",
        SEVERITY_ORDER.get(v["severity"], 9),
        v["policy"],
        v["urn"],
        v["message"],
    )


def policy_info(info: Any) -> dict[str, dict[str, Any]]:
    return {
        p.name: {
            "description": p.description,
            "severity": SEVERITIES.get(p.severity, "unspecified"),
            "remediation": p.remediation_steps,
            "frameworks": [t.split(":", 1)[1] for t in p.tags if t.startswith("framework:")],
            "type": "stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
            "enforcementLevel": LEVEL_NAMES.get(p.enforcementLevel, "advisory"),
        }
        for p in info.policies
    }


def run_pack(
    pack: PackProcess,
    plan: dict[str, Any],
    user_config: dict[str, Any],
    *,
    analyze_only: set[str] | None = None,
    analyze_stack: bool = True,
) -> dict[str, Any]:
    """Configure a started pack and evaluate ``plan``; the pack can be reused for another plan.

    For incremental re-evaluation, ``analyze_only`` limits the per-resource ``Analyze`` calls to
    those URNs, and ``analyze_stack=False`` skips the stack policies; the result then holds only the
    violations of the policies that ran."""
    with pack.exclusive():
        return _run_pack(pack, plan, user_config, analyze_only=analyze_only, analyze_stack=analyze_stack)


def _run_pack(
    pack: PackProcess,
    plan: dict[str, Any],
    user_config: dict[str, Any],
    *,
    analyze_only: set[str] | None,
    analyze_stack: bool,
) -> dict[str, Any]:
    resources = _resources(plan)
    info = pack.info()
    request, _ = configure_request(info, user_config)
    pack.call("Configure", request)
    pack.call(
        "ConfigureStack",
        analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=str(plan.get("stack") or ""),
            project=str(plan.get("project") or ""),
            dry_run=True,
            config={k: str(v) for k, v in (plan.get("config") or {}).items()},
        ),
    )
    converter = _Converter(resources)
    meta = policy_info(info)
    violations: list[dict[str, Any]] = []
    analysed = [r for r in resources if r["type"] != STACK_TYPE and (analyze_only is None or r["urn"] in analyze_only)]
    responses = pack.call_many("Analyze", (converter.analyze_request(r) for r in analysed))
    for r, response in zip(analysed, responses, strict=True):
        # Resource policies report an empty URN; the engine fills in the analysed resource.
        violations.extend(_violation(d, meta, converter.by_urn, d.urn or r["urn"]) for d in response.diagnostics)
    if analyze_stack:
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[converter.stack_resource(r) for r in resources])
        response = pack.call("AnalyzeStack", stack_request)
        violations.extend(_violation(d, meta, converter.by_urn, d.urn) for d in response.diagnostics)
    violations.sort(key=_sort_key)
    levels = Counter(v["enforcementLevel"] for v in violations)
    return {
        "pack": info.name,
        "version": _pack_version(pack.pack_dir, info.version),
        "policies": len(meta),
        "violations": violations,
        "summary": {
            "mandatory": levels.get("mandatory", 0),
            "advisory": levels.get("advisory", 0),
            "byPolicy": dict(sorted(Counter(v["policy"] for v in violations).items())),
        },
    }


def pack_env(project: str, stack: str) -> dict[str, str]:
    """The environment the engine gives a pack for a stack."""
    return {"PULUMI_PROJECT": project, "PULUMI_STACK": stack, "PULUMI_DRY_RUN": "true"}


def evaluate_plan(
    plan: dict[str, Any],
    pack_dir: Path,
    *,
    policy_config: dict[str, Any] | None = None,
    pack: PackProcess | None = None,
) -> dict[str, Any]:
    """The ``policy`` section of the plan document: run the pack over ``plan`` and collect violations.

    ``pack``: a pack process started (or spawned) for the plan's stack, reused and left running."""
    _resources(plan)
    if pack is not None:
        pack.start()
        return run_pack(pack, plan, policy_config or {})
    check_pack_dir(Path(pack_dir))
    env = pack_env(str(plan.get("project") or ""), str(plan.get("stack") or ""))
    with PackProcess(Path(pack_dir), env=env) as started:
        return run_pack(started, plan, policy_config or {})
