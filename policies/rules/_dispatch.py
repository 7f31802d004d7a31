"""One deserialization per resource: an Analyzer servicer that dispatches by resource type.

The SDK's servicer converts a resource's property struct (and its provider's) once per policy:
70 times per ``Analyze`` and once per stack policy for every resource in ``AnalyzeStack``. This
subclass converts each resource once per call, hands the same read-only view to every policy and
calls a resource policy only for the types it declares (``resource_rule`` records them). Levels,
config, reporting and the unknown-value / not-applicable diagnostics are the SDK's own methods, so
the engine sees the same responses, except that integral numbers are ints (``number``). ``install()`` swaps it in before ``PolicyPack`` is built; if
the SDK's internals are not the ones this was written against, the stock servicer stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from inspect import isawaitable
from typing import Any

import pulumi_policy.policy as _sdk_module
from google.protobuf import json_format
from pulumi_policy.deserialize import SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy, unknown_checking_proxy

from ._common import TYPES_ATTR

sdk: Any = _sdk_module  # private SDK names, checked by compatible()
_BASE: Any = getattr(sdk, "_PolicyAnalyzerServicer", None)
_PRIVATE = "_PolicyAnalyzerServicer__"


def _props(message: Any) -> Any:
    """The SDK's view of a property struct (unknown-checking proxies over plain values), built in one
    pass; structs with special signatures (assets, archives, secrets) take the SDK's own path."""
    try:
        return _proxy_struct(message, [])
    except _Special:
        return unknown_checking_proxy(ints_restored(deserialize_properties(json_format.MessageToDict(message))))


def number(value: float) -> int | float:
    """A Struct number as the program wrote it: every number crosses gRPC as a float, so an
    integral one (a port, a count) is restored to an int, and messages print 22, not 22.0."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def ints_restored(value: Any) -> Any:
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict):
        return {k: ints_restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ints_restored(v) for v in value]
    return value


_BY_URN: dict[str, tuple[bytes, Any]] = {}


def _resource_props(urn: str, message: Any) -> Any:
    """``_props`` for a resource, reused between its ``Analyze`` and the ``AnalyzeStack`` that
    follows when the struct is byte-for-byte the same."""
    key = message.SerializeToString(deterministic=True)
    cached = _BY_URN.get(urn)
    if cached is not None and cached[0] == key:
        return cached[1]
    if len(_BY_URN) >= 100_000:
        _BY_URN.clear()
    props = _props(message)
    _BY_URN[urn] = (key, props)
    return props


class _Special(Exception):
    pass


def _proxy_struct(struct: Any, path: list[str]) -> Any:
    fields = struct.fields
    if SPECIAL_SIG_KEY in fields:
        raise _Special
    return _DictProxy({k: _proxy_value(v, path, k) for k, v in fields.items()}, path)


def _proxy_value(value: Any, path: list[str], key: str | int) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return _proxy_struct(value.struct_value, [*path, str(key)])
    if kind == "list_value":
        inner = [*path, str(key)]
        return _ListProxy([_proxy_value(v, inner, i) for i, v in enumerate(value.list_value.values)], inner)
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        return number(value.number_value)
    return None


class DispatchingServicer(_BASE):  # type: ignore[misc]
    def _private(self, name: str) -> Any:
        return getattr(self, _PRIVATE + name)

    def _by_type(self) -> tuple[dict[str, list[Any]], list[Any], list[Any]]:
        """(resource policies by declared type, resource policies for every type, stack policies)."""
        cached: tuple[dict[str, list[Any]], list[Any], list[Any]] | None = getattr(self, "_genai_index", None)
        if cached is None:
            typed: dict[str, list[Any]] = {}
            untyped: list[Any] = []
            stack: list[Any] = []
            for policy in self._private("policies"):
                if isinstance(policy, sdk.StackValidationPolicy):
                    stack.append(policy)
                elif isinstance(policy, sdk.ResourceValidationPolicy):
                    types = getattr(policy, TYPES_ATTR, None)
                    if types:
                        for t in types:
                            typed.setdefault(t, []).append(policy)
                    else:
                        untyped.append(policy)
            cached = (typed, untyped, stack)
            self._genai_index = cached
        return cached

    def _run(self, response: Any, policy: Any, call: Callable[[Any], Any]) -> None:
        level = self._get_enforcement_level(policy)
        if level == sdk.EnforcementLevel.REMEDIATE:
            level = sdk.EnforcementLevel.MANDATORY
        report = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
        try:
            result = call(report)
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                loop.run_until_complete(result)
                loop.close()
        except UnknownValueError as e:
            pack, version = self._private("policy_pack_name"), self._private("policy_pack_version")
            response.diagnostics.append(
                sdk.proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=pack,
                    policyPackVersion=version,
                    message=f"can't run policy '{policy.name}' from policy pack '{pack}@v{version}' "
                    f"during preview: {e.message}",
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY),
                )
            )
        except sdk._NotApplicableError as e:
            response.not_applicable.append(
                sdk.proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or "")
            )

    def Analyze(self, request: Any, _context: Any) -> Any:
        self._configure_runtime_settings()
        response = sdk.proto.AnalyzeResponse()
        typed, untyped, _ = self._by_type()
        wanted = [
            p
            for p in (*typed.get(request.type, ()), *untyped)
            if self._get_enforcement_level(p) != sdk.EnforcementLevel.DISABLED
        ]
        if not wanted:
            return response
        props = _resource_props(request.urn, request.properties)
        opts = self._get_resource_options(request)
        provider = _provider(request)
        tags = self._private("stack_tags")
        for policy in wanted:
            if not policy.has_validation():
                reason = "Policy does not implement validate"
                response.not_applicable.append(sdk.proto.PolicyNotApplicable(policy_name=policy.name, reason=reason))
                continue
            args = sdk.ResourceValidationArgs(
                request.type,
                props,
                request.urn,
                request.name,
                opts,
                provider,
                self._get_policy_config(policy.name),
                tags,
            )
            self._run(response, policy, partial(policy.validate, args))
        return response

    def AnalyzeStack(self, request: Any, _context: Any) -> Any:
        self._configure_runtime_settings()
        response = sdk.proto.AnalyzeResponse()
        _, _, stack_policies = self._by_type()
        wanted = [p for p in stack_policies if self._get_enforcement_level(p) != sdk.EnforcementLevel.DISABLED]
        if not wanted:
            return response
        resources = _stack_resources(self, request.resources)
        tags = self._private("stack_tags")
        for policy in wanted:
            args = sdk.StackValidationArgs(resources, self._get_policy_config(policy.name), tags)
            self._run(response, policy, partial(policy.validate, args))
        return response


_PROVIDERS: dict[bytes, Any] = {}


def _provider(request: Any) -> Any:
    """The request's provider resource, converted once per distinct provider (every resource of a
    stack usually carries the same one); keyed by its serialized form, so a changed provider is new."""
    if not request.HasField("provider"):
        return None
    message = request.provider
    key = message.SerializeToString(deterministic=True)
    cached = _PROVIDERS.get(key)
    if cached is None:
        if len(_PROVIDERS) >= 256:
            _PROVIDERS.clear()
        cached = sdk.PolicyProviderResource(message.type, _props(message.properties), message.urn, message.name)
        _PROVIDERS[key] = cached
    return cached


def _stack_resources(servicer: Any, messages: Sequence[Any]) -> list[Any]:
    """The SDK's PolicyResource graph (parents, dependencies, property dependencies), built once."""
    resources: list[Any] = []
    links: list[tuple[Any, str, list[str], dict[str, list[str]]]] = []
    for r in messages:
        resource = sdk.PolicyResource(
            r.type,
            _resource_props(r.urn, r.properties),
            r.urn,
            r.name,
            servicer._get_resource_options(r),
            _provider(r),
            None,
            [],
            {},
        )
        resources.append(resource)
        links.append(
            (resource, r.parent, list(r.dependencies), {k: list(v.urns) for k, v in r.propertyDependencies.items()})
        )
    by_urn = {r.urn: r for r in resources}
    for resource, parent, deps, prop_deps in links:
        if parent and parent in by_urn:
            resource.parent = by_urn[parent]
        resource.dependencies.extend(by_urn[d] for d in deps if d in by_urn)
        for key, urns in prop_deps.items():
            resource.property_dependencies[key] = [by_urn[u] for u in urns if u in by_urn]
    return resources


def compatible() -> bool:
    """Whether the SDK has the internals this servicer relies on."""
    if _BASE is None:
        return False
    needed = (
        "_get_enforcement_level",
        "_create_report_violation",
        "_get_policy_config",
        "_get_resource_options",
        "_get_provider_resource",
        "_configure_runtime_settings",
        "_map_enforcement_level",
    )
    return all(hasattr(_BASE, n) for n in needed) and hasattr(sdk, "_NotApplicableError")


def install() -> bool:
    """Make ``PolicyPack`` serve with the dispatching servicer; False (stock servicer) if unsupported."""
    if not compatible():
        return False
    sdk._PolicyAnalyzerServicer = DispatchingServicer
    return True
