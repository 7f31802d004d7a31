"""ECS: secrets in container environments, privileged and writable containers, logging, public IPs,
Container Insights."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    HIGH,
    LOW,
    MEDIUM,
    SECRET_MARK,
    Meta,
    Res,
    as_list,
    as_map,
    dig,
    insecure,
    resource_rule,
    secure,
    truthy,
)
from .lambda_ import plaintext_secret

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"


def containers(res: Res) -> list[Mapping[str, Any]]:
    """The task's container definitions (JSON text in the plan); [] when absent or computed."""
    raw = res.props.get("containerDefinitions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [as_map(c) for c in as_list(raw) if isinstance(c, Mapping)]


def _secrets(res: Res) -> Iterator[str]:
    if res.props.get("containerDefinitions") == SECRET_MARK:
        # A secret built into the definitions (environment, command): ECS keeps it readable.
        yield (
            f"The container definitions of '{res.name}' embed a Pulumi secret, which ECS stores in plain text "
            "in the task definition."
        )
        return
    for c in containers(res):
        for variable in as_list(c.get("environment")):
            why = plaintext_secret(str(dig(variable, "name") or ""), dig(variable, "value"))
            if why:
                yield f"Container '{c.get('name')}' of '{res.name}': environment {dig(variable, 'name')} {why}."


def _privileged(res: Res) -> Iterator[str]:
    for c in containers(res):
        if truthy(c.get("privileged")):
            yield f"Container '{c.get('name')}' of '{res.name}' runs privileged."


def _read_only(res: Res) -> Iterator[str]:
    for c in containers(res):
        if not truthy(c.get("readonlyRootFilesystem")):
            yield f"Container '{c.get('name')}' of '{res.name}' has a writable root filesystem."


def _logging(res: Res) -> Iterator[str]:
    for c in containers(res):
        if not dig(c, "logConfiguration", "logDriver"):
            yield f"Container '{c.get('name')}' of '{res.name}' has no logConfiguration."


def _public_ip(res: Res) -> Iterator[str]:
    if truthy(dig(res.props, "networkConfiguration", "assignPublicIp")):
        yield f"Service '{res.name}' assigns public IPs to its tasks (networkConfiguration.assignPublicIp)."


def _insights(res: Res) -> Iterator[str]:
    for setting in as_list(res.props.get("settings")):
        if dig(setting, "name") == "containerInsights" and dig(setting, "value") in ("enabled", "enhanced"):
            return
    yield f"Cluster '{res.name}' does not enable Container Insights."


def _task(*definitions: Mapping[str, Any]) -> dict[str, Any]:
    return {"family": "app", "containerDefinitions": json.dumps(list(definitions))}


_LOG = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}}
_GOOD = {"name": "app", "image": "app:1", "readonlyRootFilesystem": True, "logConfiguration": _LOG}


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-ecs-task-no-plaintext-secrets",
                "ECS container environments hold no plaintext secrets.",
                CRITICAL,
                (),
                "Put the value in Secrets Manager or SSM Parameter Store and reference it in the "
                "container's `secrets` list (valueFrom), not in `environment`.",
                examples=(
                    secure(_task({**_GOOD, "environment": [{"name": "STAGE", "value": "prod"}]})),
                    secure(
                        _task(
                            {
                                **_GOOD,
                                "secrets": [
                                    {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db"}
                                ],
                            }
                        )
                    ),
                    insecure(_task({**_GOOD, "environment": [{"name": "DB_PASSWORD", "value": "hunter2!"}]})),
                    insecure({"containerDefinitions": SECRET_MARK}, "a secret inlined in the definitions"),
                    insecure(_task({**_GOOD, "environment": [{"name": "X", "value": "AKIAABCDEFGHIJKLMNOP"}]})),
                ),
            ),
            [TASK],
            _secrets,
        ),
        resource_rule(
            Meta(
                "aws-ecs-task-non-privileged",
                "ECS containers do not run privileged.",
                HIGH,
                (),
                "Remove privileged=true from the container definition.",
                examples=(secure(_task(_GOOD)), insecure(_task({**_GOOD, "privileged": True}))),
            ),
            [TASK],
            _privileged,
        ),
        resource_rule(
            Meta(
                "aws-ecs-task-read-only-root",
                "ECS containers have read-only root filesystems.",
                MEDIUM,
                (),
                "Set readonlyRootFilesystem=true and mount a volume for paths the app writes.",
                examples=(secure(_task(_GOOD)), insecure(_task({**_GOOD, "readonlyRootFilesystem": False}))),
            ),
            [TASK],
            _read_only,
        ),
        resource_rule(
            Meta(
                "aws-ecs-task-logging",
                "ECS containers send their logs somewhere.",
                MEDIUM,
                (),
                "Add a logConfiguration (e.g. the awslogs driver) to every container definition.",
                examples=(
                    secure(_task(_GOOD)),
                    insecure(_task({"name": "app", "image": "app:1", "readonlyRootFilesystem": True})),
                ),
            ),
            [TASK],
            _logging,
        ),
        resource_rule(
            Meta(
                "aws-ecs-service-no-public-ip",
                "ECS services do not give their tasks public IPs.",
                HIGH,
                (),
                "Set network_configuration.assign_public_ip=False; run tasks in private subnets behind a load balancer.",
                examples=(
                    secure({"networkConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": False}}),
                    insecure({"networkConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": True}}),
                ),
            ),
            [SERVICE],
            _public_ip,
        ),
        resource_rule(
            Meta(
                "aws-ecs-cluster-container-insights",
                "ECS clusters use Container Insights.",
                LOW,
                (),
                "Set settings=[{name:'containerInsights', value:'enabled'}] on the cluster.",
                examples=(
                    secure({"settings": [{"name": "containerInsights", "value": "enabled"}]}),
                    insecure({}),
                    insecure({"settings": [{"name": "containerInsights", "value": "disabled"}]}),
                ),
            ),
            [CLUSTER],
            _insights,
        ),
    ]
