"""The text form of a plan: counts per type, then one line per resource with its security settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

# Leaf input names that carry a security decision; matched case-insensitively against the last path part.
_SECURITY_KEY = re.compile(
    r"(encrypt|kms|sse|public|tls|ssl|versioning|status$|logging|retention|rotation|tracing|authori[sz]|"
    r"apikeyrequired|httptokens|hoplimit|taint|privileged|runasnonroot|readonlyrootfilesystem|allowprivilege|"
    r"scanonpush|imagetagmutability|cidr|endpointpublic|endpointprivate|enabledclusterlogtypes|authenticationmode|"
    r"bootstrap|isMultiRegion|enablelogfilevalidation|includeglobal|datatrace|caching|metricsenabled|throttl|"
    r"objectownership|objectlock|mode$|days$|protocol|fromport|toport|amitype|capacitytype|instancetypes|"
    r"runtime|reservedconcurrent|principal|sourcearn|action$|pod-security|enforce|policytypes|"
    r"findingpublishing|^name$|scope|limit$|aggregatekeytype|redacted|capabilities|seccomp|image$|enablekeyrotation|"
    r"deletionwindow|forcedestroy|untrustedartifact|schedule|managedrulegroup|vendorname|severity|"
    r"mapPublicIp|privateDns|vpcendpointtype|traffictype|blockpublic|ignorepublic|restrictpublic|"
    r"skipdestroy|deletionprotection|dataclassification|policy$|bucketkey|assumerolepolicy)",
    re.IGNORECASE,
)
_MAX_VALUE = 60
_MAX_LINE = 400


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        if "archive" in value or "asset" in value:
            yield path, value
            return
        for key, child in value.items():
            yield from _flatten(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for i, child in enumerate(value):
            yield from _flatten(child, f"{path}[{i}]")
    else:
        yield path, value


def _short(value: Any) -> str:
    if isinstance(value, str) and value.lstrip().startswith("{") and '"Statement"' in value:
        try:
            document = json.loads(value)
        except json.JSONDecodeError:
            return "<policy>"
        found = document.get("Statement", [])
        count = len(found) if isinstance(found, list) else 1
        return f"<policy: {count} statement{'s' if count != 1 else ''}>"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def security_settings(resource: Mapping[str, Any]) -> list[str]:
    """`key=value` pairs for the security-relevant inputs of one resource."""
    pairs = []
    for path, value in _flatten(resource.get("inputs", {})):
        leaf = re.split(r"[.\[]", path)[-1].rstrip("]")
        if path == "tags.DataClassification" or (_SECURITY_KEY.search(leaf) and not path.startswith("tags.")):
            pairs.append(f"{path}={_short(value)}")
    return pairs


def _tree(resources: list[Mapping[str, Any]]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Resources depth-first under their parents, siblings by type then name."""
    children: dict[str | None, list[Mapping[str, Any]]] = {}
    known = {r["urn"] for r in resources}
    for r in resources:
        parent = r.get("parent") if r.get("parent") in known else None
        children.setdefault(parent, []).append(r)

    def walk(parent: str | None, depth: int) -> Iterator[tuple[int, Mapping[str, Any]]]:
        for r in sorted(children.get(parent, []), key=lambda r: (r["type"], r["name"])):
            yield depth, r
            yield from walk(r["urn"], depth + 1)

    yield from walk(None, 0)


def render_plan(plan: Mapping[str, Any]) -> str:
    region = plan.get("config", {}).get("aws:region", "default region")
    lines = [
        f"Plan for {plan['project']}/{plan['stack']} (program {plan['program']}, {region}): "
        f"{plan['summary']['resources']} resources",
        "",
        "Resources by type:",
    ]
    lines += [f"  {count:5d}  {typ}" for typ, count in plan["summary"]["byType"].items()]
    lines += ["", "Resources (indented under their component):"]
    for depth, resource in _tree(plan["resources"]):
        if resource["type"] == "pulumi:pulumi:Stack":
            continue
        indent = "  " * depth
        settings = security_settings(resource) if resource["custom"] else []
        line = f"{indent}{resource['type']}  {resource['name']}"
        if settings:
            line += "  [" + ", ".join(settings) + "]"
        if resource.get("protect"):
            line += "  (protected)"
        lines.append(line if len(line) <= _MAX_LINE else line[: _MAX_LINE - 2] + "…]")
    return "\n".join(lines)
