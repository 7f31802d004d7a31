"""`python key_harness.py`: build one logs-admitting key with two log groups under mocks and print the
key's policy and what a log group created after `seal()` raises, as JSON."""

from __future__ import annotations

import json
from typing import Any

import pulumi
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.kms import EncryptionKey, EncryptionKeyArgs
from components.log_group import EncryptedLogGroup, LogGroupArgs


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.policies: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "aws:kms/key:Key":
            self.policies.append(args.inputs["policy"])
        return f"{args.name}-id", {**args.inputs, "arn": f"arn:aws:kms:eu-west-1:123456789012:key/{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def main() -> None:
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="p", stack="dev", preview=False)
    errors: list[str] = []

    def program() -> None:
        key = EncryptionKey(
            "k",
            EncryptionKeyArgs(
                description="d",
                account_id="123456789012",
                partition="aws",
                deletion_window_days=7,
                administrators=[],
                logs_region="eu-west-1",
            ),
        )
        for group in ("/aws/lambda/a", "/aws/lambda/new-function"):
            EncryptedLogGroup(group, LogGroupArgs(log_group_name=group, retention_days=7, key=key))
        key.seal()
        try:
            EncryptedLogGroup("late", LogGroupArgs(log_group_name="/late", retention_days=7, key=key))
        except ValueError as err:
            errors.append(str(err))

    _sync_await(run_pulumi_func(program))
    print(json.dumps({"policies": mocks.policies, "errors": errors}))


if __name__ == "__main__":
    main()
