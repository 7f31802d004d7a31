"""Lambda: environment secrets, tracing, runtimes, invoke permissions, reserved concurrency."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, LOW, MEDIUM, OWASP_LLM, Meta, Res, as_map, dig, resource_rule

FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
SECRET_KEY = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
TOKEN_PREFIX = re.compile(
    r"^(AKIA|ASIA)[A-Z0-9]{16}$|^(sk|pk|rk)-[A-Za-z0-9_-]{16,}|^gh[pousr]_[A-Za-z0-9]{20,}|"
    r"^xox[abpr]-|^eyJ[A-Za-z0-9_-]{10,}\.|^hf_[A-Za-z0-9]{20,}|-----BEGIN"
)
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
URL_CREDENTIALS = re.compile(
    r"://[^/\s@]*:[^/\s@]*@|[?&](token|key|sig|signature|password|secret|api_key)=", re.IGNORECASE
)


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def looks_like_token(value: str) -> bool:
    if TOKEN_PREFIX.search(value):
        return True
    if URL.match(value):
        return bool(URL_CREDENTIALS.search(value))
    if value.startswith("arn:") or len(value) < 20 or " " in value:
        return False
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 3 and entropy(value) >= 4.0


def _secrets(res: Res) -> Iterator[str]:
    for key, value in as_map(dig(res.props, "environment", "variables")).items():
        if not isinstance(value, str) or not value:
            continue
        if value == "[secret]":
            yield f"Environment variable {key} of '{res.name}' holds a Pulumi secret, stored in plain text by Lambda."
        elif looks_like_token(value):
            yield f"Environment variable {key} of '{res.name}' holds a token-like literal value."
        elif SECRET_KEY.search(str(key)) and not _is_reference(value):
            yield f"Environment variable {key} of '{res.name}' looks like a plaintext secret."


def _is_reference(value: str) -> bool:
    """ARNs, parameter paths, endpoint URLs and resource names (with separators, or constant-like)."""
    if value.startswith(("arn:", "/", "{{resolve:", "${")):
        return True
    if re.fullmatch(r"https?://[^/@\s]+(/\S*)?", value):  # an endpoint URL, without user:password@
        return True
    return bool(re.fullmatch(r"[a-z0-9]+([._\-/][a-z0-9]+)+", value)) or bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value))


def _tracing(res: Res) -> Iterator[str]:
    if dig(res.props, "tracingConfig", "mode") != "Active":
        yield f"Function '{res.name}' does not use active X-Ray tracing."


def _runtime(res: Res) -> Iterator[str]:
    if res.props.get("packageType") == "Image":
        return
    allowed = res.config.strings("allowedRuntimes")
    runtime = res.props.get("runtime")
    if runtime not in allowed:
        yield f"Function '{res.name}' uses runtime '{runtime}', not one of {allowed}."


def _source_arn(res: Res) -> Iterator[str]:
    principal = str(res.props.get("principal") or "")
    if principal.endswith(".amazonaws.com") and not res.props.get("sourceArn"):
        yield f"Permission '{res.name}' lets {principal} invoke without a sourceArn."
    if principal == "*":
        yield f"Permission '{res.name}' lets any principal invoke the function."


def _concurrency(res: Res) -> Iterator[str]:
    value = res.props.get("reservedConcurrentExecutions")
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        yield f"Function '{res.name}' has no reserved concurrency."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-lambda-function-no-plaintext-secrets",
                "Lambda environment variables hold no plaintext secrets.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM02",),
                "Store the value in Secrets Manager and pass its ARN or name; read it at run time.",
            ),
            [FUNCTION],
            _secrets,
        ),
        resource_rule(
            Meta(
                "aws-lambda-function-tracing",
                "Lambda functions use active X-Ray tracing.",
                LOW,
                (f"{OWASP_LLM}:LLM10",),
                "Set tracingConfig={mode:'Active'}.",
            ),
            [FUNCTION],
            _tracing,
        ),
        resource_rule(
            Meta(
                "aws-lambda-function-runtime",
                "Lambda functions use a supported runtime.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM03",),
                "Use a runtime from allowedRuntimes.",
                {
                    "allowedRuntimes": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["python3.12", "python3.13"],
                    }
                },
            ),
            [FUNCTION],
            _runtime,
        ),
        resource_rule(
            Meta(
                "aws-lambda-permission-source-arn",
                "Lambda invoke permissions for AWS services carry a sourceArn.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM06",),
                "Set sourceArn to the invoking resource (e.g. '<rest api execution arn>/*/*').",
            ),
            [PERMISSION],
            _source_arn,
        ),
        resource_rule(
            Meta(
                "aws-lambda-function-reserved-concurrency",
                "Lambda functions reserve concurrency (bounds cost and blast radius).",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Set reservedConcurrentExecutions to a non-negative limit.",
            ),
            [FUNCTION],
            _concurrency,
        ),
    ]
