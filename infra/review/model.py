"""One internal model for the three plan formats the review reads.

* the plan document of `genai-platform preview --json` (docs/plan-format.md);
* the output of `pulumi preview --json` (`steps[]` with `op`, `urn`, `oldState`/`newState`);
* a `pulumi stack export` (`{"version": 3, "deployment": {"resources": [...]}}`).

Each becomes a :class:`Plan`: urn → :class:`Resource` (type and inputs). Secrets are masked while
loading, so no later stage can print them: values Pulumi marks secret become ``"[secret]"`` and values
that look like credentials become ``"[redacted]"``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The marks below are placeholders and Pulumi's public secret signature, not credentials.
SECRET = "[secret]"  # nosec B105
REDACTED = "[redacted]"
UNKNOWN = "[unknown]"

# The signature Pulumi puts on secret values in state and in `pulumi preview --json`.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # nosec B105
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # nosec B105
# The value Pulumi uses for outputs unknown during preview.
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "import-replacement"})
DELETE_OPS = frozenset({"delete", "delete-replaced", "discard", "discard-replaced", "read-discard"})


class PlanError(ValueError):
    """The input is not a plan the review can read; the message is one line."""


@dataclass
class Resource:
    urn: str
    type: str
    inputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Violation:
    policy: str
    severity: str
    urn: str
    message: str


@dataclass
class Plan:
    format: str
    stack: str
    resources: dict[str, Resource] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    # URNs the engine reported as replaced (only `pulumi preview --json` says so).
    replaced: set[str] = field(default_factory=set)
    # `pulumi preview --json` lists only the steps it shows (no `same` steps by default): it is a
    # change set to apply to the state it was computed from, not a whole stack.
    partial: bool = False
    deleted: set[str] = field(default_factory=set)


def overlay(base: Plan, head: Plan) -> Plan:
    """HEAD as a whole stack: a partial HEAD (a pulumi preview) applied on top of BASE."""
    if not head.partial:
        return head
    resources = {urn: res for urn, res in base.resources.items() if urn not in head.deleted}
    resources.update(head.resources)
    return Plan(
        format=head.format,
        stack=head.stack or base.stack,
        resources=resources,
        violations=head.violations,
        replaced=set(head.replaced),
    )


# ---------------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------------

_CREDENTIAL_PATTERNS = (
    re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b"),  # AWS access key ids
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),  # GitHub tokens
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),  # Slack tokens
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b"),  # JWTs
    re.compile(r"\bsk-[A-Za-z0-9_-]{20,}\b"),  # API keys of common LLM vendors
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"),
)
_SENSITIVE_KEY = re.compile(r"(pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)", re.IGNORECASE)
# ARNs, URLs, image references and the like are long and varied but not credentials.
_BENIGN_SHAPES = re.compile(r"^(arn:|https?://|s3://|sha256:|[a-z0-9.-]+/[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$)")


def shannon_entropy(text: str) -> float:
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def looks_like_credential(value: str, path: str) -> bool:
    """True for strings that should never be printed, whatever Pulumi thinks of them."""
    if any(p.search(value) for p in _CREDENTIAL_PATTERNS):
        return True
    in_env = bool(re.search(r"(^|\.)(environment|variables|env|environmentVariables)(\.|$)", path))
    last = path.rsplit(".", 1)[-1]
    if (in_env or _SENSITIVE_KEY.search(last)) and not _BENIGN_SHAPES.match(value):
        token = value.strip()
        if _SENSITIVE_KEY.search(last) and len(token) >= 8 and " " not in token:
            return True
        if len(token) >= 20 and " " not in token and shannon_entropy(token) >= 3.5:
            return True
    return False


def _is_secret_sig(value: Mapping[str, Any]) -> bool:
    return value.get(SECRET_SIG_KEY) == SECRET_SIG


def mask(value: Any, path: str = "", secret_paths: frozenset[str] = frozenset()) -> Any:
    """A copy of `value` with secrets, credentials and unknowns replaced by marks."""
    if path in secret_paths:
        return SECRET
    if isinstance(value, Mapping):
        if _is_secret_sig(value):
            return SECRET
        return {str(k): mask(v, f"{path}.{k}" if path else str(k), secret_paths) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, f"{path}[{i}]", secret_paths) for i, v in enumerate(value)]
    if isinstance(value, str):
        if value == UNKNOWN_VALUE:
            return UNKNOWN
        if value == SECRET:
            return SECRET
        if looks_like_credential(value, path):
            return REDACTED
    return value


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


def load_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PlanError(f"{path}: cannot read ({type(err).__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanError(f"{path}: not JSON (line {err.lineno}: {err.msg})") from None
    except RecursionError:
        raise PlanError(f"{path}: JSON nested too deeply") from None
    try:
        return parse_plan(data, str(path))
    except PlanError:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as err:
        raise PlanError(f"{path}: malformed plan ({type(err).__name__})") from None


def parse_plan(data: Any, source: str = "plan") -> Plan:
    if not isinstance(data, dict):
        raise PlanError(f"{source}: unrecognised format (expected a JSON object)")
    if isinstance(data.get("resources"), list) and (
        "schemaVersion" in data or data.get("tool") == "genai-platform preview"
    ):
        return _from_genai_plan(data)
    if isinstance(data.get("steps"), list):
        return _from_pulumi_preview(data)
    deployment = data.get("deployment") if "deployment" in data else None
    if isinstance(deployment, dict) and isinstance(deployment.get("resources", []), list):
        return _from_stack_export(deployment)
    if isinstance(data.get("manifest"), dict) and isinstance(data.get("resources"), list):
        return _from_stack_export(data)  # the `deployment` object on its own
    raise PlanError(
        f"{source}: unrecognised format (expected a genai-platform preview plan, `pulumi preview --json` "
        "output or a `pulumi stack export`)"
    )


def _stack_of(urn: str) -> str:
    parts = urn.split("::")
    return parts[0].removeprefix("urn:pulumi:") if parts and parts[0].startswith("urn:pulumi:") else ""


def _resource(
    urn: Any, rtype: Any, inputs: Any, secret_paths: Any = (), protect: Any = False, retain: Any = False
) -> Resource:
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        raise PlanError(f"resource with an invalid urn: {str(urn)[:80]!r}")
    if not isinstance(rtype, str) or not rtype:
        rtype = urn.split("::")[-2].rsplit("$", 1)[-1] if urn.count("::") >= 3 else "unknown"
    paths = frozenset(p for p in secret_paths or () if isinstance(p, str))
    masked = mask(inputs if isinstance(inputs, dict) else {}, "", paths)
    return Resource(urn=urn, type=rtype, inputs=masked, protect=protect is True, retain_on_delete=retain is True)


def _violations(policy: Any) -> list[Violation]:
    items: Any = policy.get("violations") if isinstance(policy, dict) else policy
    found = []
    for v in items if isinstance(items, list) else []:
        if isinstance(v, dict) and isinstance(v.get("policy"), str):
            found.append(
                Violation(
                    policy=v["policy"],
                    severity=str(v.get("severity", "medium")).lower(),
                    urn=str(v.get("urn") or ""),
                    message=str(mask(str(v.get("message", "")), "message")),
                )
            )
    return found


def _from_genai_plan(data: dict[str, Any]) -> Plan:
    plan = Plan(format="genai-preview", stack=str(data.get("stack") or ""))
    for r in data["resources"]:
        if not isinstance(r, dict):
            raise PlanError("plan resource is not an object")
        res = _resource(
            r.get("urn"),
            r.get("type"),
            r.get("inputs"),
            r.get("secretPaths"),
            r.get("protect"),
            r.get("retainOnDelete"),
        )
        plan.resources[res.urn] = res
    plan.violations = _violations(data.get("policy"))
    return plan


def _from_pulumi_preview(data: dict[str, Any]) -> Plan:
    plan = Plan(format="pulumi-preview", stack="", partial=True)
    for step in data["steps"]:
        if not isinstance(step, dict):
            raise PlanError("preview step is not an object")
        op = str(step.get("op", ""))
        urn = step.get("urn")
        if op in REPLACE_OPS and isinstance(urn, str):
            plan.replaced.add(urn)
        if op in DELETE_OPS:
            if op in ("delete", "discard", "read-discard") and isinstance(urn, str):
                plan.deleted.add(urn)
            continue
        state = step.get("newState") or (step.get("oldState") if op in ("same", "refresh", "read") else None)
        if not isinstance(state, dict):
            continue
        res = _resource(
            state.get("urn", urn),
            state.get("type"),
            state.get("inputs"),
            (),
            state.get("protect"),
            state.get("retainOnDelete"),
        )
        plan.resources[res.urn] = res
    if plan.resources:
        plan.stack = _stack_of(next(iter(sorted(plan.resources))))
    plan.violations = _violations(data.get("policy"))
    return plan


def _from_stack_export(deployment: dict[str, Any]) -> Plan:
    plan = Plan(format="stack-export", stack="")
    for r in deployment.get("resources") or []:
        if not isinstance(r, dict):
            raise PlanError("state resource is not an object")
        if r.get("delete") is True:  # pending deletion of a replaced resource
            continue
        res = _resource(r.get("urn"), r.get("type"), r.get("inputs"), (), r.get("protect"), r.get("retainOnDelete"))
        plan.resources[res.urn] = res
    if plan.resources:
        plan.stack = _stack_of(next(iter(sorted(plan.resources))))
    return plan
