"""Credential detectors."""

from __future__ import annotations

import pytest
from genai_filter import secrets

# assembled at run time so that secret scanners do not flag this file
GH = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def found(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in secrets.detect(text)]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7EXAMPLE"),
        ("AWS_ACCESS_KEY_ID", "ASIA" + "Y34FZKBOKMUTVV7A"),
        ("GITHUB_TOKEN", GH),
        ("GITHUB_TOKEN", "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
        ("SLACK_TOKEN", "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("STRIPE_KEY", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
        ("GOOGLE_API_KEY", "AIza" + "SyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"),
        ("OPENAI_API_KEY", "sk-proj-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCD"),
        ("ANTHROPIC_API_KEY", "sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"),
        ("JWT", JWT),
    ],
)
def test_provider_tokens(kind: str, value: str) -> None:
    assert (kind, value) in found(f"here you go: {value} (keep it safe)")


def test_aws_secret_access_key_with_context() -> None:
    value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
    assert ("AWS_SECRET_ACCESS_KEY", value) in found(f"aws_secret_access_key = {value}")
    assert ("AWS_SECRET_ACCESS_KEY", value) not in found(f"checksum {value}")


def test_private_key_block_and_truncated_block() -> None:
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4\nq83Lw==\n-----END RSA PRIVATE KEY-----"
    assert found(f"key:\n{block}\nthanks") == [("PRIVATE_KEY", block)]
    truncated = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA"
    assert found(truncated) == [("PRIVATE_KEY", truncated)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("password=Hunter2Secret!", "Hunter2Secret!"),
        ('DB_PASSWORD: "s3cr3t-P@ss"', "s3cr3t-P@ss"),
        ("api_key = 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        ("Authorization: Bearer abc123DEF456ghi789JKL012", "abc123DEF456ghi789JKL012"),
    ],
)
def test_generic_secrets(text: str, value: str) -> None:
    assert ("GENERIC_SECRET", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "password: changeme",
        "password = ${DB_PASSWORD}",
        "token = tokenizer(text)",
        "api_key: <your-api-key>",
        "the secret is love",
        "eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.abc",  # header without alg/typ
        "sk-learn is a library",
        "AKIAIOSFODNN7EXAMPLE1",  # too long for a key id
    ],
)
def test_non_secrets(text: str) -> None:
    assert found(text) == []


def test_category_is_secret() -> None:
    assert {f.category for f in secrets.detect(f"token {GH}")} == {"secret"}
