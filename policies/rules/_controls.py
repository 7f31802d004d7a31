"""The control catalogue: which AWS Security Hub FSBP controls each rule decides, and why the other
FSBP controls of the covered services cannot be decided from a plan.

Rule names are the one ID per control used by the pack, `review` and `audit`
(infra/audit/controls.py maps the audit's check ids onto them). docs/policy-coverage.md is generated
from this table and the rules' metadata (tools/policy_docs.py).
"""

from __future__ import annotations

FSBP = "AWS-FSBP"

# FSBP control -> (title, reason it cannot be decided from a plan, or "" when a rule decides it).
RUNTIME = "needs the deployed resource's runtime state or history, which a plan does not have"
ACCOUNT = "an account- or region-level setting, not a resource a program declares"
AVAILABILITY = "availability/resilience, not a security decision of this pack"
FSBP_CONTROLS: dict[str, tuple[str, str]] = {
    # S3
    "S3.1": ("S3 general purpose buckets should have block public access settings enabled (account)", ACCOUNT),
    "S3.5": ("S3 general purpose buckets should require requests to use SSL", ""),
    "S3.6": ("S3 bucket policies should restrict access to other AWS accounts", ""),
    "S3.8": ("S3 general purpose buckets should block public access", ""),
    "S3.9": ("S3 general purpose buckets should have server access logging enabled", ""),
    "S3.12": ("ACLs should not be used to manage user access to S3 general purpose buckets", ""),
    "S3.14": ("S3 general purpose buckets should have versioning enabled", ""),
    "S3.17": ("S3 general purpose buckets should be encrypted at rest with AWS KMS keys", ""),
    "S3.13": ("S3 general purpose buckets should have Lifecycle configurations", AVAILABILITY),
    "S3.7": ("S3 general purpose buckets should use cross-Region replication", AVAILABILITY),
    # KMS
    "KMS.1": ("IAM customer managed policies should not allow decryption actions on all KMS keys", ""),
    "KMS.2": ("IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys", ""),
    "KMS.3": ("AWS KMS keys should not be deleted unintentionally", RUNTIME),
    "KMS.4": ("AWS KMS key rotation should be enabled", ""),
    "KMS.5": ("KMS keys should not be publicly accessible", ""),
    # IAM
    "IAM.1": ('IAM policies should not allow full "*" administrative privileges', ""),
    "IAM.2": ("IAM users should not have IAM policies attached", ""),
    "IAM.3": ("IAM users' access keys should be rotated every 90 days or less", RUNTIME),
    "IAM.4": ("IAM root user access key should not exist", ACCOUNT),
    "IAM.5": ("MFA should be enabled for all IAM users that have a console password", RUNTIME),
    "IAM.6": ("Hardware MFA should be enabled for the root user", ACCOUNT),
    "IAM.7": ("Password policies for IAM users should have strong configurations", ACCOUNT),
    "IAM.8": ("Unused IAM user credentials should be removed", RUNTIME),
    "IAM.21": ("IAM customer managed policies should not allow wildcard actions for services", ""),
    # EC2 / VPC / Auto Scaling
    "EC2.2": ("VPC default security groups should not allow inbound or outbound traffic", ""),
    "EC2.3": ("Attached EBS volumes should be encrypted at-rest", ""),
    "EC2.6": ("VPC flow logging should be enabled in all VPCs", ""),
    "EC2.7": ("EBS default encryption should be enabled", ACCOUNT),
    "EC2.8": ("EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", ""),
    "EC2.9": ("EC2 instances should not have a public IPv4 address", ""),
    "EC2.15": ("EC2 subnets should not automatically assign public IP addresses", ""),
    "EC2.18": ("Security groups should only allow unrestricted incoming traffic for authorized ports", ""),
    "EC2.19": ("Security groups should not allow unrestricted access to ports with high risk", ""),
    "EC2.53": ("EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", ""),
    "EC2.54": ("EC2 security groups should not allow ingress from ::/0 to remote server administration ports", ""),
    "EC2.170": ("EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)", ""),
    "AutoScaling.3": ("Auto Scaling group launch configurations should configure EC2 instances to require IMDSv2", ""),
    "AutoScaling.5": (
        "EC2 instances launched using Auto Scaling group launch configurations should not have Public IP addresses",
        "",
    ),
    "AutoScaling.9": ("EC2 Auto Scaling groups should use EC2 launch templates", ""),
    # EKS / ECR
    "EKS.1": ("EKS cluster endpoints should not be publicly accessible", ""),
    "EKS.2": ("EKS clusters should run on a supported Kubernetes version", RUNTIME),
    "EKS.3": ("EKS clusters should use encrypted Kubernetes secrets", ""),
    "EKS.8": ("EKS clusters should have audit logging enabled", ""),
    "ECR.1": ("ECR private repositories should have image scanning configured", ""),
    "ECR.2": ("ECR private repositories should have tag immutability configured", ""),
    "ECR.3": ("ECR repositories should have at least one lifecycle policy configured", AVAILABILITY),
    # ECS
    "ECS.2": ("ECS services should not have public IP addresses assigned to them automatically", ""),
    "ECS.4": ("ECS containers should run as non-privileged", ""),
    "ECS.5": ("ECS task definitions should limit containers to read-only access to root filesystems", ""),
    "ECS.8": ("Secrets should not be passed as container environment variables", ""),
    "ECS.9": ("ECS task definitions should have a logging configuration", ""),
    "ECS.10": ("ECS Fargate services should run on the latest Fargate platform version", RUNTIME),
    "ECS.12": ("ECS clusters should use Container Insights", ""),
    # ELB
    "ELB.1": ("Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", ""),
    "ELB.3": ("Classic Load Balancer listeners should be configured with HTTPS or TLS termination", ""),
    "ELB.4": ("Application Load Balancer should be configured to drop invalid http headers", ""),
    "ELB.5": ("Application and Classic Load Balancers logging should be enabled", ""),
    "ELB.6": ("Application, Gateway, and Network Load Balancers should have deletion protection enabled", AVAILABILITY),
    "ELB.8": (
        "Classic Load Balancers with SSL listeners should use a predefined security policy with strong configuration",
        "",
    ),
    "ELB.16": ("Application Load Balancers should be associated with an AWS WAF web ACL", ""),
    "ELB.17": ("Application and Network Load Balancers with listeners should use recommended security policies", ""),
    # CloudFront
    "CloudFront.1": ("CloudFront distributions should have a default root object configured", ""),
    "CloudFront.3": ("CloudFront distributions should require encryption in transit", ""),
    "CloudFront.5": ("CloudFront distributions should have logging enabled", ""),
    "CloudFront.6": ("CloudFront distributions should have WAF enabled", ""),
    "CloudFront.7": ("CloudFront distributions should use custom SSL/TLS certificates", ""),
    "CloudFront.9": ("CloudFront distributions should encrypt traffic to custom origins", ""),
    "CloudFront.10": (
        "CloudFront distributions should not use deprecated SSL protocols between edge locations and custom origins",
        "",
    ),
    "CloudFront.12": ("CloudFront distributions should not point to non-existent S3 origins", RUNTIME),
    "CloudFront.13": ("CloudFront distributions should use origin access control", ""),
    # API Gateway
    "APIGateway.1": ("API Gateway REST and WebSocket API execution logging should be enabled", ""),
    "APIGateway.3": ("API Gateway REST API stages should have AWS X-Ray tracing enabled", ""),
    "APIGateway.4": ("API Gateway should be associated with a WAF Web ACL", ""),
    "APIGateway.5": ("API Gateway REST API cache data should be encrypted at rest", ""),
    "APIGateway.8": ("API Gateway routes should specify an authorization type", ""),
    "APIGateway.9": ("Access logging should be configured for API Gateway V2 Stages", ""),
    # Lambda
    "Lambda.1": ("Lambda function policies should prohibit public access", ""),
    "Lambda.2": ("Lambda functions should use supported runtimes", ""),
    "Lambda.3": (
        "Lambda functions should be in a VPC",
        "a design choice (many functions need no VPC), not decidable as secure or insecure from a plan alone",
    ),
    "Lambda.5": ("VPC Lambda functions should operate in multiple Availability Zones", AVAILABILITY),
    # Secrets Manager
    "SecretsManager.1": ("Secrets Manager secrets should have automatic rotation enabled", ""),
    "SecretsManager.2": (
        "Secrets Manager secrets configured with automatic rotation should rotate successfully",
        RUNTIME,
    ),
    "SecretsManager.3": ("Remove unused Secrets Manager secrets", RUNTIME),
    "SecretsManager.4": ("Secrets Manager secrets should be rotated within a specified number of days", ""),
    # GuardDuty / CloudTrail / CloudWatch
    "GuardDuty.1": ("GuardDuty should be enabled", ""),
    "GuardDuty.5": ("GuardDuty EKS Audit Log Monitoring should be enabled", ""),
    "GuardDuty.6": ("GuardDuty Lambda Protection should be enabled", ""),
    "GuardDuty.7": ("GuardDuty EKS Runtime Monitoring should be enabled", ""),
    "GuardDuty.8": ("GuardDuty Malware Protection for EC2 should be enabled", ""),
    "GuardDuty.10": ("GuardDuty S3 Protection should be enabled", ""),
    "CloudTrail.1": ("CloudTrail should be enabled and configured with at least one multi-Region trail", ""),
    "CloudTrail.2": ("CloudTrail should have encryption at-rest enabled", ""),
    "CloudTrail.4": ("CloudTrail log file validation should be enabled", ""),
    "CloudTrail.5": ("CloudTrail trails should be integrated with Amazon CloudWatch Logs", ""),
    # Data services
    "DynamoDB.1": ("DynamoDB tables should automatically scale capacity with demand", AVAILABILITY),
    "DynamoDB.2": ("DynamoDB tables should have point-in-time recovery enabled", ""),
    "DynamoDB.6": ("DynamoDB tables should have deletion protection enabled", ""),
    "EFS.1": ("Elastic File System should be configured to encrypt file data at-rest using AWS KMS", ""),
    "EFS.2": ("Amazon EFS volumes should be in backup plans", RUNTIME),
    "EFS.3": ("EFS access points should enforce a root directory", ""),
    "EFS.4": ("EFS access points should enforce a user identity", ""),
    "Kinesis.1": ("Kinesis streams should be encrypted at rest", ""),
    "SQS.1": ("Amazon SQS queues should be encrypted at rest", ""),
    "SNS.1": ("SNS topics should be encrypted at-rest using AWS KMS", ""),
    "RDS.1": ("RDS snapshot should be private", RUNTIME),
    "RDS.2": (
        "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration",
        "",
    ),
    "RDS.3": ("RDS DB instances should have encryption at-rest enabled", ""),
    "RDS.4": ("RDS cluster snapshots and database snapshots should be encrypted at rest", RUNTIME),
    "RDS.5": ("RDS DB instances should be configured with multiple Availability Zones", AVAILABILITY),
    "RDS.7": ("RDS clusters should have deletion protection enabled", ""),
    "RDS.8": ("RDS DB instances should have deletion protection enabled", ""),
    "RDS.11": ("RDS instances should have automatic backups enabled", ""),
    "RDS.27": ("RDS DB clusters should be encrypted at rest", ""),
    "Redshift.1": ("Amazon Redshift clusters should prohibit public access", ""),
    "Redshift.2": ("Connections to Amazon Redshift clusters should be encrypted in transit", ""),
    "Redshift.4": ("Amazon Redshift clusters should have audit logging enabled", ""),
    "Redshift.10": ("Redshift clusters should be encrypted at rest", ""),
    "StepFunctions.1": ("Step Functions state machines should have logging turned on", ""),
    "AppSync.2": ("AWS AppSync should have field-level logging enabled", ""),
    "AppSync.5": ("AWS AppSync GraphQL APIs should not be authenticated with API keys", ""),
}

# Rule -> the FSBP controls it decides (empty: no FSBP control; the rule's own frameworks say what it maps to).
RULE_FSBP: dict[str, tuple[str, ...]] = {
    "aws-s3-bucket-encryption": ("S3.17",),
    "aws-s3-bucket-versioning": ("S3.14",),
    "aws-s3-bucket-public-access-block": ("S3.8",),
    "aws-s3-bucket-ownership-enforced": ("S3.12",),
    "aws-s3-bucket-logging": ("S3.9",),
    "aws-s3-bucket-tls-only": ("S3.5",),
    "aws-s3-bucket-classification": (),
    "aws-s3-bucket-policy-no-public-principal": ("S3.6",),
    "aws-kms-key-rotation": ("KMS.4",),
    "aws-kms-key-policy-no-public-admin": ("KMS.5",),
    "aws-kms-key-policy-admin-separation": (),
    "aws-kms-key-policy-named-admins": (),
    "aws-iam-policy-no-wildcard-action": ("IAM.21",),
    "aws-iam-policy-no-wildcard-resource-data": ("KMS.1", "KMS.2"),
    "aws-iam-policy-no-passrole-wildcard": (),
    "aws-iam-role-trust-no-wildcard-principal": (),
    "aws-iam-no-inline-admin": ("IAM.1",),
    "aws-iam-no-admin-managed-policy": ("IAM.1",),
    "aws-iam-user-no-policies": ("IAM.2",),
    "aws-iam-user-no-access-keys": (),
    "aws-iam-github-oidc-trust-conditions": (),
    "aws-ec2-launch-template-imdsv2": ("EC2.170", "EC2.8"),
    "aws-ec2-launch-template-ebs-encrypted": ("EC2.3",),
    "aws-ec2-instance-ebs-encrypted": ("EC2.3",),
    "aws-ec2-instance-no-public-ip": ("EC2.9",),
    "aws-ec2-security-group-no-public-ingress": ("EC2.18", "EC2.19", "EC2.53", "EC2.54"),
    "aws-ec2-vpc-flow-logs": ("EC2.6",),
    "aws-ec2-default-security-group-closed": ("EC2.2",),
    "aws-ec2-vpc-default-security-group-managed": ("EC2.2",),
    "aws-ec2-subnet-no-public-ip-on-launch": ("EC2.15",),
    "aws-autoscaling-launch-configuration-imdsv2": ("AutoScaling.3",),
    "aws-autoscaling-launch-configuration-ebs-encrypted": ("EC2.3",),
    "aws-autoscaling-launch-configuration-no-public-ip": ("AutoScaling.5",),
    "aws-autoscaling-group-launch-template": ("AutoScaling.9",),
    "aws-provider-region-allowed": (),
    "aws-eks-cluster-endpoint-private": ("EKS.1",),
    "aws-eks-cluster-secrets-encryption": ("EKS.3",),
    "aws-eks-cluster-control-plane-logging": ("EKS.8",),
    "aws-eks-nodegroup-gpu-taint": (),
    "aws-eks-nodegroup-no-ssh": (),
    "aws-eks-nodegroup-gpu-family-allowed": (),
    "aws-ecr-repository-scan-on-push": ("ECR.1",),
    "aws-ecr-repository-immutable-tags": ("ECR.2",),
    "aws-ecr-repository-kms": (),
    "aws-ecr-repository-policy-no-public": (),
    "aws-ecs-task-no-plaintext-secrets": ("ECS.8",),
    "aws-ecs-task-non-privileged": ("ECS.4",),
    "aws-ecs-task-read-only-root": ("ECS.5",),
    "aws-ecs-task-logging": ("ECS.9",),
    "aws-ecs-service-no-public-ip": ("ECS.2",),
    "aws-ecs-cluster-container-insights": ("ECS.12",),
    "aws-lb-listener-https": ("ELB.1", "ELB.3"),
    "aws-lb-listener-tls-policy": ("ELB.8", "ELB.17"),
    "aws-lb-drop-invalid-headers": ("ELB.4",),
    "aws-lb-access-logs": ("ELB.5",),
    "aws-lb-waf": ("ELB.16",),
    "aws-cloudfront-viewer-https": ("CloudFront.3",),
    "aws-cloudfront-origin-https": ("CloudFront.9", "CloudFront.10"),
    "aws-cloudfront-min-tls": ("CloudFront.7",),
    "aws-cloudfront-waf": ("CloudFront.6",),
    "aws-cloudfront-logging": ("CloudFront.5",),
    "aws-cloudfront-default-root-object": ("CloudFront.1",),
    "aws-cloudfront-s3-origin-access-control": ("CloudFront.13",),
    "aws-apigateway-stage-waf": ("APIGateway.4",),
    "aws-apigateway-stage-access-logs": (),
    "aws-apigateway-execution-logging": ("APIGateway.1",),
    "aws-apigateway-stage-caching-disabled": ("APIGateway.5",),
    "aws-apigateway-stage-data-trace-disabled": (),
    "aws-apigateway-stage-tracing": ("APIGateway.3",),
    "aws-apigateway-method-authorization": (),
    "aws-apigateway-openapi-authorization": (),
    "aws-apigatewayv2-route-authorization": ("APIGateway.8",),
    "aws-apigatewayv2-stage-access-logs": ("APIGateway.9",),
    "aws-wafv2-web-acl-managed-rules": (),
    "aws-wafv2-web-acl-rate-limit": (),
    "aws-wafv2-web-acl-logging": (),
    "aws-lambda-function-no-plaintext-secrets": (),
    "aws-bedrock-guardrail-prompt-attack": (),
    "aws-bedrock-guardrail-cmk": (),
    "aws-lambda-function-tracing": (),
    "aws-lambda-function-runtime": ("Lambda.2",),
    "aws-lambda-permission-source-arn": ("Lambda.1",),
    "aws-lambda-function-reserved-concurrency": (),
    "aws-secretsmanager-secret-cmk": (),
    "aws-secretsmanager-secret-rotation": ("SecretsManager.1", "SecretsManager.4"),
    "aws-secretsmanager-secret-policy-no-public": (),
    "aws-guardduty-detector-enabled": ("GuardDuty.1",),
    "aws-guardduty-detector-features": ("GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.10"),
    "aws-cloudtrail-trail-present": ("CloudTrail.1",),
    "aws-cloudtrail-trail-multi-region": ("CloudTrail.1",),
    "aws-cloudtrail-trail-log-validation": ("CloudTrail.4",),
    "aws-cloudtrail-trail-kms": ("CloudTrail.2",),
    "aws-cloudtrail-trail-cloudwatch-logs": ("CloudTrail.5",),
    "aws-logs-log-group-kms": (),
    "aws-logs-log-group-retention": (),
    "aws-sns-topic-kms": ("SNS.1",),
    "aws-sns-topic-policy-no-public": (),
    "aws-sqs-queue-encryption": ("SQS.1",),
    "aws-sqs-event-source-dead-letter": (),
    "aws-sqs-s3-notification-cmk": (),
    "aws-sqs-queue-policy-no-public": (),
    "aws-rds-instance-not-public": ("RDS.2",),
    "aws-rds-storage-encrypted": ("RDS.3", "RDS.27"),
    "aws-rds-no-literal-password": (),
    "aws-rds-deletion-protection": ("RDS.7", "RDS.8"),
    "aws-rds-backups": ("RDS.11",),
    "aws-dynamodb-table-pitr": ("DynamoDB.2",),
    "aws-dynamodb-table-cmk": (),
    "aws-dynamodb-table-deletion-protection": ("DynamoDB.6",),
    "aws-efs-file-system-encrypted": ("EFS.1",),
    "aws-efs-access-point-root-directory": ("EFS.3",),
    "aws-efs-access-point-user": ("EFS.4",),
    "aws-kinesis-stream-encrypted": ("Kinesis.1",),
    "aws-redshift-cluster-not-public": ("Redshift.1",),
    "aws-redshift-cluster-audit-logging": ("Redshift.4",),
    "aws-redshift-cluster-encrypted": ("Redshift.10",),
    "aws-redshift-cluster-require-ssl": ("Redshift.2",),
    "aws-sfn-state-machine-logging": ("StepFunctions.1",),
    "aws-appsync-api-logging": ("AppSync.2",),
    "aws-appsync-api-auth": ("AppSync.5",),
    "k8s-namespace-pod-security-enforce": (),
    "k8s-namespace-default-deny": (),
    "k8s-pod-run-as-non-root": (),
    "k8s-pod-no-privileged": (),
    "k8s-pod-no-privilege-escalation": (),
    "k8s-pod-resource-limits": (),
    "k8s-pod-image-digest": (),
    "k8s-pod-image-trusted-registry": (),
    "aws-tags-required": (),
    "genai-prepare-reads-only-scanned-data": (),
    "genai-model-server-verifies-provenance": (),
}

# Platform conventions: account-level or this platform's own choices, off in the `baseline` profile.
PLATFORM_ONLY: frozenset[str] = frozenset(
    {
        "aws-tags-required",
        "aws-s3-bucket-classification",
        "aws-cloudtrail-trail-present",
        "aws-guardduty-detector-enabled",
        "aws-guardduty-detector-features",
        "aws-provider-region-allowed",
        "aws-kms-key-policy-named-admins",
        "aws-eks-nodegroup-gpu-taint",
        "aws-eks-nodegroup-gpu-family-allowed",
        "aws-wafv2-web-acl-managed-rules",
        "aws-lambda-function-reserved-concurrency",
        "aws-lambda-function-tracing",
        "aws-apigateway-stage-caching-disabled",
        "k8s-pod-image-trusted-registry",
        "genai-prepare-reads-only-scanned-data",
        "genai-model-server-verifies-provenance",
    }
)


# High-severity rules that are advisory in `baseline`: real gaps, but a team's program may
# reasonably defer them (cost, a rotation Lambda, supply-chain conventions), so they do not block.
BASELINE_ADVISORY: frozenset[str] = frozenset(
    {
        "aws-s3-bucket-encryption",  # S3 encrypts every object (SSE-S3) by default; SSE-KMS is the platform's choice
        "aws-ecr-repository-immutable-tags",
        "aws-kms-key-policy-admin-separation",
        "aws-secretsmanager-secret-rotation",
        "aws-apigateway-stage-waf",
        "aws-wafv2-web-acl-rate-limit",
        "aws-cloudtrail-trail-multi-region",
        "aws-eks-cluster-endpoint-private",
        "k8s-pod-image-digest",
        "k8s-namespace-pod-security-enforce",
        "k8s-namespace-default-deny",
    }
)


# Rule settings of the `baseline` profile beside its level: a team's web server or load balancer
# may take HTTP and HTTPS from anywhere (FSBP EC2.18's default authorized ports); the platform's may not.
BASELINE_SETTINGS: dict[str, dict[str, object]] = {
    "aws-ec2-security-group-no-public-ingress": {"authorizedPorts": [80, 443]},
}


def baseline_level(rule: str, severity: str) -> str:
    """The rule's enforcement level in the `baseline` profile."""
    if rule in PLATFORM_ONLY:
        return "disabled"
    if rule in BASELINE_ADVISORY or severity not in ("critical", "high"):
        return "advisory"
    return "mandatory"


def fsbp_of(rule: str) -> tuple[str, ...]:
    return tuple(f"{FSBP}:{c}" for c in RULE_FSBP.get(rule, ()))
