"""Plausible results for any provider invoke, derived from the result class the provider declares.

A data source (`aws.route53.get_zone`, `aws.ec2.get_subnets`, ...) answered with `{}` makes the
provider's result class raise (`Missing required property 'zone_id'`) or hands the program nulls. Each
invoke's Python result class (`GetZoneResult`) declares every field with its engine name and type, so
every required field is filled here: ids with the prefix AWS uses for the field's name, ARNs, account,
region, three subnet ids for a list of ids, one element for a list of objects. Values are derived from
the token and field path, so they are the same on every run.
"""

from __future__ import annotations

import base64
import collections.abc
import hashlib
import importlib
import re
import typing
from typing import Any

from infra.preview.mocks import ACCOUNT_ID, PARTITION

LIST_OF_IDS = 3
_MAX_DEPTH = 4

# A field's (camelCase) name, lower-cased, ending in one of these -> the id prefix AWS uses.
_ID_PREFIXES = (
    ("subnetid", "subnet"),
    ("vpcid", "vpc"),
    ("securitygroupid", "sg"),
    ("groupid", "sg"),
    ("imageid", "ami"),
    ("amiid", "ami"),
    ("routetableid", "rtb"),
    ("internetgatewayid", "igw"),
    ("natgatewayid", "nat"),
    ("networkinterfaceid", "eni"),
    ("instanceid", "i"),
    ("allocationid", "eipalloc"),
    ("transitgatewayid", "tgw"),
    ("prefixlistid", "pl"),
    ("vpcendpointid", "vpce"),
    ("networkaclid", "acl"),
    ("dhcpoptionsid", "dopt"),
    ("snapshotid", "snap"),
    ("volumeid", "vol"),
    ("keypairid", "key"),
)
# The `id` of a data source named get<Thing> is that thing's id.
_TOKEN_ID_PREFIXES = {
    "getVpc": "vpc",
    "getSubnet": "subnet",
    "getSecurityGroup": "sg",
    "getAmi": "ami",
    "getInternetGateway": "igw",
    "getRouteTable": "rtb",
    "getNatGateway": "nat",
    "getInstance": "i",
    "getVpcEndpoint": "vpce",
    "getPrefixList": "pl",
    "getTransitGateway": "tgw",
}


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:length]


def result_class(token: str) -> type | None:
    """`aws:route53/getZone:getZone` -> `pulumi_aws.route53.GetZoneResult` (None when not installed)."""
    match = re.fullmatch(r"(?P<pkg>[\w-]+):(?P<module>[\w/.-]+):(?P<func>\w+)", token)
    if match is None:
        return None
    package = "pulumi_" + match["pkg"].replace("-", "_")
    module = match["module"].split("/")[0]
    path = package if module == "index" else f"{package}.{module.replace('-', '_')}"
    func = match["func"]
    try:
        found = getattr(importlib.import_module(path), func[0].upper() + func[1:] + "Result", None)
    except ImportError:
        return None
    return found if isinstance(found, type) else None


def _fields(cls: type) -> list[tuple[str, Any]]:
    """(engine name, type) of each property of a provider output class."""
    out = []
    for attr in sorted(vars(cls)):
        prop = vars(cls)[attr]
        if not isinstance(prop, property) or prop.fget is None:
            continue
        name = getattr(prop.fget, "_pulumi_name", attr)
        try:
            hint = typing.get_type_hints(prop.fget).get("return", Any)
        except Exception:  # an annotation naming a type the module cannot resolve
            hint = Any
        out.append((name, hint))
    return out


class _Filler:
    def __init__(self, token: str, region: str) -> None:
        self.token = token
        self.region = region
        self.func = token.rsplit(":", 1)[-1]
        self.service = token.split(":")[1].split("/", maxsplit=1)[0] if token.count(":") >= 2 else "service"

    def fill(self, cls: type, path: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, hint in _fields(cls):
            if typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint):
                continue  # optional: an echo of an argument, absent when not given
            out[name] = self.value(name, hint, f"{path}.{name}" if path else name, depth)
        return out

    def value(self, name: str, hint: Any, path: str, depth: int) -> Any:
        from pulumi._types import is_output_type

        origin = typing.get_origin(hint)
        if isinstance(hint, type) and is_output_type(hint):
            return self.fill(hint, path, depth + 1) if depth < _MAX_DEPTH else {}
        if origin in (collections.abc.Sequence, list):
            (item,) = typing.get_args(hint) or (Any,)
            count = LIST_OF_IDS if item is str and _plural(name) else 1
            singular = _singular(name)
            return [self.value(singular, item, f"{path}[{i}]", depth) for i in range(count)]
        if origin in (collections.abc.Mapping, dict):
            return {}
        if hint is bool:
            return name in ("default", "enabled", "mostRecent")
        if hint is int:
            return 1
        if hint is float:
            return 1.0
        return self.string(name, path)

    def string(self, name: str, path: str) -> str:
        low = name.lower()
        tail = path.rsplit(".", 1)[-1]
        unique = _digest(self.token, path)
        if low == "id" and "." not in path:
            prefix = _TOKEN_ID_PREFIXES.get(self.func) or _TOKEN_ID_PREFIXES.get(self.func.removesuffix("s"))
            return f"{prefix}-{unique}" if prefix else _digest(self.token, path, length=12)
        for suffix, prefix in _ID_PREFIXES:
            if low.endswith(suffix) or low.endswith(suffix + "s"):
                return f"{prefix}-{unique}"
        if low.endswith("arn"):
            kind = self.func.removeprefix("get").lower() or "resource"
            return f"arn:{PARTITION}:{self.service}:{self.region}:{ACCOUNT_ID}:{kind}/mock-{unique[:8]}"
        if low == "zoneid" or low.endswith("hostedzoneid"):
            return "Z" + unique.upper()[:13]
        if low in ("accountid", "ownerid", "registryid", "awsaccountid"):
            return ACCOUNT_ID
        if low in ("region",):
            return self.region
        if low in ("availabilityzone", "availabilityzones"):
            return f"{self.region}a"
        if "cidr" in low:
            return f"10.{int(unique[:2], 16) % 200}.0.0/16"
        if low.endswith(("url", "endpoint")):
            return f"https://mock-{unique[:8]}.{self.service}.{self.region}.amazonaws.com"
        if low in ("partition",):
            return PARTITION
        if low in ("state", "status"):
            return "available"
        if low in ("json", "policy", "minifiedjson", "document"):
            return "{}"
        if low.endswith("token") or low in ("password", "secretstring", "value"):
            return f"mock-{unique}"
        if low.endswith("name") or low == "names":
            return f"mock-{tail.lower()}-{unique[:7]}"
        return f"mock-{unique[:12]}"


def _plural(name: str) -> bool:
    return name.endswith("s") and not name.endswith("ss")


def _singular(name: str) -> str:
    return name[:-1] if _plural(name) else name


def generic_result(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    """Every required field of the invoke's result class, plausibly filled; arguments that name a
    result field are echoed back (the zone asked for by name is the zone of that name)."""
    cls = result_class(token)
    if cls is None:
        return {}
    out = _Filler(token, region).fill(cls, "", 0)
    for key, value in args.items():
        if key in out and value is not None:
            out[key] = value
    return out


def ecr_authorization(region: str) -> dict[str, Any]:
    token = base64.b64encode(b"AWS:mock-ecr-password").decode()
    return {
        "authorizationToken": token,
        "password": "mock-ecr-password",
        "userName": "AWS",
        "proxyEndpoint": f"https://{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com",
    }
