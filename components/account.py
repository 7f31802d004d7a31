"""The account baseline: what AWS allows only once per account and region, shared by every environment."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import service_trust
from components.guardduty import ThreatDetector
from components.security_hub import ACCOUNT_ANALYZER, SecurityHub, SecurityHubArgs

# The AWS managed policy for the account-level API Gateway logging role (logs actions only).
PUSH_TO_CLOUDWATCH_POLICY = "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
AUTOSCALING_SERVICE = "autoscaling.amazonaws.com"


def autoscaling_role_arn(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/aws-service-role/{AUTOSCALING_SERVICE}/AWSServiceRoleForAutoScaling"


@dataclass
class AccountBaselineArgs:
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    auto_scaling_role_import_arn: str | None = None
    """`autoscaling_role_arn(...)` when the account already has the role: it is imported, since IAM
    refuses a second one."""
    guard_duty_detector_id: str | None = None
    """Import this detector instead of creating one (GuardDuty allows one per account and region)."""
    region: str = ""
    inspector_ecr: bool = False
    """Amazon Inspector enhanced scanning of the account's ECR images."""
    security_hub_import_id: str | None = None
    """The account id when Security Hub is already enabled: the hub is imported."""
    access_analyzer_name: str | None = None
    """The account's existing ACCOUNT analyzer to import (one per region); None creates `genai-account`."""


class AccountBaseline(pulumi.ComponentResource):
    """The account's singletons, created once and referenced by every environment's platform stack:

    - the `AWSServiceRoleForAutoScaling` service-linked role: the node-volume key policy names it,
      and KMS refuses a key policy whose principal does not exist (it otherwise appears only with
      the account's first Auto Scaling group). Retained on delete: other groups in the account use it;
    - the API Gateway account setting (`aws.apigateway.Account`) with its CloudWatch Logs role: one
      per account and region, so two environments owning it would overwrite each other, and
      destroying one would cut the other's API logging;
    - the GuardDuty detector and its protection plans (one per account and region);
    - Security Hub with its standards, the account IAM Access Analyzer and, optionally, Amazon
      Inspector on ECR (`components.security_hub.SecurityHub`), after the detector so that GuardDuty's
      integration finds the hub. Each environment routes its own findings (`SecurityFindings`).
    """

    autoscaling_role_arn: pulumi.Output[str]
    api_logging_role_arn: pulumi.Output[str]
    detector_id: pulumi.Output[str]
    security_hub_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AccountBaselineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:account:AccountBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        slr = aws.iam.ServiceLinkedRole(
            f"{name}-autoscaling-slr",
            aws_service_name=AUTOSCALING_SERVICE,
            description="EC2 Auto Scaling (EKS managed node groups launch through it)",
            opts=pulumi.ResourceOptions(
                parent=self,
                retain_on_delete=True,
                import_=args.auto_scaling_role_import_arn,
                # An import fails when inputs differ from the existing resource; AWS sets these itself.
                ignore_changes=["description", "tags"] if args.auto_scaling_role_import_arn else None,
            ),
        )
        self.autoscaling_role_arn = slr.arn

        logging_role = aws.iam.Role(
            f"{name}-apigateway-cloudwatch-role",
            # API Gateway's documented trust policy, without aws:SourceAccount: no AWS document says
            # API Gateway sends it when UpdateAccount checks the role (docs/request-path.md).
            assume_role_policy=service_trust(["apigateway.amazonaws.com"], None),
            description="API Gateway account-level role for CloudWatch Logs",
            opts=child,
        )
        logging_policy = aws.iam.RolePolicyAttachment(
            f"{name}-apigateway-cloudwatch-policy",
            role=logging_role.name,
            policy_arn=pulumi.Output.format("arn:{0}:iam::aws:policy/{1}", args.partition, PUSH_TO_CLOUDWATCH_POLICY),
            opts=child,
        )
        aws.apigateway.Account(
            f"{name}-apigateway-account",
            cloudwatch_role_arn=logging_role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logging_policy]),
        )
        self.api_logging_role_arn = logging_role.arn

        guardduty = ThreatDetector(f"{name}-guardduty", import_id=args.guard_duty_detector_id, opts=child)
        self.detector_id = guardduty.detector.id
        hub = SecurityHub(
            f"{name}-security-hub",
            SecurityHubArgs(
                partition=args.partition,
                region=args.region,
                account_id=args.account_id,
                analyzer_name=args.access_analyzer_name or ACCOUNT_ANALYZER,
                import_analyzer=args.access_analyzer_name is not None,
                inspector_ecr=args.inspector_ecr,
                import_hub_id=args.security_hub_import_id,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[guardduty]),
        )
        self.security_hub_arn = hub.hub_arn
        self.register_outputs(
            {
                "autoScalingRoleArn": self.autoscaling_role_arn,
                "apiGatewayLoggingRoleArn": self.api_logging_role_arn,
                "guardDutyDetectorId": self.detector_id,
                "securityHubArn": self.security_hub_arn,
            }
        )
