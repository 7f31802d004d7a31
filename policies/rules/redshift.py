"""Redshift: public access, encryption at rest, audit logging, TLS-only connections."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    HIGH,
    MEDIUM,
    Meta,
    Res,
    Stack,
    as_list,
    dig,
    falsy,
    insecure,
    resource_rule,
    secure,
    stack_rule,
    truthy,
)

CLUSTER = "aws:redshift/cluster:Cluster"
LOGGING = "aws:redshift/logging:Logging"
PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup"


def _public(res: Res) -> Iterator[str]:
    if truthy(res.props.get("publiclyAccessible")):
        yield f"Cluster '{res.name}' is publicly accessible."


def _encrypted(res: Res) -> Iterator[str]:
    if falsy(res.props.get("encrypted")):
        yield f"Cluster '{res.name}' turns encryption at rest off."


def _audit(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for cluster in stack.of_type(CLUSTER):
        if truthy(dig(cluster.props, "logging", "enable")):
            continue  # the deprecated inline block
        if not stack.referencing(cluster, LOGGING, "clusterIdentifier"):
            yield cluster.urn, f"Cluster '{cluster.name}' has no audit logging (aws.redshift.Logging)."


def _require_ssl(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for cluster in stack.of_type(CLUSTER):
        deps = cluster.property_dependencies.get("clusterParameterGroupName", [])
        groups = [g for g in deps if g.resource_type == PARAMETER_GROUP]
        if not groups:
            if cluster.props.get("clusterParameterGroupName") is None:
                yield (
                    cluster.urn,
                    f"Cluster '{cluster.name}' uses the default parameter group, where require_ssl is false.",
                )
            continue  # a group named outside the program: not decidable from the plan
        for group in groups:
            on = any(
                str(dig(p, "name")) == "require_ssl" and str(dig(p, "value")).lower() == "true"
                for p in as_list(group.props.get("parameters"))
            )
            if not on:
                yield (
                    cluster.urn,
                    f"Cluster '{cluster.name}' uses parameter group '{group.name}' without require_ssl=true.",
                )


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-redshift-cluster-not-public",
                "Redshift clusters are not publicly accessible.",
                CRITICAL,
                (),
                "Set publicly_accessible=False.",
                examples=(
                    secure({"nodeType": "ra3.xlplus", "publiclyAccessible": False}),
                    insecure({"nodeType": "ra3.xlplus", "publiclyAccessible": True}),
                ),
            ),
            [CLUSTER],
            _public,
        ),
        resource_rule(
            Meta(
                "aws-redshift-cluster-encrypted",
                "Redshift clusters are encrypted at rest.",
                HIGH,
                (),
                "Leave encrypted on (the default) and set kms_key_id for a key you manage.",
                examples=(secure({"nodeType": "ra3.xlplus"}), insecure({"nodeType": "ra3.xlplus", "encrypted": False})),
            ),
            [CLUSTER],
            _encrypted,
        ),
        stack_rule(
            Meta(
                "aws-redshift-cluster-audit-logging",
                "Redshift clusters have audit logging.",
                MEDIUM,
                (),
                "Add an aws.redshift.Logging for the cluster (log_destination_type 'cloudwatch' or 's3').",
            ),
            _audit,
        ),
        stack_rule(
            Meta(
                "aws-redshift-cluster-require-ssl",
                "Redshift clusters accept only TLS connections.",
                MEDIUM,
                (),
                "Create an aws.redshift.ParameterGroup with parameters=[{name: 'require_ssl', value: 'true'}] "
                "and set the cluster's cluster_parameter_group_name to it.",
            ),
            _require_ssl,
        ),
    ]
