"""redteam authenticates as a real client: SigV4 on IAM routes, a Cognito ID token, and the API key."""

from __future__ import annotations

import argparse
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import mock_aws

from infra.redteam import DEFAULT_CORPUS, authentication, configure_parser, load_corpus, run, run_corpus

URL = "https://abc123defg.execute-api.eu-west-1.amazonaws.com/v1"
CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
PROMPTS = load_corpus(DEFAULT_CORPUS)[:4]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    return parser.parse_args(["--url", URL, *argv])


class Session:
    def __init__(self, credentials: Credentials | None, region: str | None = "eu-west-1") -> None:
        self.credentials, self.region_name = credentials, region

    def get_credentials(self) -> Credentials | None:
        return self.credentials

    def client(self, service: str, region_name: str) -> Any:
        return boto3.client(service, region_name=region_name)


def verify_sigv4(url: str, body: bytes, headers: dict[str, str]) -> bool:
    """Recompute the signature API Gateway would, from what was sent."""
    authorization = headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    request = AWSRequest(
        method="POST", url=url, data=body, headers={k: v for k, v in headers.items() if k.lower() in signed}
    )
    request.context["timestamp"] = headers["X-Amz-Date"]
    auth = SigV4Auth(CREDENTIALS, "execute-api", "eu-west-1")
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return authorization.endswith(f"Signature={expected}")


def test_screen_is_signed_with_sigv4_for_execute_api_in_the_url_region() -> None:
    sent: list[tuple[str, bytes, dict[str, str]]] = []

    def send(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        sent.append((url, body, headers))
        return 200, b'{"action": "allow"}'

    authenticate = authentication(parse(), URL + "/v1/screen", session=Session(CREDENTIALS))
    run_corpus(
        URL + "/v1/screen",
        "screen",
        PROMPTS,
        api_key="k",
        authenticate=authenticate,
        max_requests=4,
        timeout=5,
        deadline=60,
        send=send,
    )
    assert len(sent) == 4
    for url, body, headers in sent:
        assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "/eu-west-1/execute-api/aws4_request" in headers["Authorization"]
        assert headers["X-Amz-Security-Token"] == "session-token"
        assert headers["x-api-key"] == "k"
        assert verify_sigv4(url, body, headers)
    tampered_url, tampered_body, tampered_headers = sent[0]
    assert not verify_sigv4(tampered_url, tampered_body + b" ", tampered_headers)


def test_chat_sends_a_supplied_cognito_id_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_ID_TOKEN", "eyJ.header.sig")
    authenticate = authentication(parse("--route", "chat"), URL + "/v1/chat", session=Session(None))
    assert authenticate(URL, b"{}") == {"authorization": "eyJ.header.sig"}


@mock_aws
def test_chat_gets_an_id_token_from_the_user_pool_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("GENAI_ID_TOKEN", raising=False)
    idp = boto3.client("cognito-idp", region_name="eu-west-1")
    pool = idp.create_user_pool(PoolName="genai-dev-api")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="redteam",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="redteam")
    idp.admin_set_user_password(UserPoolId=pool, Username="redteam", Password="Correct-Horse-9", Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "redteam", "PASSWORD": "Correct-Horse-9"},
    )["AuthenticationResult"]
    monkeypatch.setenv("GENAI_REFRESH_TOKEN", tokens["RefreshToken"])
    authenticate = authentication(
        parse("--route", "chat", "--cognito-client-id", client), URL + "/v1/chat", session=Session(None)
    )
    token = authenticate(URL, b"{}")["authorization"]
    assert token.count(".") == 2 and token != tokens["RefreshToken"]


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        ((), {}, "--auth iam needs AWS credentials"),
        (("--route", "chat"), {}, "--auth cognito needs an ID token in GENAI_ID_TOKEN"),
        (("--route", "chat", "--cognito-client-id", "abc"), {}, "refresh token in GENAI_REFRESH_TOKEN"),
    ],
)
def test_missing_credentials_are_a_clear_usage_error(
    argv: tuple[str, ...],
    env: dict[str, str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "GENAI_ID_TOKEN",
        "GENAI_REFRESH_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def never(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        raise AssertionError("nothing may be sent without credentials")

    assert run(parse(*argv), send=never) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_custom_domain_needs_a_region() -> None:
    from infra.redteam import RedteamError

    with pytest.raises(RedteamError, match="needs --region"):
        authentication(parse(), "https://api.example.com/v1/screen", session=Session(CREDENTIALS))
