"""Stage plans, the check registry and violations: what every contract check reads and returns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from infra.preview.mocks import ACCOUNT_ID, CALLER_ROLE_ARN

Plan = Mapping[str, Any]
Document = dict[str, Any]

# Scopes of a stage: an `account` stage is deployed once per account and region, an `environment`
# stage once per environment (dev, prod), a `cluster` stage once per environment into its cluster.
ACCOUNT_SCOPE, ENVIRONMENT_SCOPE, CLUSTER_SCOPE = "account", "environment", "cluster"
# Environments whose data must survive a destroy; every other environment must be destroyable and
# recreatable the same day.
DATA_KEEPING_ENVIRONMENTS = frozenset({"prod"})

_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user|root)(/.*)?$")


@dataclass(frozen=True)
class Resource:
    """One resource of a plan, with the stage it belongs to."""

    stage: str
    raw: Mapping[str, Any]

    @property
    def urn(self) -> str:
        return str(self.raw["urn"])

    @property
    def type(self) -> str:
        return str(self.raw["type"])

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    @property
    def inputs(self) -> Mapping[str, Any]:
        value = self.raw.get("inputs")
        return value if isinstance(value, Mapping) else {}

    @property
    def outputs(self) -> Mapping[str, Any]:
        value = self.raw.get("outputs")
        return value if isinstance(value, Mapping) else {}

    @property
    def arn(self) -> str | None:
        value = self.outputs.get("arn")  # an `arn` input refers to another resource (a topic policy's topic)
        return value if isinstance(value, str) else None

    @property
    def dependencies(self) -> list[str]:
        return [str(d) for d in self.raw.get("dependencies") or []]

    def property_dependencies(self, prop: str) -> list[str]:
        deps = self.raw.get("propertyDependencies") or {}
        return [str(d) for d in deps.get(prop) or []]

    @property
    def protect(self) -> bool:
        return bool(self.raw.get("protect"))

    @property
    def retain_on_delete(self) -> bool:
        return bool(self.raw.get("retainOnDelete"))

    def document(self, prop: str) -> Document | None:
        """A policy document input, parsed; None when absent (unknown during preview) or not JSON."""
        value = self.inputs.get(prop)
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                return None
            return parsed if isinstance(parsed, dict) else None
        return dict(value) if isinstance(value, Mapping) else None


@dataclass(frozen=True)
class StagePlan:
    """The plan of one stage (a Pulumi project) for one environment."""

    stage: str
    scope: str
    plan: Plan

    @property
    def environment(self) -> str:
        value = self.plan.get("config", {}).get("genai-platform:environment")
        return value if isinstance(value, str) else str(self.plan.get("stack", ""))

    @property
    def region(self) -> str:
        value = self.plan.get("config", {}).get("aws:region")
        return value if isinstance(value, str) else "us-east-1"

    @cached_property
    def resources(self) -> list[Resource]:
        return [Resource(self.stage, r) for r in self.plan.get("resources", [])]

    def configured_arns(self) -> set[str]:
        """Every IAM principal ARN written in the stack config (external principals)."""
        found: set[str] = set()
        for value in self.plan.get("config", {}).values():
            _collect_arns(value, found)
        return found


def _collect_arns(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        try:
            parsed = json.loads(value) if value[:1] in "[{" else None
        except ValueError:
            parsed = None
        if parsed is not None:
            _collect_arns(parsed, found)
        elif _IAM_ARN.match(value):
            found.add(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect_arns(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_arns(item, found)


@dataclass
class Deployment:
    """All stage plans of one environment: what the checks evaluate together."""

    stages: Sequence[StagePlan]
    account: str = ACCOUNT_ID

    @property
    def deployer(self) -> str:
        """The IAM role that runs `pulumi up`: `deploy.roleArn` when configured, else the mock's caller
        identity. Its identity policy is outside the plan; it is taken to allow everything
        (AdministratorAccess), so only resource and key policies limit it."""
        scoped = [s for s in self.stages if s.scope == ENVIRONMENT_SCOPE]
        raw = scoped[0].plan.get("config", {}).get("genai-platform:deploy") if scoped else None
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = None
        role = raw.get("roleArn") if isinstance(raw, dict) else None
        return role if isinstance(role, str) and role else CALLER_ROLE_ARN

    @property
    def environment(self) -> str:
        """The environment of the environment-scoped stage (the account stage's stack is a region)."""
        scoped = [s for s in self.stages if s.scope == ENVIRONMENT_SCOPE] or self.stages
        return scoped[0].environment if scoped else ""

    @property
    def region(self) -> str:
        return self.stages[0].region if self.stages else "us-east-1"

    @property
    def keeps_data(self) -> bool:
        return self.environment in DATA_KEEPING_ENVIRONMENTS

    @cached_property
    def resources(self) -> list[Resource]:
        return [r for s in self.stages for r in s.resources]

    @cached_property
    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    @cached_property
    def by_arn(self) -> dict[str, Resource]:
        return {r.arn: r for r in self.resources if r.arn}

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types)

    def named(self, name: str) -> Resource | None:
        """The resource with this logical name (`{env}` is replaced by the environment)."""
        wanted = name.format(env=self.environment)
        return next((r for r in self.resources if r.name == wanted and r.raw.get("custom")), None)

    @cached_property
    def configured_arns(self) -> set[str]:
        return {arn for s in self.stages for arn in s.configured_arns()}

    def stage_of(self, resource: Resource) -> StagePlan:
        return next(s for s in self.stages if s.stage == resource.stage)

    def depends_on(self, resource: Resource, target_urn: str) -> bool:
        """Whether `resource` waits for `target_urn`, directly or through other resources."""
        seen: set[str] = set()
        todo = list(resource.dependencies)
        while todo:
            urn = todo.pop()
            if urn == target_urn:
                return True
            if urn in seen:
                continue
            seen.add(urn)
            dep = self.by_urn.get(urn)
            if dep is not None:
                todo.extend(dep.dependencies)
        return False


@dataclass(frozen=True)
class Violation:
    check: str
    stage: str
    resource: str
    """The resource's logical name (stable across stacks' URN prefixes once `{env}` is substituted)."""
    urn: str
    message: str

    def key(self) -> tuple[str, str, str]:
        return (self.check, self.stage, self.resource)


@dataclass(frozen=True)
class Check:
    """A named contract check. `examples` say, in words, one plan that passes and one that fails."""

    id: str
    title: str
    source: str
    """The issue item the check comes from, e.g. `13 build 3a`."""
    passes: str
    fails: str
    run: Callable[[Deployment], list[Violation]] = field(repr=False, compare=False)


def violation(check: str, resource: Resource, message: str) -> Violation:
    return Violation(check, resource.stage, resource.name, resource.urn, message)
