"""EFS: encryption at rest, access points with a root directory and a POSIX user."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, MEDIUM, Meta, Res, dig, insecure, resource_rule, secure, truthy

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
_AP = {"fileSystemId": "fs-1", "rootDirectory": {"path": "/app"}, "posixUser": {"uid": 1000, "gid": 1000}}


def _encrypted(res: Res) -> Iterator[str]:
    if not truthy(res.props.get("encrypted")):
        yield f"File system '{res.name}' is not encrypted at rest."


def _root(res: Res) -> Iterator[str]:
    if str(dig(res.props, "rootDirectory", "path") or "/") == "/":
        yield f"Access point '{res.name}' exposes the file system's root directory."


def _user(res: Res) -> Iterator[str]:
    if dig(res.props, "posixUser", "uid") is None:
        yield f"Access point '{res.name}' does not enforce a POSIX user."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-efs-file-system-encrypted",
                "EFS file systems are encrypted at rest.",
                HIGH,
                (),
                "Set encrypted=True (and kms_key_id for a key you manage).",
                examples=(secure({"encrypted": True}), insecure({}), insecure({"encrypted": False})),
            ),
            [FILE_SYSTEM],
            _encrypted,
        ),
        resource_rule(
            Meta(
                "aws-efs-access-point-root-directory",
                "EFS access points confine clients to a directory.",
                MEDIUM,
                (),
                "Set root_directory={path: '/<app>'} on the access point.",
                examples=(secure(_AP), insecure({**_AP, "rootDirectory": None})),
            ),
            [ACCESS_POINT],
            _root,
        ),
        resource_rule(
            Meta(
                "aws-efs-access-point-user",
                "EFS access points enforce a POSIX user.",
                MEDIUM,
                (),
                "Set posix_user={uid: ..., gid: ...} on the access point.",
                examples=(secure(_AP), insecure({**_AP, "posixUser": None})),
            ),
            [ACCESS_POINT],
            _user,
        ),
    ]
