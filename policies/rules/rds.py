"""RDS and Aurora: public access, encryption at rest, literal passwords, deletion protection, backups."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, HIGH, MEDIUM, SECRET_MARK, Meta, Res, insecure, resource_rule, secure, truthy

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def _public(res: Res) -> Iterator[str]:
    if truthy(res.props.get("publiclyAccessible")):
        yield f"Database '{res.name}' is publicly accessible (publiclyAccessible=True)."


def _encrypted(res: Res) -> Iterator[str]:
    if res.type == INSTANCE and res.props.get("dbClusterIdentifier"):
        return  # an Aurora member: the cluster's storageEncrypted decides
    if res.type == CLUSTER and res.props.get("engineMode") == "serverless":
        return  # Aurora Serverless v1 is always encrypted
    if res.type == INSTANCE and res.props.get("replicateSourceDb"):
        return  # a replica inherits the source's encryption
    if not truthy(res.props.get("storageEncrypted")):
        yield f"Database '{res.name}' does not set storageEncrypted=True."


def _password(res: Res) -> Iterator[str]:
    key = "password" if res.type == INSTANCE else "masterPassword"
    value = res.props.get(key)
    if isinstance(value, str) and value and value != SECRET_MARK:
        yield f"Database '{res.name}' has a literal {key} in the program (it ends up in source control and state)."


def _deletion_protection(res: Res) -> Iterator[str]:
    if res.type == INSTANCE and res.props.get("dbClusterIdentifier"):
        return
    if not truthy(res.props.get("deletionProtection")):
        yield f"Database '{res.name}' does not enable deletionProtection."


def _backups(res: Res) -> Iterator[str]:
    value = res.props.get("backupRetentionPeriod")
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        yield f"Database '{res.name}' disables automatic backups (backupRetentionPeriod=0)."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-rds-instance-not-public",
                "RDS instances are not publicly accessible.",
                CRITICAL,
                (),
                "Set publicly_accessible=False and reach the database from inside the VPC.",
                examples=(
                    secure({"engine": "postgres", "publiclyAccessible": False}),
                    secure({"engine": "postgres"}, "the default is private"),
                    insecure({"engine": "postgres", "publiclyAccessible": True}),
                    insecure({"publiclyAccessible": True}, type=CLUSTER_INSTANCE),
                ),
            ),
            [INSTANCE, CLUSTER_INSTANCE],
            _public,
        ),
        resource_rule(
            Meta(
                "aws-rds-storage-encrypted",
                "RDS instances and Aurora clusters are encrypted at rest.",
                HIGH,
                (),
                "Set storage_encrypted=True (and kms_key_id to a key you manage, if you need one).",
                examples=(
                    secure({"engine": "postgres", "storageEncrypted": True}),
                    secure({"engine": "aurora-postgresql", "dbClusterIdentifier": "c1"}, "Aurora member"),
                    secure({"engine": "aurora-postgresql", "storageEncrypted": True}, type=CLUSTER),
                    insecure({"engine": "postgres"}, "unencrypted by default"),
                    insecure({"engine": "aurora-mysql", "storageEncrypted": False}, type=CLUSTER),
                ),
            ),
            [INSTANCE, CLUSTER],
            _encrypted,
        ),
        resource_rule(
            Meta(
                "aws-rds-no-literal-password",
                "Database master passwords are not literals in the program.",
                HIGH,
                (),
                "Set manage_master_user_password=True (RDS keeps it in Secrets Manager), or pass a "
                "Pulumi secret (config.require_secret) instead of a literal.",
                examples=(
                    secure({"engine": "postgres", "manageMasterUserPassword": True}),
                    secure({"engine": "postgres", "password": SECRET_MARK}, "a Pulumi secret"),
                    insecure({"engine": "postgres", "password": "Sup3rSecret!"}),
                    insecure({"engine": "aurora-postgresql", "masterPassword": "hunter2hunter2"}, type=CLUSTER),
                ),
            ),
            [INSTANCE, CLUSTER],
            _password,
        ),
        resource_rule(
            Meta(
                "aws-rds-deletion-protection",
                "RDS instances and Aurora clusters have deletion protection.",
                MEDIUM,
                (),
                "Set deletion_protection=True.",
                examples=(
                    secure({"engine": "postgres", "deletionProtection": True}),
                    insecure({"engine": "postgres"}),
                ),
            ),
            [INSTANCE, CLUSTER],
            _deletion_protection,
        ),
        resource_rule(
            Meta(
                "aws-rds-backups",
                "RDS instances keep automatic backups.",
                MEDIUM,
                (),
                "Set backup_retention_period to at least 7 days.",
                examples=(
                    secure({"engine": "postgres", "backupRetentionPeriod": 7}),
                    insecure({"engine": "postgres", "backupRetentionPeriod": 0}),
                ),
            ),
            [INSTANCE, CLUSTER],
            _backups,
        ),
    ]
