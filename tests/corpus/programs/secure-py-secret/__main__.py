"""A secret under a customer-managed key, its value from encrypted config, rotated every 30 days."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
key = aws.kms.Key("secret-key", description="api token", enable_key_rotation=True, deletion_window_in_days=30)
secret = aws.secretsmanager.Secret("api-token", kms_key_id=key.arn, recovery_window_in_days=30)
aws.secretsmanager.SecretVersion(
    "api-token-value", secret_id=secret.id, secret_string=config.require_secret("apiToken")
)
aws.secretsmanager.SecretRotation(
    "api-token-rotation",
    secret_id=secret.id,
    rotation_lambda_arn=config.require("rotationFunctionArn"),
    rotation_rules={"automatically_after_days": 30},
)
pulumi.export("secret_arn", secret.arn)
