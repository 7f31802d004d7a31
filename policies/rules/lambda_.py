"""Lambda: environment secrets, tracing, runtimes, invoke permissions, reserved concurrency."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    LOW,
    MEDIUM,
    OWASP_LLM,
    SECRET_MARK,
    Meta,
    Res,
    as_map,
    dig,
    insecure,
    resource_rule,
    secure,
    today,
)

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


def plaintext_secret(key: str, value: object) -> str | None:
    """Why an environment variable holds a plaintext secret, or None (shared with ECS)."""
    if not isinstance(value, str) or not value:
        return None
    if value == SECRET_MARK:
        return "holds a Pulumi secret, which the service stores in plain text"
    if looks_like_token(value):
        return "holds a token-like literal value"
    if SECRET_KEY.search(key) and not is_reference(value):
        return "looks like a plaintext secret"
    return None


def _secrets(res: Res) -> Iterator[str]:
    for key, value in as_map(dig(res.props, "environment", "variables")).items():
        why = plaintext_secret(str(key), value)
        if why:
            yield f"Environment variable {key} of '{res.name}' {why}."


def is_reference(value: str) -> bool:
    """ARNs, parameter paths, endpoint URLs and resource names (with separators, or constant-like)."""
    if value.startswith(("arn:", "/", "{{resolve:", "${")):
        return True
    if re.fullmatch(r"https?://[^/@\s]+(/\S*)?", value):  # an endpoint URL, without user:password@
        return True
    return bool(re.fullmatch(r"[a-z0-9]+([._\-/][a-z0-9]+)+", value)) or bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value))


def _tracing(res: Res) -> Iterator[str]:
    if dig(res.props, "tracingConfig", "mode") != "Active":
        yield f"Function '{res.name}' does not use active X-Ray tracing."


# Managed runtimes and the day AWS blocks creating functions with them (Lambda runtimes page,
# "Block function create"; checked 2026-12). A runtime is accepted until that day: a deprecated one
# still deploys until then, and the message says when it stops.
RUNTIME_BLOCK_CREATE: dict[str, str] = {
    "nodejs24.x": "2028-06-01",
    "nodejs22.x": "2027-06-01",
    "nodejs20.x": "2026-06-01",
    "python3.14": "2029-07-31",
    "python3.13": "2029-07-31",
    "python3.12": "2028-11-30",
    "python3.11": "2027-07-31",
    "python3.10": "2026-07-31",
    "java25": "2029-07-31",
    "java21": "2029-07-31",
    "java17": "2027-07-31",
    "java11": "2027-07-31",
    "java8.al2": "2026-07-31",
    "dotnet10": "2028-12-14",
    "dotnet8": "2027-02-01",
    "ruby3.4": "2028-04-30",
    "ruby3.3": "2027-04-30",
    "provided.al2023": "2029-07-31",
    "provided.al2": "2026-07-31",
}


def _runtime(res: Res) -> Iterator[str]:
    if res.props.get("packageType") == "Image":
        return
    runtime = res.props.get("runtime")
    allowed = res.config.strings("allowedRuntimes")
    if allowed:
        if runtime not in allowed:
            yield f"Function '{res.name}' uses runtime '{runtime}', not one of {allowed}."
        return
    blocked = RUNTIME_BLOCK_CREATE.get(str(runtime))
    if blocked is None:
        yield f"Function '{res.name}' uses runtime '{runtime}', which is not a supported Lambda runtime."
    elif today().isoformat() >= blocked:
        yield f"Function '{res.name}' uses runtime '{runtime}', deprecated: AWS blocks new functions on it since {blocked}."


def _source_arn(res: Res) -> Iterator[str]:
    principal = str(res.props.get("principal") or "")
    # A computed sourceArn reaches the pack as an unknown value (the offline driver restores it from
    # the property dependencies): reading it raises UnknownValueError, which the SDK reports as
    # "can't run policy during preview" rather than as a missing sourceArn.
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
                "Use a current Lambda runtime (or one from allowedRuntimes when the pack config lists them).",
                {
                    "allowedRuntimes": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": [],
                        "description": "When non-empty, only these runtimes; when empty, every runtime AWS still accepts.",
                    }
                },
                examples=(
                    secure({"runtime": "python3.13", "handler": "app.handler"}),
                    secure({"runtime": "dotnet8", "handler": "App::App.Function::Handler"}, "dotnet8 until Feb 2027"),
                    secure({"runtime": "nodejs22.x", "handler": "index.handler"}),
                    secure({"packageType": "Image"}, "container image"),
                    insecure({"runtime": "python3.7", "handler": "app.handler"}, "long deprecated"),
                    insecure({"runtime": "go1.x", "handler": "main"}, "retired runtime"),
                ),
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
