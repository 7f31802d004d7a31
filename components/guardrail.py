"""The filter's managed guard tier: an Amazon Bedrock guardrail and its published version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.grants import Grant, guardrail_apply
from components.kms import EncryptionKey

BLOCKED_INPUT = "This prompt was blocked by the platform's content filter."
BLOCKED_OUTPUT = "The model's answer was blocked by the platform's content filter."


@dataclass(frozen=True)
class Topic:
    name: str
    definition: str
    examples: Sequence[str] = ()


@dataclass
class GuardrailArgs:
    key: EncryptionKey
    """Encrypts the guardrail at rest; whoever applies the guardrail needs kms:Decrypt on it."""
    prompt_attack_strength: str = "HIGH"
    pii_entities: Sequence[str] = ()
    """Detected on input and output and anonymised (the filter redacts or blocks them per its own actions)."""
    denied_topics: Sequence[Topic] = ()


class Guardrail(pulumi.ComponentResource):
    """A Bedrock guardrail for `ApplyGuardrail` and a published version of it.

    - content policy: the PROMPT_ATTACK filter on input at the configured strength; its output strength
      is NONE, the only value Bedrock accepts for that filter (prompt attacks are a property of prompts);
    - sensitive information: the configured PII entity types, anonymised on input and output;
    - topic policy: the configured denied topics (type DENY), when any;
    - encrypted with its own CMK; blocked messaging set (the filter answers with its own error bodies).

    The version's description carries a digest of the policy, so a changed policy publishes a new
    version (versions are immutable) and the filter's environment moves to it.
    """

    guardrail: aws.bedrock.Guardrail
    version: aws.bedrock.GuardrailVersion
    arn: pulumi.Output[str]
    guardrail_id: pulumi.Output[str]
    version_number: pulumi.Output[str]

    def __init__(self, name: str, args: GuardrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:edge:Guardrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        policy = policy_config(args)
        self.guardrail = aws.bedrock.Guardrail(
            f"{name}-guardrail",
            description="Prompt-attack, PII and denied-topic screening for the prompt/response filter",
            blocked_input_messaging=BLOCKED_INPUT,
            blocked_outputs_messaging=BLOCKED_OUTPUT,
            kms_key_arn=args.key.arn,
            opts=child,
            **policy,
        )
        digest = hashlib.sha256(json.dumps(policy, sort_keys=True).encode()).hexdigest()[:12]
        self.version = aws.bedrock.GuardrailVersion(
            f"{name}-version",
            guardrail_arn=self.guardrail.guardrail_arn,
            description=f"Published by Pulumi; policy {digest}",
            opts=child,
        )
        self.key = args.key
        self.arn = self.guardrail.guardrail_arn
        self.guardrail_id = self.guardrail.guardrail_id
        self.version_number = self.version.version
        self.register_outputs({"arn": self.arn, "guardrailId": self.guardrail_id, "version": self.version_number})

    def grant_apply(self) -> Grant:
        return guardrail_apply([self.arn])


def policy_config(args: GuardrailArgs) -> dict[str, Any]:
    """The guardrail's policy blocks as plain data (also what the version digest is taken over)."""
    config: dict[str, Any] = {
        "content_policy_config": {
            "filters_configs": [
                {"type": "PROMPT_ATTACK", "input_strength": args.prompt_attack_strength, "output_strength": "NONE"}
            ]
        }
    }
    if args.pii_entities:
        config["sensitive_information_policy_config"] = {
            "pii_entities_configs": [{"type": kind, "action": "ANONYMIZE"} for kind in args.pii_entities]
        }
    if args.denied_topics:
        config["topic_policy_config"] = {
            "topics_configs": [
                {"name": t.name, "definition": t.definition, "examples": list(t.examples), "type": "DENY"}
                for t in args.denied_topics
            ]
        }
    return config
