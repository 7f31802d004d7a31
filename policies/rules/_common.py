"""Shared helpers: rule metadata, config access, exemptions, joins and policy-document parsing.

Every rule is built with :func:`resource_rule` or :func:`stack_rule`, which add the pack-wide
behaviour in one place: the ``exemptions`` config property, schema defaults (the SDK does not apply
them, the engine does) and the ``Remediation:`` line of every violation message.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pulumi_policy import (
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._controls import fsbp_of

CRITICAL = Severity.CRITICAL
HIGH = Severity.HIGH
MEDIUM = Severity.MEDIUM
LOW = Severity.LOW

# Framework references, "<framework>:<control>".
CIS_AWS = "CIS-AWS-Foundations-3.0"
# How the plan shows a Pulumi secret (its value is not in the plan).
SECRET_MARK = "[secret]"
CIS_EKS = "CIS-EKS-1.5"
OWASP_LLM = "OWASP-LLM-Top10-2025"

TODAY_ENV = "GENAI_POLICY_TODAY"
TYPES_ATTR = "genai_resource_types"
STACK_TYPE = "pulumi:pulumi:Stack"

EXEMPTIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "default": [],
    "description": "Resources exempt from this policy until an expiry date (inclusive).",
    "items": {
        "type": "object",
        "properties": {
            "policy": {"type": "string"},
            "urnPattern": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 1},
            "expires": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        },
        "required": ["urnPattern", "reason", "expires"],
        "additionalProperties": False,
    },
}


@dataclass(frozen=True)
class Example:
    """A resource's inputs beside its rule: ``secure`` ones must pass it, the others must fail it
    (tests/policies/test_examples.py runs every example through the pack)."""

    secure: bool
    inputs: Mapping[str, Any]
    type: str = ""  # default: the rule's first resource type
    what: str = ""


def secure(inputs: Mapping[str, Any], what: str = "", type: str = "") -> Example:
    return Example(True, inputs, type, what)


def insecure(inputs: Mapping[str, Any], what: str = "", type: str = "") -> Example:
    return Example(False, inputs, type, what)


@dataclass(frozen=True)
class Meta:
    name: str
    description: str
    severity: Severity
    frameworks: tuple[str, ...]
    remediation: str
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()

    @property
    def all_frameworks(self) -> tuple[str, ...]:
        """Declared frameworks plus the FSBP controls of the control catalogue."""
        return (*fsbp_of(self.name), *self.frameworks)


@dataclass(frozen=True)
class Registered:
    meta: Meta
    kind: str  # "resource" | "stack"
    types: tuple[str, ...]  # in declaration order; examples default to the first


# Every rule built by resource_rule/stack_rule, by name (docs, profiles and example tests read it).
REGISTRY: dict[str, Registered] = {}


def today() -> date:
    """The evaluation date: ``GENAI_POLICY_TODAY`` (YYYY-MM-DD) when set, for deterministic tests."""
    raw = os.environ.get(TODAY_ENV, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return datetime.now(UTC).date()


def is_exempt(config: Mapping[str, Any], policy: str, urn: str | None) -> bool:
    if not urn:
        return False
    entries = config.get("exemptions") or []
    if not entries or not isinstance(entries, Sequence):
        return False
    now = today()
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        pattern, expires, reason = entry.get("urnPattern"), entry.get("expires"), entry.get("reason")
        if not isinstance(pattern, str) or not isinstance(expires, str) or not reason:
            continue
        if entry.get("policy") not in (None, policy):
            continue
        try:
            if now > date.fromisoformat(expires):
                continue
        except ValueError:
            continue
        if fnmatch.fnmatchcase(urn, pattern):
            return True
    return False


class Config:
    """A policy's config with its schema defaults underneath."""

    def __init__(self, meta: Meta, given: Mapping[str, Any] | None) -> None:
        self._values: dict[str, Any] = {k: v.get("default") for k, v in meta.config.items()}
        self._values.update(dict(given or {}))

    def get(self, key: str) -> Any:
        return self._values.get(key)

    def strings(self, key: str) -> list[str]:
        return [str(v) for v in as_list(self._values.get(key))]

    def number(self, key: str, default: float = 0) -> float:
        value = self._values.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default

    def raw(self) -> Mapping[str, Any]:
        return self._values


# --- property access ----------------------------------------------------------------------------


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping):
        return [value]
    if isinstance(value, Sequence):
        return list(value)
    return [value]


def dig(value: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            items = as_list(value)
            value = items[key] if -len(items) <= key < len(items) else None
        else:
            value = as_map(value).get(key)
        if value is None:
            return None
    return value


def truthy(value: Any) -> bool:
    """True for ``True`` and the string ``"true"`` (some provider fields are strings)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def falsy(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def to_plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [to_plain(v) for v in value]
    return value


def tags_of(props: Mapping[str, Any], provider_props: Mapping[str, Any] | None) -> dict[str, str]:
    """Effective tags: the provider's ``defaultTags.tags`` overlaid with the resource's own ``tags``."""
    merged: dict[str, str] = {}
    default_tags = (provider_props or {}).get("defaultTags")
    if isinstance(default_tags, str):
        # Provider inputs reach the engine as strings; object-valued ones are JSON text.
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            default_tags = None
    for source in (dig(default_tags, "tags"), props.get("tags")):
        for key, value in as_map(source).items():
            if isinstance(value, str):
                merged[str(key)] = value
    return merged


# --- IAM-style policy documents -----------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    principals: tuple[str, ...]
    has_condition: bool
    raw: Mapping[str, Any]

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"


def parse_document(document: Any) -> list[Statement] | None:
    """Statements of a policy document given as JSON text or a mapping; None if unparsable."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    if not isinstance(document, Mapping):
        return None
    statements: list[Statement] = []
    for raw in as_list(document.get("Statement")):
        if not isinstance(raw, Mapping):
            continue
        principal = raw.get("Principal")
        principals: list[str] = []
        if isinstance(principal, str):
            principals.append(principal)
        else:
            for value in as_map(principal).values():
                principals.extend(str(p) for p in as_list(value))
        statements.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=tuple(str(a) for a in as_list(raw.get("Action"))),
                not_actions=tuple(str(a) for a in as_list(raw.get("NotAction"))),
                resources=tuple(str(r) for r in as_list(raw.get("Resource"))),
                principals=tuple(principals),
                has_condition=bool(raw.get("Condition")),
                raw=raw,
            )
        )
    return statements


def public_statements(document: Any) -> list[Statement]:
    """Allow statements open to the principal '*' without any Condition."""
    return [st for st in parse_document(document) or [] if st.allows and "*" in st.principals and not st.has_condition]


def action_matches(pattern: str, action: str) -> bool:
    """Whether an IAM action pattern (which may contain wildcards) grants ``action``."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


# --- building policies --------------------------------------------------------------------------


def _message(meta: Meta, detail: str) -> str:
    return f"{detail}\nRemediation: {meta.remediation}"


def _schema(meta: Meta) -> PolicyConfigSchema:
    return PolicyConfigSchema(
        properties={**{k: dict(v) for k, v in meta.config.items()}, "exemptions": EXEMPTIONS_SCHEMA}
    )


def _framework(meta: Meta) -> PolicyComplianceFramework | None:
    if not meta.all_frameworks:
        return None
    name, _, reference = meta.all_frameworks[0].partition(":")
    return PolicyComplianceFramework(name=name, reference=reference or None)


def _common_kwargs(meta: Meta) -> dict[str, Any]:
    return {
        "name": meta.name,
        "description": meta.description,
        "config_schema": _schema(meta),
        "severity": meta.severity,
        "framework": _framework(meta),
        "tags": [f"framework:{f}" for f in meta.all_frameworks],
        "remediation_steps": meta.remediation,
    }


@dataclass
class Res:
    """What a resource rule sees."""

    type: str
    props: Mapping[str, Any]
    urn: str
    name: str
    provider_props: Mapping[str, Any]
    config: Config

    def tags(self) -> dict[str, str]:
        return tags_of(self.props, self.provider_props)


def environment(res: Res) -> str:
    """The resource's environment: the rule's ``environment`` config property if set, else the
    effective ``Environment`` tag (the resource's own tags over the provider's defaultTags), else the
    stack name (``PULUMI_STACK``, which the engine sets for policy packs)."""
    configured = res.config.get("environment")
    if isinstance(configured, str) and configured:
        return configured
    return res.tags().get("Environment") or os.environ.get("PULUMI_STACK", "")


# The config properties of a rule that is stricter in production (see `environment`).
PRODUCTION_CONFIG: Mapping[str, Mapping[str, Any]] = {
    "productionEnvironments": {"type": "array", "items": {"type": "string"}, "default": ["prod", "production"]},
    "environment": {"type": "string", "default": ""},
}


def in_production(res: Res) -> str | None:
    """The environment's name when it is one of the rule's ``productionEnvironments``, else None."""
    env = environment(res)
    return env if env in res.config.strings("productionEnvironments") else None


ResourceCheck = Callable[[Res], Iterable[str]]


def resource_rule(meta: Meta, types: Iterable[str], check: ResourceCheck) -> ResourceValidationPolicy:
    declared = tuple(types)
    wanted = frozenset(declared)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if wanted and args.resource_type not in wanted:
            return
        given = args.get_config()
        if is_exempt(given, meta.name, args.urn):
            return
        provider_props = args.provider.props if args.provider is not None else {}
        res = Res(args.resource_type, args.props, args.urn, args.name, provider_props, Config(meta, given))
        for detail in check(res):
            report(_message(meta, detail), None)

    REGISTRY[meta.name] = Registered(meta, "resource", declared)
    policy = ResourceValidationPolicy(validate=validate, **_common_kwargs(meta))
    # The dispatching servicer (_dispatch.py) calls the policy only for these types.
    setattr(policy, TYPES_ATTR, wanted)
    return policy


class Stack:
    """What a stack rule sees, with lookups indexed once per evaluation (no O(n²) joins)."""

    def __init__(self, resources: Sequence[PolicyResource], config: Config) -> None:
        self.resources = resources
        self.config = config
        self._by_type, self._refs = _index(resources)

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    def stack_urn(self) -> str | None:
        roots = self._by_type.get(STACK_TYPE, [])
        return roots[0].urn if roots else None

    def referencing(self, target: PolicyResource, source_type: str, prop: str) -> list[PolicyResource]:
        """Resources of ``source_type`` whose property ``prop`` depends on ``target``."""
        key = (source_type, prop)
        index = self._refs.get(key)
        if index is None:
            index = {}
            for source in self._by_type.get(source_type, []):
                for dep in source.property_dependencies.get(prop, []):
                    index.setdefault(dep.urn, []).append(source)
            self._refs[key] = index
        return index.get(target.urn, [])


_Refs = dict[tuple[str, str], dict[str, list[PolicyResource]]]
_LAST_INDEX: list[tuple[Sequence[PolicyResource], dict[str, list[PolicyResource]], _Refs]] = []


def _index(resources: Sequence[PolicyResource]) -> tuple[dict[str, list[PolicyResource]], _Refs]:
    """The by-type index and join cache, shared by every stack policy of one AnalyzeStack call (the
    dispatching servicer hands them all the same list)."""
    if _LAST_INDEX and _LAST_INDEX[0][0] is resources:
        return _LAST_INDEX[0][1], _LAST_INDEX[0][2]
    by_type: dict[str, list[PolicyResource]] = {}
    for r in resources:
        by_type.setdefault(r.resource_type, []).append(r)
    refs: _Refs = {}
    _LAST_INDEX[:] = [(resources, by_type, refs)]
    return by_type, refs


StackCheck = Callable[[Stack], Iterable[tuple[str | None, str]]]


def stack_rule(meta: Meta, check: StackCheck) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        given = args.get_config()
        stack = Stack(args.resources, Config(meta, given))
        for urn, detail in check(stack):
            target = urn or stack.stack_urn()
            if is_exempt(given, meta.name, target):
                continue
            report(_message(meta, detail), target)

    REGISTRY[meta.name] = Registered(meta, "stack", ())
    return StackValidationPolicy(validate=validate, **_common_kwargs(meta))
