"""Who may touch which stack's state in a self-managed S3 backend (docs/deploy.md, "State backend").

Each environment has its own passphrase (environment-scoped GitHub secrets, and the runner's own
Secrets Manager secret), so a role that can read another environment's state still cannot decrypt its
secrets; the bucket policy below makes sure it cannot read that state at all. Both follow from one
table, `STATE_ACCESS`: the preview role reads only the stacks it previews (the account stack and the
platform's `dev`), and each environment's in-VPC runner reads its platform stack and writes its own
cluster stack, nothing else.

Object layout of Pulumi's DIY backend (project-scoped): `.pulumi/meta.yaml`,
`.pulumi/stacks/<project>/<stack>.json[.bak|.gz]`, and `.pulumi/{locks,history,backups}/<project>/<stack>/`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stacks.stages import ACCOUNT, CLUSTER, PLATFORM

READ, WRITE = "read", "write"
STATE_READ_ACTIONS = ("s3:GetObject",)
STATE_WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject")


@dataclass(frozen=True)
class StackAccess:
    project: str
    stack: str
    access: str
    """`read` (open the stack, read its outputs) or `write` (also lock, update and keep history)."""


def stack_objects(bucket_arn: str, project: str, stack: str, access: str) -> list[str]:
    """The state objects of one stack: its checkpoint, plus, for `write`, its locks, history and backups."""
    objects = [f"{bucket_arn}/.pulumi/stacks/{project}/{stack}.json*"]
    if access == WRITE:
        objects += [f"{bucket_arn}/.pulumi/{kind}/{project}/{stack}/*" for kind in ("locks", "history", "backups")]
    return objects


def runner_access(environment: str) -> list[StackAccess]:
    """The in-VPC runner of `environment`: applies its cluster stack, reads its platform stack's outputs."""
    return [
        StackAccess(PLATFORM.project, environment, READ),
        StackAccess(CLUSTER.project, environment, WRITE),
    ]


def preview_access(region: str) -> list[StackAccess]:
    """The pull-request preview role: the account stage and the platform's dev stack, read only."""
    return [StackAccess(ACCOUNT.project, region, READ), StackAccess(PLATFORM.project, "dev", READ)]


def state_grant_resources(bucket_arn: str, access: Sequence[StackAccess]) -> tuple[list[str], list[str]]:
    """(objects it may read, objects it may also write) for an identity policy."""
    reads = [f"{bucket_arn}/.pulumi/meta.yaml"]
    writes: list[str] = []
    for a in access:
        objects = stack_objects(bucket_arn, a.project, a.stack, a.access)
        reads += objects
        if a.access == WRITE:
            writes += objects
    return reads, writes


def state_bucket_policy(bucket: str, principals: Mapping[str, Sequence[StackAccess]]) -> dict[str, Any]:
    """A bucket policy that denies each principal (an IAM role ARN or ARN pattern) every state object
    outside its own stacks, and every write outside the stacks it applies. Deny statements: they hold
    whatever identity policy the role has (even ReadOnlyAccess)."""
    bucket_arn = f"arn:aws:s3:::{bucket}"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    for i, (principal, access) in enumerate(sorted(principals.items())):
        reads, writes = state_grant_resources(bucket_arn, access)
        who = {"ArnLike": {"aws:PrincipalArn": principal}}
        statements.append(
            {
                "Sid": f"DenyOtherStacks{i}",
                "Effect": "Deny",
                "Principal": "*",
                "Action": [*STATE_READ_ACTIONS, *STATE_WRITE_ACTIONS],
                "NotResource": reads,
                "Condition": who,
            }
        )
        statements.append(
            {
                "Sid": f"DenyWritesOutsideOwnStacks{i}",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(STATE_WRITE_ACTIONS),
                "NotResource": writes or [f"{bucket_arn}/.pulumi/none"],
                "Condition": who,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def default_principals(
    account_id: str, region: str, preview_role_arn: str | None, environments: Iterable[str] = ("dev", "prod")
) -> dict[str, list[StackAccess]]:
    """The preview role (when there is one) and each environment's runner role (named with a prefix by
    the platform stage, `genai-<env>-cluster-deploy-runner-…`, so the pattern holds before it exists)."""
    principals: dict[str, list[StackAccess]] = {
        f"arn:aws:iam::{account_id}:role/genai-{env}-cluster-deploy-runner-*": runner_access(env)
        for env in environments
    }
    if preview_role_arn:
        principals[preview_role_arn] = preview_access(region)
    return principals


def render(policy: Mapping[str, Any]) -> str:
    return json.dumps(policy, indent=2, sort_keys=True)
