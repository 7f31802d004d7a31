"""Security analysis of the difference between two plans.

Each detector looks at one resource before and after (either may be missing) and returns findings.
A finding is *risk* (the change weakens the platform), *reduced* (it strengthens it) or *neutral*.
Resources that changed without any security finding are listed as neutral changes.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from infra.review import iam
from infra.review.controls import risk_controls
from infra.review.model import REDACTED, SECRET, UNKNOWN, Plan, Resource, Violation
from policies.rules._predicates import denies_insecure_transport

SEVERITIES = ("critical", "high", "medium", "low", "info")
DIRECTIONS = ("risk", "reduced", "neutral")
BLOCKING = frozenset({"critical", "high"})


@dataclass(frozen=True)
class Finding:
    direction: str
    severity: str
    category: str
    title: str
    urn: str
    type: str
    before: str = ""
    after: str = ""
    rules: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    def sort_key(self) -> tuple[int, int, str, str, str, str]:
        return (
            DIRECTIONS.index(self.direction),
            SEVERITIES.index(self.severity),
            self.urn,
            self.category,
            self.title,
            self.after,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "severity": self.severity,
            "category": self.category,
            "title": self.title,
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "before": self.before,
            "after": self.after,
            "rules": list(self.rules),
        }


@dataclass
class Change:
    urn: str
    old: Resource | None
    new: Resource | None
    replaced: bool

    @property
    def type(self) -> str:
        return (self.new or self.old).type  # type: ignore[union-attr]

    @property
    def action(self) -> str:
        if self.old is None:
            return "create"
        if self.new is None:
            return "delete"
        return "replace" if self.replaced else "update"


@dataclass
class _Out:
    change: Change
    found: list[Finding] = field(default_factory=list)

    def add(
        self,
        direction: str,
        severity: str,
        category: str,
        title: str,
        before: Any = None,
        after: Any = None,
        rules: tuple[str, ...] = (),
    ) -> None:
        if direction == "risk" and not rules:
            rules = risk_controls(self.change.type, category, title)
        self.found.append(
            Finding(
                direction,
                severity,
                category,
                title,
                self.change.urn,
                self.change.type,
                show(before),
                show(after),
                tuple(sorted(rules)),
            )
        )


# ---------------------------------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------------------------------

MAX_VALUE_CHARS = 160


def show(value: Any) -> str:
    """A short, single-line rendering of an (already masked) value."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def get(res: Resource | None, path: str, default: Any = None) -> Any:
    node: Any = res.inputs if res is not None else None
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return default
    return default if node is None else node


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k in sorted(value):
            yield from flatten(value[k], f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, value


# ---------------------------------------------------------------------------------------------------
# IAM and resource policies
# ---------------------------------------------------------------------------------------------------

IDENTITY_POLICY_TYPES = ("Policy", "RolePolicy", "UserPolicy", "GroupPolicy")
# A VPC endpoint policy only filters what callers inside the VPC may do through the endpoint; it grants
# nothing, so "Principal": "*" there is the normal form, not public access.
ENDPOINT_POLICY_TYPES = ("aws:ec2/vpcEndpoint:VpcEndpoint",)
NEW_TITLES = {
    "trust": "trust policy",
    "identity": "IAM permissions",
    "resource": "resource policy",
    "endpoint": "endpoint policy",
}


def _documents(res: Resource | None) -> dict[str, tuple[str, dict[str, Any] | None]]:
    """label → (kind, document) for every policy document a resource carries."""
    docs: dict[str, tuple[str, dict[str, Any] | None]] = {}
    if res is None:
        return docs
    short = res.type.split(":")[-1]
    if "assumeRolePolicy" in res.inputs:
        docs["assumeRolePolicy"] = ("trust", iam.parse_document(res.inputs["assumeRolePolicy"]))
    if "policy" in res.inputs:
        if res.type in ENDPOINT_POLICY_TYPES:
            kind = "endpoint"
        elif short in IDENTITY_POLICY_TYPES and res.type.startswith("aws:iam/"):
            kind = "identity"
        else:
            kind = "resource"
        docs["policy"] = (kind, iam.parse_document(res.inputs["policy"]))
    for i, item in enumerate(res.inputs.get("inlinePolicies") or []):
        if isinstance(item, dict):
            label = f"inlinePolicies[{item.get('name') or i}]"
            docs[label] = ("identity", iam.parse_document(item.get("policy")))
    return docs


def _grant_summary(grants: list[iam.Grant]) -> str:
    actions, resources, principals = iam.summarise(grants)
    parts = [f"actions {', '.join(actions)}"] if actions else []
    if (resources and resources != ["*"]) or (resources == ["*"] and not principals):
        parts.append(f"resources {', '.join(resources)}")
    if principals:
        parts.append(f"principals {', '.join(principals)}")
    return "; ".join(parts)


def _iam_rules(
    kind: str, rtype: str, added: list[iam.Grant], denies_removed: list[iam.Grant], tls_deny_removed: bool = False
) -> tuple[str, ...]:
    rules: set[str] = set()
    for g in added:
        if kind == "trust":
            if g.principal == iam.ANY:
                rules.add("aws-iam-role-trust-no-wildcard-principal")
            continue
        if g.action == iam.ANY or g.action.endswith(":*") or g.negated:
            rules.add("aws-iam-policy-no-wildcard-action")
            if g.action == iam.ANY and g.resource == iam.ANY:
                rules.add("aws-iam-no-inline-admin")
        if g.resource == iam.ANY and kind == "identity":
            rules.add("aws-iam-policy-no-wildcard-resource-data")
        if g.action.lower().startswith("iam:passrole") and g.resource == iam.ANY:
            rules.add("aws-iam-policy-no-passrole-wildcard")
        if g.principal == iam.ANY and rtype.startswith("aws:s3/"):
            rules.add("aws-s3-bucket-policy-no-public-principal")
        if g.principal == iam.ANY and rtype.startswith("aws:kms/"):
            rules.add("aws-kms-key-policy-no-public-admin")
    if tls_deny_removed and rtype.startswith("aws:s3/"):
        rules.add("aws-s3-bucket-tls-only")
    return tuple(rules)


def detect_policies(out: _Out) -> None:
    c = out.change
    old_docs, new_docs = _documents(c.old), _documents(c.new)
    for label in sorted(set(old_docs) | set(new_docs)):
        kind = (new_docs.get(label) or old_docs[label])[0]
        old_doc, new_doc = old_docs.get(label, (kind, None))[1], new_docs.get(label, (kind, None))[1]
        if old_doc is None and new_doc is None:
            continue
        d = iam.diff(old_doc, new_doc)
        what = {
            "trust": "Trust policy",
            "identity": "IAM permissions",
            "resource": "Resource policy",
            "endpoint": "Endpoint policy",
        }[kind]
        where = f" ({label})" if label != "policy" else ""
        before = _grant_summary(sorted(g for g in iam.grants(old_doc) if g.effect == "Allow")) or "(none)"
        if d.widened:
            created = c.old is None
            severity = iam.widening_severity(d.added, d.denies_removed, kind=kind, created=created)
            public = any(g.principal == iam.ANY and not g.condition for g in d.added) and kind == "resource"
            category = "exposure" if public or kind == "endpoint" else ("trust" if kind == "trust" else "iam")
            parts = []
            if d.added:
                parts.append("adds " + _grant_summary(d.added))
            if d.denies_removed:
                parts.append("removes deny " + _grant_summary(d.denies_removed))
            title = f"{what} widened{where}" if not created else f"New {NEW_TITLES[kind]}{where}"
            if public:
                title = f"Public access granted by resource policy{where}"
            out.add(
                "risk",
                severity,
                category,
                title,
                before,
                "; ".join(parts),
                _iam_rules(
                    kind,
                    c.type,
                    d.added,
                    d.denies_removed,
                    denies_insecure_transport(old_doc) and not denies_insecure_transport(new_doc),
                )
                if kind != "endpoint"
                else (),
            )
        elif kind == "trust" and c.old is not None and c.new is not None and iam.grants(old_doc) != iam.grants(new_doc):
            out.add(
                "risk",
                "medium",
                "trust",
                f"Trust policy changed{where}",
                before,
                _grant_summary(sorted(g for g in iam.grants(new_doc) if g.effect == "Allow")),
            )
        if d.narrowed and c.new is not None and not d.widened:
            parts = []
            if d.removed:
                parts.append("removes " + _grant_summary(d.removed))
            if d.denies_added:
                parts.append("adds deny " + _grant_summary(d.denies_added))
            out.add(
                "reduced",
                "info",
                "trust" if kind == "trust" else "iam",
                f"{what} narrowed{where}",
                before,
                "; ".join(parts),
            )

    # Managed policies attached to roles, inline on the role or as attachment resources.
    old_arns = set(_as_strs(get(c.old, "managedPolicyArns"))) | ({get(c.old, "policyArn")} - {None})
    new_arns = set(_as_strs(get(c.new, "managedPolicyArns"))) | ({get(c.new, "policyArn")} - {None})
    for arn in sorted(new_arns - old_arns):
        if not isinstance(arn, str):
            continue
        admin = arn.endswith(iam.ADMIN_POLICY_SUFFIXES)
        out.add(
            "risk",
            "critical" if admin else "medium",
            "iam",
            "Managed policy attached",
            None,
            arn,
            ("aws-iam-no-admin-managed-policy",) if admin else (),
        )
    if c.new is not None:
        for arn in sorted(a for a in old_arns - new_arns if isinstance(a, str)):
            out.add("reduced", "info", "iam", "Managed policy detached", arn, None)


def _as_strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------------
# Public exposure
# ---------------------------------------------------------------------------------------------------

ADMIN_PORTS = frozenset({22, 3389, 5432, 3306, 6379, 9200, 10250, 2379})


def _is_public(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return net.prefixlen == 0 or (
        net.is_global and net.num_addresses >= 2**24 if net.version == 4 else net.prefixlen == 0
    )


def _ingress_rules(res: Resource | None) -> set[tuple[str, int, int, str]]:
    """(protocol, from, to, cidr) of every public ingress rule."""
    found: set[tuple[str, int, int, str]] = set()
    if res is None:
        return found
    short = res.type.split(":")[-1]
    entries: list[dict[str, Any]] = []
    if short == "SecurityGroup":
        entries = [e for e in res.inputs.get("ingress") or [] if isinstance(e, dict)]
    elif short == "SecurityGroupRule" and res.inputs.get("type") == "ingress":
        entries = [res.inputs]
    elif short == "SecurityGroupIngressRule":
        entries = [
            {
                "protocol": res.inputs.get("ipProtocol"),
                "fromPort": res.inputs.get("fromPort"),
                "toPort": res.inputs.get("toPort"),
                "cidrBlocks": [res.inputs.get("cidrIpv4")],
                "ipv6CidrBlocks": [res.inputs.get("cidrIpv6")],
            }
        ]
    for e in entries:
        proto = str(e.get("protocol", "-1"))
        lo, hi = e.get("fromPort", 0), e.get("toPort", 65535)
        lo = lo if isinstance(lo, int) else 0
        hi = hi if isinstance(hi, int) else 65535
        if proto in ("-1", "all"):
            lo, hi = 0, 65535
        for cidr in [*(e.get("cidrBlocks") or []), *(e.get("ipv6CidrBlocks") or [])]:
            if _is_public(cidr):
                found.add((proto, lo, hi, str(cidr)))
    return found


def _describe_rule(rule: tuple[str, int, int, str]) -> str:
    proto, lo, hi, cidr = rule
    ports = "all ports" if (lo, hi) == (0, 65535) else (f"port {lo}" if lo == hi else f"ports {lo}-{hi}")
    return f"{cidr} {'all traffic' if proto in ('-1', 'all') else proto + ' ' + ports}"


def detect_exposure(out: _Out) -> None:
    c = out.change
    old_rules, new_rules = _ingress_rules(c.old), _ingress_rules(c.new)
    for rule in sorted(new_rules - old_rules):
        proto, lo, hi, _ = rule
        wide = proto in ("-1", "all") or any(lo <= p <= hi for p in ADMIN_PORTS)
        out.add(
            "risk",
            "critical" if wide else "high",
            "exposure",
            "Security group opened to the internet",
            ", ".join(_describe_rule(r) for r in sorted(old_rules)) or "(no public ingress)",
            _describe_rule(rule),
            ("aws-ec2-security-group-no-public-ingress",),
        )
    if c.new is not None:
        for rule in sorted(old_rules - new_rules):
            out.add("reduced", "info", "exposure", "Public ingress removed", _describe_rule(rule), None)

    if c.type == "aws:eks/cluster:Cluster":

        def public(r: Resource | None) -> bool:
            return get(r, "vpcConfig.endpointPublicAccess", True) is True  # the EKS API default is public

        def cidrs(r: Resource | None) -> set[str]:
            if r is None or not public(r):
                return set()
            return set(_as_strs(get(r, "vpcConfig.publicAccessCidrs"))) or {"0.0.0.0/0"}

        rules = ("aws-eks-cluster-endpoint-private",)
        if public(c.new) and (c.old is None or not public(c.old)):
            open_all = any(_is_public(x) for x in cidrs(c.new))
            out.add(
                "risk",
                "critical" if open_all else "high",
                "exposure",
                "EKS API endpoint made public",
                "private" if c.old is not None else "(new cluster)",
                ", ".join(sorted(cidrs(c.new))),
                rules,
            )
        elif c.old is not None and public(c.new) and public(c.old):
            added = sorted(cidrs(c.new) - cidrs(c.old))
            if added:
                open_all = any(_is_public(x) for x in added)
                out.add(
                    "risk",
                    "critical" if open_all else "medium",
                    "exposure",
                    "EKS API endpoint allows more networks",
                    ", ".join(sorted(cidrs(c.old))),
                    "+ " + ", ".join(added),
                    rules,
                )
        if c.old is not None and c.new is not None and public(c.old) and not public(c.new):
            out.add("reduced", "info", "exposure", "EKS API endpoint made private", "public", "private")

    if c.type.split(":")[-1] == "BucketPublicAccessBlock":
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        if c.new is None:
            out.add(
                "risk",
                "high",
                "exposure",
                "Public access block removed",
                "all four on",
                "(deleted)",
                ("aws-s3-bucket-public-access-block",),
            )
        else:
            off = [f for f in flags if get(c.new, f) is not True]
            was_off = [f for f in flags if get(c.old, f) is not True] if c.old is not None else list(flags)
            turned_off = sorted(set(off) - set(was_off)) if c.old is not None else off
            if turned_off:
                out.add(
                    "risk",
                    "high",
                    "exposure",
                    "Public access block weakened",
                    ", ".join(f"{f}=true" for f in turned_off),
                    ", ".join(f"{f}=false" for f in turned_off),
                    ("aws-s3-bucket-public-access-block",),
                )
            elif c.old is not None and set(was_off) - set(off):
                out.add(
                    "reduced",
                    "info",
                    "exposure",
                    "Public access block strengthened",
                    ", ".join(sorted(was_off)),
                    "all on",
                )

    if c.type == "aws:apigateway/method:Method":
        old_auth, new_auth = get(c.old, "authorization"), get(c.new, "authorization")
        if new_auth == "NONE" and old_auth != "NONE" and get(c.new, "httpMethod") != "OPTIONS":
            out.add(
                "risk",
                "high",
                "exposure",
                "API method made unauthenticated",
                old_auth or "(new method)",
                new_auth,
                ("aws-apigateway-method-authorization",),
            )
        elif old_auth == "NONE" and new_auth not in (None, "NONE"):
            out.add("reduced", "info", "exposure", "API method now requires authorization", old_auth, new_auth)
        if get(c.old, "apiKeyRequired") is True and c.new is not None and get(c.new, "apiKeyRequired") is not True:
            out.add("risk", "medium", "exposure", "API key no longer required", True, False)

    if c.type == "aws:lambda/permission:Permission" and c.new is not None:
        changed = (
            c.old is None
            or get(c.old, "principal") != get(c.new, "principal")
            or get(c.old, "sourceArn") != get(c.new, "sourceArn")
        )
        if changed and (get(c.new, "principal") == "*" or not get(c.new, "sourceArn")):
            out.add(
                "risk",
                "high",
                "exposure",
                "Lambda invoke permission without a source restriction",
                get(c.old, "principal"),
                f"principal {get(c.new, 'principal')}, sourceArn {get(c.new, 'sourceArn') or '(none)'}",
                ("aws-lambda-permission-source-arn",),
            )


# ---------------------------------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------------------------------

KEY_FIELDS = frozenset(
    {"kmsKeyId", "kmsKeyArn", "kmsMasterKeyId", "kmsKey", "keyArn", "kmsKeyIdentifier", "encryptionKey", "kmsKeyName"}
)
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse", "KMS", "KMS_DSSE"})


def _encryption_rule(rtype: str) -> tuple[str, ...]:
    if rtype.startswith("aws:s3/"):
        return ("aws-s3-bucket-encryption",)
    if rtype.startswith("aws:ecr/"):
        return ("aws-ecr-repository-kms",)
    if rtype.startswith("aws:eks/"):
        return ("aws-eks-cluster-secrets-encryption",)
    if rtype.startswith("aws:ec2/launchTemplate"):
        return ("aws-ec2-launch-template-ebs-encrypted",)
    if rtype.startswith("aws:ec2/instance"):
        return ("aws-ec2-instance-ebs-encrypted",)
    return ()


def _key_paths(res: Resource | None) -> dict[str, Any]:
    if res is None:
        return {}
    found = {}
    for path, value in flatten(res.inputs):
        last = path.rsplit(".", 1)[-1].split("[", 1)[0]
        if last in KEY_FIELDS or last in ("sseAlgorithm", "encryptionType", "encrypted", "storageEncrypted"):
            found[path] = value
    return found


def detect_encryption(out: _Out) -> None:
    c = out.change
    rules = _encryption_rule(c.type)
    if "ServerSideEncryptionConfiguration" in c.type and c.new is None:
        out.add(
            "risk",
            "high",
            "encryption",
            "Bucket default encryption configuration removed",
            get(c.old, "rules.0.applyServerSideEncryptionByDefault") or "configured",
            "(deleted)",
            rules,
        )
        return
    if c.old is None or c.new is None:
        return
    old, new = _key_paths(c.old), _key_paths(c.new)
    for path in sorted(set(old) | set(new)):
        last = path.rsplit(".", 1)[-1].split("[", 1)[0]
        before, after = old.get(path), new.get(path)
        if before == after or UNKNOWN in (before, after):
            continue
        if last in KEY_FIELDS:
            if before and not after:
                out.add("risk", "high", "encryption", f"KMS key removed ({path})", before, "(none)", rules)
            elif before and after:
                out.add("risk", "medium", "encryption", f"KMS key changed ({path})", before, after, rules)
            elif after:
                out.add("reduced", "info", "encryption", f"KMS key added ({path})", "(none)", after)
        elif last in ("sseAlgorithm", "encryptionType"):
            if before in KMS_ALGORITHMS and after not in KMS_ALGORITHMS:
                out.add(
                    "risk",
                    "high",
                    "encryption",
                    f"Encryption downgraded from KMS ({path})",
                    before,
                    after or "(none)",
                    rules,
                )
            elif after in KMS_ALGORITHMS and before not in KMS_ALGORITHMS:
                out.add(
                    "reduced", "info", "encryption", f"Encryption upgraded to KMS ({path})", before or "(none)", after
                )
        elif last in ("encrypted", "storageEncrypted"):
            if before is True and after is not True:
                out.add("risk", "high", "encryption", f"Encryption turned off ({path})", before, after, rules)
            elif after is True:
                out.add("reduced", "info", "encryption", f"Encryption turned on ({path})", before, after)
    eks_unencrypted = (
        c.type == "aws:eks/cluster:Cluster" and get(c.old, "encryptionConfig") and not get(c.new, "encryptionConfig")
    )
    if eks_unencrypted and not any(f.title.startswith("KMS key removed") for f in out.found):
        out.add("risk", "high", "encryption", "EKS secrets encryption removed", "encryptionConfig", "(none)", rules)


# ---------------------------------------------------------------------------------------------------
# Logging, monitoring, detection, rotation
# ---------------------------------------------------------------------------------------------------


def _flag_off(
    out: _Out, path: str, severity: str, title: str, rules: tuple[str, ...] = (), *, default: Any = None, on: Any = True
) -> None:
    c = out.change
    if c.old is None or c.new is None:
        return
    before, after = get(c.old, path, default), get(c.new, path, default)
    if before == on and after != on:
        out.add("risk", severity, "logging", title, before, after, rules)
    elif after == on and before != on:
        out.add(
            "reduced",
            "info",
            "logging",
            title.replace("disabled", "enabled").replace("turned off", "turned on"),
            before,
            after,
        )


def detect_logging(out: _Out) -> None:
    c = out.change
    t = c.type
    if t == "aws:cloudtrail/trail:Trail":
        if c.new is None:
            out.add(
                "risk",
                "high",
                "logging",
                "CloudTrail trail deleted",
                get(c.old, "name") or (c.old and c.old.name),
                "(deleted)",
            )
        _flag_off(out, "enableLogging", "high", "CloudTrail logging disabled", default=True)
        _flag_off(out, "enableLogFileValidation", "medium", "CloudTrail log file validation disabled")
        _flag_off(out, "isMultiRegionTrail", "medium", "CloudTrail no longer multi-region")
        _flag_off(out, "includeGlobalServiceEvents", "low", "CloudTrail global service events turned off", default=True)
    elif t == "aws:guardduty/detector:Detector":
        if c.new is None:
            out.add("risk", "critical", "logging", "GuardDuty detector deleted", "enabled", "(deleted)")
        _flag_off(out, "enable", "critical", "GuardDuty detector disabled", default=True)
        if (
            c.old is not None
            and c.new is not None
            and get(c.old, "findingPublishingFrequency") != get(c.new, "findingPublishingFrequency")
        ):
            out.add(
                "risk" if get(c.new, "findingPublishingFrequency") not in (None, "FIFTEEN_MINUTES") else "neutral",
                "low",
                "logging",
                "GuardDuty finding publishing frequency changed",
                get(c.old, "findingPublishingFrequency"),
                get(c.new, "findingPublishingFrequency"),
            )
    elif t == "aws:guardduty/detectorFeature:DetectorFeature":
        name = get(c.new or c.old, "name") or "feature"
        if c.new is None:
            out.add("risk", "high", "logging", f"GuardDuty feature {name} removed", get(c.old, "status"), "(deleted)")
        elif get(c.new, "status") == "DISABLED" and get(c.old, "status") != "DISABLED":
            out.add(
                "risk",
                "high",
                "logging",
                f"GuardDuty feature {name} disabled",
                get(c.old, "status") or "(new)",
                "DISABLED",
            )
        elif c.old is not None and get(c.old, "status") == "DISABLED" and get(c.new, "status") == "ENABLED":
            out.add("reduced", "info", "logging", f"GuardDuty feature {name} enabled", "DISABLED", "ENABLED")
        old_extra = {
            str(x.get("name")): x.get("status")
            for x in get(c.old, "additionalConfigurations", [])
            if isinstance(x, dict)
        }
        new_extra = {
            str(x.get("name")): x.get("status")
            for x in get(c.new, "additionalConfigurations", [])
            if isinstance(x, dict)
        }
        for n in sorted(old_extra):
            if old_extra[n] == "ENABLED" and new_extra.get(n) != "ENABLED" and c.new is not None:
                out.add(
                    "risk",
                    "medium",
                    "logging",
                    f"GuardDuty {name} configuration {n} disabled",
                    "ENABLED",
                    new_extra.get(n) or "(removed)",
                )
    elif t == "aws:wafv2/webAcl:WebAcl":

        def rules(r: Resource | None) -> dict[str, dict[str, Any]]:
            return {str(x.get("name")): x for x in get(r, "rules", []) if isinstance(x, dict)}

        old_rules, new_rules = rules(c.old), rules(c.new)
        waf_rules = ("aws-wafv2-web-acl-managed-rules",)
        if c.new is not None:
            for n in sorted(set(old_rules) - set(new_rules)):
                rate = "rateBasedStatement" in json.dumps(old_rules[n].get("statement", {}))
                out.add(
                    "risk",
                    "high",
                    "logging",
                    f"WAF rule {n} removed",
                    "present",
                    "(removed)",
                    ("aws-wafv2-web-acl-rate-limit",) if rate else waf_rules,
                )
            for n in sorted(set(old_rules) & set(new_rules)):
                o, nw = old_rules[n], new_rules[n]
                if _waf_blocks(o) and not _waf_blocks(nw):
                    out.add(
                        "risk",
                        "medium",
                        "logging",
                        f"WAF rule {n} no longer blocks",
                        _waf_mode(o),
                        _waf_mode(nw),
                        waf_rules,
                    )
            if c.old is not None:
                for n in sorted(set(new_rules) - set(old_rules)):
                    out.add("reduced", "info", "logging", f"WAF rule {n} added", None, "present")
                if get(c.old, "defaultAction.block") is not None and get(c.new, "defaultAction.allow") is not None:
                    out.add("risk", "high", "logging", "WAF default action changed to allow", "block", "allow")
    elif t == "aws:wafv2/webAclAssociation:WebAclAssociation" and c.new is None:
        out.add(
            "risk",
            "high",
            "logging",
            "WAF association removed from the API",
            "associated",
            "(deleted)",
            ("aws-apigateway-stage-waf",),
        )
    elif t == "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration" and c.new is None:
        out.add(
            "risk",
            "medium",
            "logging",
            "WAF logging removed",
            "configured",
            "(deleted)",
            ("aws-wafv2-web-acl-logging",),
        )
    elif t == "aws:secretsmanager/secretRotation:SecretRotation":
        if c.new is None:
            out.add(
                "risk", "high", "logging", "Secret rotation removed", show(get(c.old, "rotationRules")), "(deleted)"
            )
        elif c.old is not None:
            before, after = _rotation_days(c.old), _rotation_days(c.new)
            if before is not None and after is not None and after > before:
                out.add(
                    "risk", "low", "logging", "Secret rotation less frequent", f"{before:g} days", f"{after:g} days"
                )
    elif t == "aws:kms/key:Key":
        _flag_off(out, "enableKeyRotation", "high", "KMS key rotation disabled", ("aws-kms-key-rotation",))
        _flag_off(out, "isEnabled", "high", "KMS key disabled", default=True)
    elif t == "aws:lambda/function:Function":
        if (
            c.old is not None
            and c.new is not None
            and get(c.old, "tracingConfig.mode") == "Active"
            and get(c.new, "tracingConfig.mode") != "Active"
        ):
            out.add(
                "risk",
                "medium",
                "logging",
                "Lambda tracing turned off",
                "Active",
                get(c.new, "tracingConfig.mode") or "(none)",
                ("aws-lambda-function-tracing",),
            )
    elif t == "aws:apigateway/stage:Stage":
        _flag_off(out, "xrayTracingEnabled", "low", "API stage X-Ray tracing turned off")
        if (
            c.old is not None
            and c.new is not None
            and get(c.old, "accessLogSettings")
            and not get(c.new, "accessLogSettings")
        ):
            out.add(
                "risk",
                "medium",
                "logging",
                "API stage access logging removed",
                "configured",
                "(none)",
                ("aws-apigateway-stage-access-logs",),
            )
        if (
            c.old is not None
            and c.new is not None
            and get(c.old, "cacheClusterEnabled") is not True
            and get(c.new, "cacheClusterEnabled") is True
        ):
            out.add(
                "risk",
                "medium",
                "logging",
                "API stage cache enabled (responses may be cached)",
                False,
                True,
                ("aws-apigateway-stage-caching-disabled",),
            )
    elif t == "aws:apigateway/methodSettings:MethodSettings" and c.new is not None:
        before, after = get(c.old, "settings.dataTraceEnabled", False), get(c.new, "settings.dataTraceEnabled", False)
        if after is True and before is not True:
            out.add(
                "risk",
                "high",
                "logging",
                "API data trace enabled (full prompts and responses in logs)",
                before,
                after,
                ("aws-apigateway-stage-data-trace-disabled",),
            )
        elif before is True and after is not True:
            out.add("reduced", "info", "logging", "API data trace disabled", before, after)
        if (
            c.old is not None
            and get(c.old, "settings.loggingLevel") in ("INFO", "ERROR")
            and get(c.new, "settings.loggingLevel") in (None, "OFF")
        ):
            out.add(
                "risk",
                "medium",
                "logging",
                "API execution logging turned off",
                get(c.old, "settings.loggingLevel"),
                "OFF",
            )
        _flag_off(out, "settings.metricsEnabled", "low", "API detailed metrics turned off")
    elif t == "aws:cloudwatch/metricAlarm:MetricAlarm":
        if c.new is None:
            out.add(
                "risk",
                "medium",
                "logging",
                "Alarm removed",
                get(c.old, "metricName") or get(c.old, "name"),
                "(deleted)",
            )
        _flag_off(out, "actionsEnabled", "medium", "Alarm actions disabled", default=True)
    elif t == "aws:ec2/flowLog:FlowLog" and c.new is None:
        out.add("risk", "medium", "logging", "VPC flow log removed", "enabled", "(deleted)", ("aws-ec2-vpc-flow-logs",))
    elif t == "aws:eks/cluster:Cluster" and c.old is not None and c.new is not None:
        lost = sorted(
            set(_as_strs(get(c.old, "enabledClusterLogTypes"))) - set(_as_strs(get(c.new, "enabledClusterLogTypes")))
        )
        if lost:
            out.add(
                "risk",
                "medium",
                "logging",
                "EKS control-plane log types removed",
                ", ".join(lost),
                "(off)",
                ("aws-eks-cluster-control-plane-logging",),
            )
    elif t.split(":")[-1] in ("BucketLogging", "BucketLoggingV2") and c.new is None:
        out.add(
            "risk",
            "medium",
            "logging",
            "Bucket access logging removed",
            "enabled",
            "(deleted)",
            ("aws-s3-bucket-logging",),
        )
    elif t.split(":")[-1] in ("BucketVersioning", "BucketVersioningV2"):
        before, after = get(c.old, "versioningConfiguration.status"), get(c.new, "versioningConfiguration.status")
        if before == "Enabled" and after != "Enabled":
            out.add(
                "risk",
                "medium",
                "logging",
                "Bucket versioning suspended",
                before,
                after or "(deleted)",
                ("aws-s3-bucket-versioning",),
            )
    elif t == "aws:ecr/repository:Repository" and c.old is not None and c.new is not None:
        _flag_off(
            out,
            "imageScanningConfiguration.scanOnPush",
            "low",
            "ECR scan on push turned off",
            ("aws-ecr-repository-scan-on-push",),
        )
        if get(c.old, "imageTagMutability") == "IMMUTABLE" and get(c.new, "imageTagMutability") != "IMMUTABLE":
            out.add(
                "risk",
                "medium",
                "logging",
                "ECR tags made mutable",
                "IMMUTABLE",
                get(c.new, "imageTagMutability") or "MUTABLE",
                ("aws-ecr-repository-immutable-tags",),
            )


def _rotation_days(res: Resource | None) -> float | None:
    """Days between rotations from `automaticallyAfterDays` or a `rate(N days|hours)` schedule."""
    days = get(res, "rotationRules.automaticallyAfterDays")
    if isinstance(days, int | float) and not isinstance(days, bool):
        return float(days)
    match = re.fullmatch(r"rate\((\d+) (day|days|hour|hours)\)", str(get(res, "rotationRules.scheduleExpression", "")))
    if match:
        return int(match.group(1)) / (24 if match.group(2).startswith("hour") else 1)
    return None


def _waf_blocks(rule: dict[str, Any]) -> bool:
    action, override = rule.get("action") or {}, rule.get("overrideAction") or {}
    if isinstance(action, dict) and "block" in action:
        return True
    return isinstance(override, dict) and "none" in override


def _waf_mode(rule: dict[str, Any]) -> str:
    for key in ("action", "overrideAction"):
        value = rule.get(key)
        if isinstance(value, dict) and value:
            return f"{key}={sorted(value)[0]}"
    return "(none)"


# ---------------------------------------------------------------------------------------------------
# Data stores and keys: deletion, replacement, protection
# ---------------------------------------------------------------------------------------------------

DATA_STORES: dict[str, tuple[str, tuple[str, ...]]] = {
    # type: (label, inputs whose change forces a replacement)
    "aws:s3/bucket:Bucket": ("bucket", ("bucket", "bucketPrefix", "objectLockEnabled")),
    "aws:s3/bucketV2:BucketV2": ("bucket", ("bucket", "bucketPrefix", "objectLockEnabled")),
    "aws:kms/key:Key": ("KMS key", ("keyUsage", "customerMasterKeySpec", "keySpec", "multiRegion")),
    "aws:secretsmanager/secret:Secret": ("secret", ("name", "namePrefix")),
    "aws:cloudwatch/logGroup:LogGroup": ("log group", ("name", "namePrefix")),
    "aws:ecr/repository:Repository": ("ECR repository", ("name",)),
    "aws:eks/cluster:Cluster": ("EKS cluster", ("name", "vpcConfig.subnetIds", "encryptionConfig")),
    "aws:dynamodb/table:Table": ("DynamoDB table", ("name", "hashKey", "rangeKey")),
    "aws:rds/instance:Instance": ("database", ("identifier", "engine")),
    "aws:rds/cluster:Cluster": ("database cluster", ("clusterIdentifier", "engine")),
    "aws:efs/fileSystem:FileSystem": ("file system", ("encrypted", "kmsKeyId")),
}


def detect_data_stores(out: _Out) -> None:
    c = out.change
    entry = DATA_STORES.get(c.type)
    if entry is None:
        return
    label, force_new = entry
    category = "deletion"
    if c.new is None:
        severity = "critical" if c.type == "aws:kms/key:Key" else "high"
        what = {"log group": " (its logs are lost)", "KMS key": " (data encrypted with it becomes unreadable)"}.get(
            label, ""
        )
        out.add("risk", severity, category, f"{label[0].upper()}{label[1:]} deleted{what}", "exists", "(deleted)")
        return
    if c.old is None:
        return
    changed = [p for p in force_new if get(c.old, p) != get(c.new, p) and UNKNOWN not in (get(c.old, p), get(c.new, p))]
    if c.replaced or changed:
        reason = f" ({', '.join(changed)} changed)" if changed else ""
        out.add(
            "risk",
            "high",
            category,
            f"{label[0].upper()}{label[1:]} replaced{reason}: delete and re-create",
            ", ".join(show(get(c.old, p)) for p in changed) or "exists",
            ", ".join(show(get(c.new, p)) for p in changed) or "new",
        )
    if c.old.protect and not c.new.protect:
        out.add("risk", "medium", category, f"Deletion protection removed from {label}", "protect", "(none)")
    for flag in ("forceDestroy", "forceDelete"):
        if get(c.old, flag) is not True and get(c.new, flag) is True:
            out.add(
                "risk",
                "medium",
                category,
                f"{label[0].upper()}{label[1:]} may be destroyed with its contents ({flag})",
                False,
                True,
            )
    if c.type == "aws:kms/key:Key":
        before, after = get(c.old, "deletionWindowInDays"), get(c.new, "deletionWindowInDays")
        if isinstance(before, int) and isinstance(after, int) and after < before:
            out.add("risk", "low", category, "KMS key deletion window shortened", f"{before} days", f"{after} days")


# ---------------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------------

ENVIRONMENTS = {"aws:lambda/function:Function": "environment.variables"}


def detect_plaintext_secrets(out: _Out) -> None:
    """Credential-looking or Pulumi-secret values in a function's environment: Lambda stores them in
    plain text. The loader has already masked them, in every input format, so the marks are the signal."""
    c = out.change
    path = ENVIRONMENTS.get(c.type)
    if path is None or c.new is None:
        return
    old, new = get(c.old, path) or {}, get(c.new, path) or {}
    for key in sorted(new):
        value = new[key]
        if value in (REDACTED, SECRET) and (not isinstance(old, dict) or old.get(key) != value):
            out.add(
                "risk",
                "high",
                "secrets",
                f"Plaintext credential in environment variable {key}",
                "(none)" if key not in old else "(not a credential)",
                value,
                ("aws-lambda-function-no-plaintext-secrets",),
            )


DETECTORS = (
    detect_policies,
    detect_exposure,
    detect_encryption,
    detect_logging,
    detect_data_stores,
    detect_plaintext_secrets,
)


def changes(base: Plan, head: Plan) -> list[Change]:
    found = []
    for urn in sorted(set(base.resources) | set(head.resources)):
        old, new = base.resources.get(urn), head.resources.get(urn)
        replaced = urn in head.replaced
        if (
            old is not None
            and new is not None
            and old.inputs == new.inputs
            and old.protect == new.protect
            and not replaced
        ):
            continue
        rtype = (old or new).type  # type: ignore[union-attr]
        if (
            old is not None
            and new is not None
            and (rtype.startswith("pulumi:providers:") or rtype == "pulumi:pulumi:Stack")
        ):
            continue
        found.append(Change(urn, old, new, replaced))
    return found


def _changed_keys(change: Change) -> str:
    if change.old is None or change.new is None:
        return ""
    keys = sorted(
        k
        for k in set(change.old.inputs) | set(change.new.inputs)
        if change.old.inputs.get(k) != change.new.inputs.get(k)
    )
    return ", ".join(keys)


def _violation_key(v: Violation) -> tuple[str, str]:
    return (v.policy, v.urn)


def analyse(base: Plan, head: Plan) -> list[Finding]:
    findings: list[Finding] = []
    for change in changes(base, head):
        out = _Out(change)
        for detector in DETECTORS:
            detector(out)
        if not out.found:
            if change.action == "update":
                keys = _changed_keys(change)
                out.add("neutral", "info", "change", "Updated", None, f"changed: {keys}" if keys else "changed")
            else:
                out.add("neutral", "info", "change", change.action.capitalize() + "d", None, None)
        findings.extend(out.found)

    # Policy-pack results: a violation new in HEAD is a risk; one gone from HEAD is a reduction.
    old_v = {_violation_key(v): v for v in base.violations}
    new_v = {_violation_key(v): v for v in head.violations}
    by_urn: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        by_urn.setdefault(f.urn, []).append(i)
    for key in sorted(set(new_v) - set(old_v)):
        v = new_v[key]
        severity = v.severity if v.severity in SEVERITIES else "medium"
        indices = [i for i in by_urn.get(v.urn, []) if findings[i].direction == "risk"]
        if any(v.policy in findings[i].rules for i in indices):
            continue
        rtype = (head.resources.get(v.urn) or base.resources.get(v.urn) or Resource(v.urn, "", {})).type
        findings.append(
            Finding("risk", severity, "policy", "New policy violation", v.urn, rtype, "", show(v.message), (v.policy,))
        )
    for key in sorted(set(old_v) - set(new_v)):
        v = old_v[key]
        rtype = (head.resources.get(v.urn) or base.resources.get(v.urn) or Resource(v.urn, "", {})).type
        findings.append(
            Finding(
                "reduced", "info", "policy", "Policy violation resolved", v.urn, rtype, show(v.message), "", (v.policy,)
            )
        )
    return sorted(set(findings), key=Finding.sort_key)


def blocking(findings: list[Finding]) -> bool:
    return any(f.direction == "risk" and f.severity in BLOCKING for f in findings)


__all__ = ["BLOCKING", "SECRET", "Finding", "analyse", "blocking", "changes"]
