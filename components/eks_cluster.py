"""An EKS control plane built from `aws.eks.Cluster` with the platform's controls on by default."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document
from components.kms import EncryptionKey, EncryptionKeyArgs, RoleUse
from components.log_group import EncryptedLogGroup, LogGroupArgs

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# Installed with the control plane, before any node joins (nodes need the CNI to become Ready).
EARLY_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
# Needs schedulable nodes to become healthy: install after the node groups.
LATE_ADDONS = ("coredns",)
ADDON_CONFIGURATION: dict[str, dict[str, Any]] = {
    # The VPC CNI's network policy agent enforces Kubernetes NetworkPolicies.
    "vpc-cni": {"enableNetworkPolicy": "true"},
}


def cluster_log_group_name(cluster_name: str) -> str:
    """EKS writes control-plane logs to exactly this log group."""
    return f"/aws/eks/{cluster_name}/cluster"


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str, role_arn: str | None = None) -> str:
    """A kubeconfig (JSON) that authenticates with `aws eks get-token`; holds no credentials.

    With `role_arn` the token is for that role: with no creator admin, the named admin role is the
    only principal with an access entry, so the deployer assumes it to apply the Kubernetes baseline.
    """
    args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region]
    if role_arn:
        args += ["--role-arn", role_arn]
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": args,
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


def cluster_admin_access(
    name: str,
    cluster_name: pulumi.Input[str],
    principal_arn: pulumi.Input[str],
    partition: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> aws.eks.AccessEntry:
    """An access entry for `principal_arn` with AmazonEKSClusterAdminPolicy on the whole cluster
    (resources `<name>` and `<name>-policy`)."""
    entry = aws.eks.AccessEntry(
        name, cluster_name=cluster_name, principal_arn=principal_arn, type="STANDARD", opts=opts
    )
    aws.eks.AccessPolicyAssociation(
        f"{name}-policy",
        cluster_name=cluster_name,
        principal_arn=entry.principal_arn,
        policy_arn=pulumi.Output.format(
            "arn:{0}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", partition
        ),
        access_scope={"type": "cluster"},
        opts=opts,
    )
    return entry


@dataclass
class EksClusterArgs:
    cluster_name: str
    """Explicit (`<prefix>-cluster`): the control-plane log group name derives from it."""
    version: str
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets for the control plane's ENIs."""
    endpoint_public_access_cidrs: Sequence[str]
    """Empty: no public endpoint at all. Never 0.0.0.0/0 (settings refuse it)."""
    admin_role_arn: str | None
    """A role operators assume; gets cluster admin."""
    addon_versions: Mapping[str, str]
    log_retention_days: int
    region: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    key_deletion_window_days: int
    key_administrators: Sequence[str]
    """Roles that administer the secrets and log CMKs; empty: the account root (see `EncryptionKey`)."""
    deletion_protection: bool = False
    deploy_role_arn: str | None = None
    """The role that runs Pulumi; gets cluster admin, and the Kubernetes provider authenticates as it."""
    tags: dict[str, str] = field(default_factory=dict)

    def cluster_admins(self) -> dict[str, str]:
        """Access-entry name suffix -> principal ARN, for every role that gets cluster admin."""
        admins = {"admin": self.admin_role_arn} if self.admin_role_arn else {}
        if self.deploy_role_arn and self.deploy_role_arn != self.admin_role_arn:
            admins["deployer"] = self.deploy_role_arn
        return admins


class EksCluster(pulumi.ComponentResource):
    """The control plane:

    - private API endpoint; a public one only for the listed CIDRs (none at all when the list is empty);
    - Kubernetes secrets envelope-encrypted with a dedicated CMK;
    - all five control-plane log types, to `/aws/eks/<name>/cluster` (CMK, retention);
    - access entries only (authentication mode API), no implicit admin for the creator; the named
      admin role and the deploy role get an access entry with AmazonEKSClusterAdminPolicy;
    - managed addons pinned to settings: vpc-cni (network policy on), kube-proxy, the pod identity
      agent, and (through `install_late_addons`, after nodes exist) coredns.
    Workload IAM uses EKS Pod Identity (the agent addon), so no OIDC provider is created.
    """

    cluster: aws.eks.Cluster
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    cluster_security_group_id: pulumi.Output[str]
    secrets_key: EncryptionKey
    log_group: EncryptedLogGroup
    kubeconfig: pulumi.Output[str]
    addons: dict[str, aws.eks.Addon]

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:compute:EksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._args = args
        self._component_name = name
        log_group_name = cluster_log_group_name(args.cluster_name)

        role = aws.iam.Role(
            f"{name}-role",
            # EKS's documented trust policy; no aws:SourceAccount condition (EKS does not send it).
            assume_role_policy=policy_document(
                [
                    Grant(
                        sid="TrustedServices",
                        actions=["sts:AssumeRole", "sts:TagSession"],
                        principals={"Service": ["eks.amazonaws.com"]},
                    )
                ]
            ),
            description=f"EKS control plane of {args.cluster_name}",
            opts=child,
        )
        self.secrets_key = EncryptionKey(
            f"{name}-secrets",
            EncryptionKeyArgs(
                description=f"Envelope encryption of Kubernetes secrets in {args.cluster_name}",
                account_id=args.account_id,
                partition=args.partition,
                deletion_window_days=args.key_deletion_window_days,
                administrators=args.key_administrators,
                # EKS checks the key's grants as the cluster role. The key policy delegates only key
                # use to IAM, so this must be said here (docs/compute.md, "Secrets key").
                roles=[RoleUse(sid="EksClusterListGrants", role_arn=role.arn, actions=("kms:ListGrants",))],
            ),
            opts=child,
        )
        logs_key = EncryptionKey(
            f"{name}-logs",
            EncryptionKeyArgs(
                description=f"Control-plane logs of {args.cluster_name}",
                account_id=args.account_id,
                partition=args.partition,
                deletion_window_days=args.key_deletion_window_days,
                administrators=args.key_administrators,
                logs_region=args.region,
            ),
            opts=child,
        )
        # Created before the cluster, so EKS never creates it unencrypted and without retention.
        self.log_group = EncryptedLogGroup(
            f"{name}-logs",
            LogGroupArgs(
                log_group_name=log_group_name,
                retention_days=args.log_retention_days,
                key=logs_key,
                classification="confidential",
            ),
            opts=child,
        )
        logs_key.seal()

        cluster_policy = aws.iam.RolePolicyAttachment(
            f"{name}-cluster-policy",
            role=role.name,
            policy_arn=pulumi.Output.format("arn:{0}:iam::aws:policy/AmazonEKSClusterPolicy", args.partition),
            opts=child,
        )
        secrets_access = aws.iam.RolePolicy(
            f"{name}-secrets-key",
            role=role.id,
            policy=policy_document(
                [
                    Grant(
                        sid="SecretsEnvelopeEncryption",
                        actions=["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
                        resources=[self.secrets_key.arn],
                    )
                ]
            ),
            opts=child,
        )

        public = bool(args.endpoint_public_access_cidrs)
        vpc_config: aws.eks.ClusterVpcConfigArgsDict = {
            "subnet_ids": list(args.subnet_ids),
            "endpoint_private_access": True,
            "endpoint_public_access": public,
        }
        if public:
            vpc_config["public_access_cidrs"] = list(args.endpoint_public_access_cidrs)
        self.cluster = aws.eks.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            version=args.version,
            role_arn=role.arn,
            vpc_config=vpc_config,
            encryption_config={"resources": ["secrets"], "provider": {"key_arn": self.secrets_key.arn}},
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            # The platform installs the networking addons as pinned, managed addons instead.
            bootstrap_self_managed_addons=False,
            deletion_protection=args.deletion_protection,
            tags={**args.tags, "DataClassification": "confidential"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.log_group, cluster_policy, secrets_access]),
        )
        self.name = self.cluster.name
        self.endpoint = self.cluster.endpoint
        self.certificate_authority = self.cluster.certificate_authority.apply(lambda ca: ca.data or "")
        self.cluster_security_group_id = self.cluster.vpc_config.apply(lambda v: v.cluster_security_group_id or "")

        for suffix, principal in args.cluster_admins().items():
            cluster_admin_access(f"{name}-{suffix}", self.cluster.name, principal, args.partition, child)

        self.addons = {}
        for addon in EARLY_ADDONS:
            self._addon(name, addon, [])

        # Pulumi runs as the deploy role, which has its own access entry; without one, it assumes the admin role.
        token_role = None if args.deploy_role_arn else args.admin_role_arn
        self.kubeconfig = pulumi.Output.all(self.cluster.name, self.endpoint, self.certificate_authority).apply(
            lambda parts: kubeconfig(parts[0], parts[1], parts[2], args.region, token_role)
        )
        self.register_outputs(
            {
                "name": self.cluster.name,
                "endpoint": self.endpoint,
                "clusterSecurityGroupId": self.cluster_security_group_id,
                "logGroup": self.log_group.name,
            }
        )

    def install_late_addons(self, after: Sequence[pulumi.Resource]) -> None:
        """Install the addons that need running nodes (coredns), once `after` (node groups) exist."""
        for addon in LATE_ADDONS:
            self._addon(self._component_name, addon, after)

    def _addon(self, name: str, addon: str, depends_on: Sequence[pulumi.Resource]) -> None:
        configuration = ADDON_CONFIGURATION.get(addon)
        self.addons[addon] = aws.eks.Addon(
            f"{name}-{addon}",
            cluster_name=self.cluster.name,
            addon_name=addon,
            addon_version=self._args.addon_versions[addon],
            configuration_values=json.dumps(configuration, sort_keys=True) if configuration else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )


def cluster_api_client_group(
    name: str,
    *,
    name_prefix: str,
    description: str,
    egress_description: str,
    ingress_name: str,
    ingress_description: str,
    vpc_id: pulumi.Input[str],
    cluster_security_group_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    """A security group (`<name>-sg`) for something in the VPC that calls the private cluster API and AWS
    APIs: HTTPS out to anywhere (`<name>-egress-https`), and HTTPS into the cluster's security group from
    it (`ingress_name`)."""
    child = pulumi.ResourceOptions(parent=parent)
    group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        name_prefix=f"{name_prefix}-",
        description=description,
        vpc_id=vpc_id,
        revoke_rules_on_delete=True,
        tags={"Name": name_prefix},
        opts=child,
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-egress-https",
        security_group_id=group.id,
        description=egress_description,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv4="0.0.0.0/0",
        opts=child,
    )
    aws.vpc.SecurityGroupIngressRule(
        ingress_name,
        security_group_id=cluster_security_group_id,
        description=ingress_description,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        referenced_security_group_id=group.id,
        opts=child,
    )
    return group
