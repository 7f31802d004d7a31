"""Bedrock: guardrails that screen prompts for attacks and are encrypted with a customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, OWASP_LLM, Meta, Res, as_list, dig, insecure, resource_rule, secure

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
_STRONG = ("MEDIUM", "HIGH")


def _filters(high: str = "HIGH") -> dict[str, object]:
    return {"filtersConfigs": [{"type": "PROMPT_ATTACK", "inputStrength": high, "outputStrength": "NONE"}]}


def _prompt_attack(res: Res) -> Iterator[str]:
    filters = [
        f for f in as_list(dig(res.props, "contentPolicyConfig", "filtersConfigs")) if dig(f, "type") == "PROMPT_ATTACK"
    ]
    if not filters:
        yield f"Guardrail '{res.name}' has no PROMPT_ATTACK content filter: it does not screen prompts for injections and jailbreaks."
    for f in filters:
        if dig(f, "inputStrength") not in _STRONG or dig(f, "inputEnabled") is False:
            yield f"Guardrail '{res.name}' screens prompts for attacks at strength {dig(f, 'inputStrength')!s}; use MEDIUM or HIGH."


def _kms(res: Res) -> Iterator[str]:
    if not res.props.get("kmsKeyArn"):
        yield f"Guardrail '{res.name}' is encrypted with an AWS owned key, not a customer-managed one (kmsKeyArn)."


def policies() -> list[Policy]:
    base = {"name": "g", "blockedInputMessaging": "no", "blockedOutputsMessaging": "no"}
    return [
        resource_rule(
            Meta(
                "aws-bedrock-guardrail-prompt-attack",
                "Bedrock guardrails screen prompts for attacks (PROMPT_ATTACK filter on input, MEDIUM or HIGH).",
                HIGH,
                (f"{OWASP_LLM}:LLM01",),
                "Add content_policy_config.filters_configs {type: PROMPT_ATTACK, input_strength: HIGH, "
                "output_strength: NONE} (NONE is the only output strength AWS accepts for this filter).",
                examples=(
                    secure({**base, "contentPolicyConfig": _filters()}),
                    secure({**base, "contentPolicyConfig": _filters("MEDIUM")}, "MEDIUM is enough"),
                    insecure(base, "no content policy at all"),
                    insecure({**base, "contentPolicyConfig": _filters("LOW")}),
                    insecure(
                        {
                            **base,
                            "contentPolicyConfig": {
                                "filtersConfigs": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]
                            },
                        }
                    ),
                ),
            ),
            [GUARDRAIL],
            _prompt_attack,
        ),
        resource_rule(
            Meta(
                "aws-bedrock-guardrail-cmk",
                "Bedrock guardrails are encrypted with a customer-managed KMS key.",
                HIGH,
                (),
                "Set kms_key_arn to a customer-managed key; whoever applies the guardrail needs kms:Decrypt on it.",
                examples=(
                    secure({**base, "kmsKeyArn": "arn:aws:kms:eu-west-1:1:key/k"}),
                    insecure(base),
                ),
            ),
            [GUARDRAIL],
            _kms,
        ),
    ]
