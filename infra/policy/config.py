"""Policy config: the JSON file of ``pulumi preview --policy-pack-config`` and what ``Configure`` gets.

The file maps a policy name (or ``all``) to an enforcement level string or to an object with an
optional ``enforcementLevel`` and the policy's config properties. The engine, not the SDK, applies
schema defaults and fills in enforcement levels; this module does both, so no policy silently
becomes advisory (the proto3 default of an unset level).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from infra.policy.errors import PolicyPackError

LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "disabled": analyzer_pb2.DISABLED,
    "remediate": analyzer_pb2.REMEDIATE,
}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def load_policy_config(path: Path | None) -> dict[str, Any]:
    """Read a policy config file; ``None`` means no config. Raises PolicyPackError on a bad file."""
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyPackError(f"cannot read policy config {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PolicyPackError(f"policy config {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyPackError(f"policy config {path} must be a JSON object keyed by policy name")
    for name, value in data.items():
        where = f"policy config {path}: {name}"
        if isinstance(value, str):
            _level(value, where)
        elif isinstance(value, dict):
            if "enforcementLevel" in value:
                _level(value["enforcementLevel"], where)
            if name == "all" and set(value) - {"enforcementLevel"}:
                raise PolicyPackError(f"{where}: 'all' accepts only enforcementLevel")
        else:
            raise PolicyPackError(f"{where}: expected an enforcement level or an object")
    return data


def _level(value: Any, where: str) -> int:
    if not isinstance(value, str) or value not in LEVELS:
        raise PolicyPackError(f"{where}: enforcementLevel must be one of {', '.join(LEVELS)}, got {value!r}")
    return int(LEVELS[value])


def _check_type(value: Any, schema: dict[str, Any], where: str) -> None:
    expected = schema.get("type")
    if isinstance(expected, str) and expected in JSON_TYPES:
        ok = isinstance(value, JSON_TYPES[expected]) and not (expected != "boolean" and isinstance(value, bool))
        if not ok:
            raise PolicyPackError(f"{where}: expected {expected}, got {type(value).__name__}")
    if expected == "array" and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _check_type(item, schema["items"], f"{where}[{i}]")
    if expected == "object" and isinstance(value, dict):
        props = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key not in value:
                raise PolicyPackError(f"{where}: missing {key}")
        for key, item in value.items():
            if key in props:
                _check_type(item, props[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                raise PolicyPackError(f"{where}: unknown property {key}")
    if isinstance(value, str) and isinstance(schema.get("pattern"), str) and not re.search(schema["pattern"], value):
        raise PolicyPackError(f"{where}: {value!r} does not match {schema['pattern']}")


def _check_exemptions(entries: list[Any], policy: str, where: str) -> None:
    for i, entry in enumerate(entries):
        expires = entry.get("expires", "") if isinstance(entry, dict) else ""
        try:
            date.fromisoformat(expires)
        except ValueError:
            raise PolicyPackError(f"{where}[{i}].expires: {expires!r} is not a YYYY-MM-DD date") from None
        if entry.get("policy") not in (None, policy):
            raise PolicyPackError(f"{where}[{i}].policy: {entry.get('policy')!r} is listed under {policy}")


def configure_request(info: Any, user: dict[str, Any]) -> tuple[Any, dict[str, dict[str, Any]]]:
    """The ConfigureAnalyzerRequest for this pack, and the effective config per policy."""
    schemas: dict[str, dict[str, Any]] = {}
    levels: dict[str, int] = {}
    for policy in info.policies:
        schemas[policy.name] = json_format.MessageToDict(policy.configSchema.properties)
        levels[policy.name] = int(policy.enforcementLevel)
    unknown = sorted(set(user) - set(schemas) - {"all"})
    if unknown:
        raise PolicyPackError(f"policy config names unknown policies: {', '.join(unknown)}")

    effective: dict[str, dict[str, Any]] = {}
    for name, props in schemas.items():
        effective[name] = {k: v["default"] for k, v in props.items() if isinstance(v, dict) and "default" in v}
    for name, initial in info.initialConfig.items():
        if name in effective:
            effective[name].update(json_format.MessageToDict(initial.properties))
            if initial.enforcementLevel:  # ADVISORY is the proto3 default, indistinguishable from unset
                levels[name] = int(initial.enforcementLevel)
    everything = user.get("all")
    if everything is not None:
        level = everything if isinstance(everything, str) else everything.get("enforcementLevel")
        if level is not None:
            for name in levels:
                levels[name] = _level(level, "policy config: all")
    for name, value in user.items():
        if name == "all":
            continue
        where = f"policy config: {name}"
        if isinstance(value, str):
            levels[name] = _level(value, where)
            continue
        for key, item in value.items():
            if key == "enforcementLevel":
                levels[name] = _level(item, where)
            elif key not in schemas[name]:
                raise PolicyPackError(f"{where}: unknown property {key}")
            else:
                _check_type(item, schemas[name][key], f"{where}.{key}")
                if key == "exemptions":
                    _check_exemptions(item, name, f"{where}.exemptions")
                effective[name][key] = item

    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, level in levels.items():
        entry = request.policyConfig[name]
        entry.enforcementLevel = level
        struct = struct_pb2.Struct()
        struct.update(effective[name])
        entry.properties.CopyFrom(struct)
    return request, effective


__all__ = ["LEVELS", "LEVEL_NAMES", "configure_request", "load_policy_config"]
