"""`genai-platform redteam --url URL`: measure the filter's block rate and false-positive rate.

Sends a corpus of attack and benign prompts to `/v1/screen` (default) or `/v1/chat` and counts what
is blocked. Bounded in requests (`--max-requests`), per-request time (`--timeout`) and total time
(`--deadline`). It authenticates as a real client of the deployed API (`--auth`):

- `iam` signs each request with SigV4 for `execute-api` (credentials from the AWS SDK chain);
- `cognito` sends a user-pool ID token, supplied (`GENAI_ID_TOKEN`) or obtained from the user pool
  client with a refresh token (`--cognito-client-id`, `GENAI_REFRESH_TOKEN`);
- `auto` (default) is what the stacks deploy: IAM on `/v1/screen`, Cognito on `/v1/chat`;
- `none` for a local `genai-platform filter serve`.

The API key (default `GENAI_API_KEY`) goes in `x-api-key`. No credential is ever printed.

Exit codes: 0 done and within the thresholds, 1 thresholds missed or requests failed (4xx/5xx,
network), 2 usage error or the URL never answered.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "data" / "redteam" / "corpus.jsonl"
ROUTES = {"screen": "/v1/screen", "chat": "/v1/chat"}
# How the stacks authorise each route (settings `api.screenAuthorization`, `api.chatAuthorization`).
DEPLOYED_AUTH = {"screen": "iam", "chat": "cognito"}
AUTH_MODES = ("auto", "iam", "cognito", "none")
MAX_RESPONSE_BYTES = 1024 * 1024
USER_AGENT = "genai-platform-redteam/1"


class RedteamError(Exception):
    """A usage problem or an unusable target; the message is one line."""


@dataclass(frozen=True)
class Prompt:
    id: str
    kind: str
    mechanism: str
    lang: str
    text: str


@dataclass
class Outcome:
    id: str
    kind: str
    mechanism: str
    verdict: str  # blocked, passed or error
    status: int | None
    detail: str
    ms: int


@dataclass
class Report:
    url: str
    route: str
    outcomes: list[Outcome] = field(default_factory=list)
    not_sent: int = 0
    stopped_by: str = ""

    def rate(self, kind: str, verdict: str) -> float | None:
        answered = [o for o in self.outcomes if o.kind == kind and o.verdict != "error"]
        return sum(o.verdict == verdict for o in answered) / len(answered) if answered else None

    @property
    def block_rate(self) -> float | None:
        return self.rate("attack", "blocked")

    @property
    def false_positive_rate(self) -> float | None:
        return self.rate("benign", "blocked")

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "error"]

    def as_dict(self) -> dict[str, Any]:
        by_mechanism: dict[str, dict[str, int]] = {}
        for o in self.outcomes:
            counts = by_mechanism.setdefault(f"{o.kind}/{o.mechanism}", {"blocked": 0, "passed": 0, "error": 0})
            counts[o.verdict] += 1
        return {
            "schemaVersion": 1,
            "tool": "genai-platform redteam",
            "url": self.url,
            "route": self.route,
            "sent": len(self.outcomes),
            "notSent": self.not_sent,
            "stoppedBy": self.stopped_by or None,
            "blockRate": self.block_rate,
            "falsePositiveRate": self.false_positive_rate,
            "attacks": _counts(self.outcomes, "attack"),
            "benign": _counts(self.outcomes, "benign"),
            "errorsByStatus": dict(
                sorted(Counter(str(o.status or o.detail.split(":")[0]) for o in self.errors).items())
            ),
            "byMechanism": dict(sorted(by_mechanism.items())),
            "results": [asdict(o) for o in self.outcomes],
        }


def _counts(outcomes: list[Outcome], kind: str) -> dict[str, int]:
    c = Counter(o.verdict for o in outcomes if o.kind == kind)
    return {"blocked": c["blocked"], "passed": c["passed"], "error": c["error"]}


# ---------------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------------


def endpoint(url: str, route: str) -> str:
    """The URL to POST to: `url` itself if it already names the route, else `url` + the route."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RedteamError(f"only http(s) URLs are allowed, got {parts.scheme or 'no scheme'!r} in {url[:100]!r}")
    if not parts.hostname:
        raise RedteamError(f"the URL has no host: {url[:100]!r}")
    if parts.username or parts.password:
        raise RedteamError("credentials in the URL are not allowed; put the API key in the environment variable")
    if parts.query or parts.fragment:
        raise RedteamError("the URL must not carry a query or fragment")
    path = parts.path.rstrip("/")
    if path.endswith(ROUTES[route]):
        return f"{parts.scheme}://{parts.netloc}{path}"
    return f"{parts.scheme}://{parts.netloc}{path}{ROUTES[route]}"


def load_corpus(path: Path) -> list[Prompt]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise RedteamError(f"{path}: cannot read the corpus ({type(err).__name__})") from None
    prompts = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            prompt = Prompt(
                str(item["id"]),
                str(item["kind"]),
                str(item.get("mechanism", "")),
                str(item.get("lang", "")),
                item["text"],
            )
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise RedteamError(f"{path}:{n}: not a corpus entry ({type(err).__name__})") from None
        if prompt.kind not in ("attack", "benign") or not isinstance(prompt.text, str):
            raise RedteamError(f"{path}:{n}: 'kind' must be attack or benign and 'text' a string")
        prompts.append(prompt)
    if not prompts:
        raise RedteamError(f"{path}: the corpus is empty")
    return prompts


def interleave(prompts: list[Prompt]) -> list[Prompt]:
    """Attacks and benign prompts alternately, so `--max-requests` keeps both in the sample."""
    attacks = [p for p in prompts if p.kind == "attack"]
    benign = [p for p in prompts if p.kind == "benign"]
    mixed: list[Prompt] = []
    for i in range(max(len(attacks), len(benign))):
        mixed.extend(x[i] for x in (attacks, benign) if i < len(x))
    return mixed


# ---------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is reported as its 3xx status, never followed


def _opener() -> urllib.request.OpenerDirector:
    # Only the HTTP(S) handlers: no file:, ftp: or data: handling, no redirects, and no error
    # processor, so every status comes back as a response to count.
    opener = urllib.request.OpenerDirector()
    opener.add_handler(urllib.request.HTTPHandler())
    opener.add_handler(urllib.request.HTTPSHandler(context=ssl.create_default_context()))
    opener.add_handler(_NoRedirect())
    return opener


Send = Callable[[str, bytes, dict[str, str], float], tuple[int, bytes]]
# Headers that authenticate one request (url, body) -> headers; SigV4 signs each body afresh.
Authenticate = Callable[[str, bytes], dict[str, str]]


def no_auth(url: str, body: bytes) -> dict[str, str]:
    return {}


def sigv4_auth(region: str, credentials: Any) -> Authenticate:
    """SigV4 for API Gateway (`execute-api`), as an IAM-authorised route requires."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    signer = SigV4Auth(credentials, "execute-api", region)

    def sign(url: str, body: bytes) -> dict[str, str]:
        request = AWSRequest(method="POST", url=url, data=body, headers={"content-type": "application/json"})
        signer.add_auth(request)
        return {k: str(v) for k, v in request.headers.items() if k.lower() != "content-type"}

    return sign


def bearer_auth(id_token: str) -> Authenticate:
    """A Cognito user pool authorizer reads the ID token from the `Authorization` header."""
    return lambda url, body: {"authorization": id_token}


def cognito_id_token(client: Any, client_id: str, refresh_token: str) -> str:
    """An ID token from the user pool client (REFRESH_TOKEN_AUTH: the client has no secret)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = client.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
        )
    except ClientError as err:
        raise RedteamError(f"Cognito refused the refresh token: {err.response['Error'].get('Code', 'error')}") from None
    except BotoCoreError as err:
        raise RedteamError(f"Cognito could not be reached: {type(err).__name__}") from None
    token = (answer.get("AuthenticationResult") or {}).get("IdToken")
    if not isinstance(token, str) or not token:
        raise RedteamError("Cognito answered without an ID token")
    return token


def region_of(url: str) -> str | None:
    """The region in an `execute-api` host (`<id>.execute-api.<region>.amazonaws.com`)."""
    host = urlsplit(url).hostname or ""
    parts = host.split(".")
    return parts[2] if len(parts) >= 5 and parts[1] == "execute-api" else None


def http_send(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked in endpoint()
    with _opener().open(request, timeout=timeout) as response:
        return int(response.status), response.read(MAX_RESPONSE_BYTES)


def _payload(route: str, text: str) -> dict[str, Any]:
    if route == "chat":
        return {"messages": [{"role": "user", "content": text}], "max_tokens": 16}
    return {"text": text, "direction": "input"}


def judge(route: str, status: int, body: bytes) -> tuple[str, str]:
    """(verdict, detail) for one answer."""
    try:
        doc = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = {}
    error = doc.get("error") if isinstance(doc, dict) else None
    code = str(error.get("code")) if isinstance(error, dict) else ""
    if route == "screen":
        if status == 200 and isinstance(doc, dict) and doc.get("action") in ("block", "redact", "allow"):
            return ("blocked" if doc["action"] == "block" else "passed"), f"action {doc['action']}"
        if status == 200:
            return "error", "200 without an action"
    else:
        if status == 400 and code == "prompt_blocked":
            return "blocked", code
        if status == 502 and code == "response_blocked":
            return "blocked", code
        if status == 200:
            return "passed", "answered"
    return "error", f"HTTP {status}" + (f" {code}" if code else "")


def run_corpus(
    url: str,
    route: str,
    prompts: list[Prompt],
    *,
    api_key: str | None,
    authenticate: Authenticate = no_auth,
    max_requests: int,
    timeout: float,
    deadline: float,
    send: Send = http_send,
    clock: Callable[[], float] = time.monotonic,
) -> Report:
    report = Report(url=url, route=route)
    chosen = interleave(prompts)
    if len(chosen) > max_requests:
        report.not_sent = len(chosen) - max_requests
        report.stopped_by = "max-requests"
        chosen = chosen[:max_requests]
    headers = {"content-type": "application/json", "accept": "application/json", "user-agent": USER_AGENT}
    if api_key:
        headers["x-api-key"] = api_key
    start = clock()
    for i, prompt in enumerate(chosen):
        remaining = deadline - (clock() - start)
        if remaining <= 0:
            report.not_sent += len(chosen) - i
            report.stopped_by = "deadline"
            break
        body = json.dumps(_payload(route, prompt.text)).encode("utf-8")
        t0 = clock()
        try:
            status, answer = send(url, body, {**headers, **authenticate(url, body)}, min(timeout, remaining))
            verdict, detail = judge(route, status, answer)
        except urllib.error.URLError as err:
            status, verdict, detail = None, "error", f"unreachable: {_reason(err.reason)}"
        except TimeoutError:
            status, verdict, detail = None, "error", "timeout"
        except (OSError, http.client.HTTPException) as err:
            status, verdict, detail = None, "error", f"network: {type(err).__name__}"
        report.outcomes.append(
            Outcome(prompt.id, prompt.kind, prompt.mechanism, verdict, status, detail, int((clock() - t0) * 1000))
        )
    return report


def _reason(reason: Any) -> str:
    if isinstance(reason, TimeoutError):
        return "timeout"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)[:120]


# ---------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.description = "Send known attack and benign prompts to the filter API; report block and false-positive rates."
    p.add_argument("--url", required=True, help="base URL of the API (http or https); the route is appended")
    p.add_argument("--route", choices=sorted(ROUTES), default="screen", help="screen (default) or chat")
    p.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON Lines corpus (default data/redteam/corpus.jsonl)"
    )
    p.add_argument("--max-requests", type=int, default=100, help="send at most this many prompts (default 100)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument("--deadline", type=float, default=120.0, help="seconds for the whole run (default 120)")
    p.add_argument(
        "--api-key-env",
        default="GENAI_API_KEY",
        help="environment variable holding the API key (default GENAI_API_KEY)",
    )
    p.add_argument(
        "--auth",
        choices=AUTH_MODES,
        default="auto",
        help="auto (default: IAM for screen, Cognito for chat, as deployed), iam, cognito, or none (local serve)",
    )
    p.add_argument("--region", help="region for SigV4 (default: from an execute-api URL)")
    p.add_argument("--id-token-env", default="GENAI_ID_TOKEN", help="environment variable holding a Cognito ID token")
    p.add_argument("--cognito-client-id", help="user pool client id, to get an ID token from a refresh token")
    p.add_argument(
        "--refresh-token-env",
        default="GENAI_REFRESH_TOKEN",
        help="environment variable holding a Cognito refresh token (with --cognito-client-id)",
    )
    p.add_argument("--min-block-rate", type=float, default=0.0, help="exit 1 if the attack block rate is lower (0-1)")
    p.add_argument(
        "--max-false-positive-rate", type=float, default=1.0, help="exit 1 if the benign block rate is higher (0-1)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def render_text(report: Report) -> str:
    doc = report.as_dict()
    lines = [
        f"genai-platform redteam: {report.url}",
        f"sent {doc['sent']}, not sent {doc['notSent']}"
        + (f" (stopped by {report.stopped_by})" if report.stopped_by else ""),
        f"attacks: {doc['attacks']['blocked']} blocked, {doc['attacks']['passed']} passed, {doc['attacks']['error']} errors"
        f" -> block rate {_pct(report.block_rate)}",
        f"benign:  {doc['benign']['blocked']} blocked, {doc['benign']['passed']} passed, {doc['benign']['error']} errors"
        f" -> false-positive rate {_pct(report.false_positive_rate)}",
    ]
    if doc["errorsByStatus"]:
        lines.append("errors: " + ", ".join(f"{k}: {v}" for k, v in doc["errorsByStatus"].items()))
    missed = [o.id for o in report.outcomes if o.kind == "attack" and o.verdict == "passed"]
    false_pos = [o.id for o in report.outcomes if o.kind == "benign" and o.verdict == "blocked"]
    if missed:
        lines.append("attacks not blocked: " + ", ".join(missed))
    if false_pos:
        lines.append("benign prompts blocked: " + ", ".join(false_pos))
    return "\n".join(lines) + "\n"


def _usage(message: str) -> int:
    print(f"genai-platform redteam: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace, *, send: Send = http_send) -> int:
    if args.max_requests < 1:
        return _usage("--max-requests must be at least 1")
    if not 0 < args.timeout <= 300 or not 0 < args.deadline <= 3600:
        return _usage("--timeout must be in (0, 300] and --deadline in (0, 3600] seconds")
    if not (0 <= args.min_block_rate <= 1 and 0 <= args.max_false_positive_rate <= 1):
        return _usage("rates are fractions between 0 and 1")
    try:
        url = endpoint(args.url, args.route)
        prompts = load_corpus(args.corpus)
    except RedteamError as err:
        return _usage(str(err))
    try:
        authenticate = authentication(args, url)
    except RedteamError as err:
        return _usage(str(err))
    api_key = os.environ.get(args.api_key_env) or None
    if api_key is None:
        print(
            f"genai-platform redteam: {args.api_key_env} is not set; sending requests without x-api-key",
            file=sys.stderr,
        )
    report = run_corpus(
        url,
        args.route,
        prompts,
        api_key=api_key,
        authenticate=authenticate,
        max_requests=args.max_requests,
        timeout=args.timeout,
        deadline=args.deadline,
        send=send,
    )
    if report.outcomes and all(o.status is None for o in report.outcomes):
        return _usage(f"no answer from {url}: {report.outcomes[0].detail}")
    sys.stdout.write(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n" if args.json else render_text(report)
    )
    block, fp = report.block_rate, report.false_positive_rate
    below = block is not None and block < args.min_block_rate
    above = fp is not None and fp > args.max_false_positive_rate
    return 1 if report.errors or below or above else 0


def authentication(args: argparse.Namespace, url: str, *, session: Any = None) -> Authenticate:
    """The route's authentication, or a RedteamError that says what is missing."""
    mode = DEPLOYED_AUTH[args.route] if args.auth == "auto" else args.auth
    if mode == "none":
        return no_auth
    import boto3

    session = session or boto3.session.Session()
    if mode == "iam":
        region = args.region or region_of(url)
        if not region:
            raise RedteamError("--auth iam needs --region (the URL is not an execute-api host)")
        credentials = session.get_credentials()
        if credentials is None:
            raise RedteamError(
                "--auth iam needs AWS credentials (environment, profile or role); use --auth none for a local filter"
            )
        return sigv4_auth(region, credentials)
    token = os.environ.get(args.id_token_env)
    if token:
        return bearer_auth(token)
    refresh = os.environ.get(args.refresh_token_env)
    if not (args.cognito_client_id and refresh):
        raise RedteamError(
            f"--auth cognito needs an ID token in {args.id_token_env}, or --cognito-client-id with a refresh "
            f"token in {args.refresh_token_env}; use --auth none for a local filter"
        )
    region = args.region or region_of(url) or session.region_name
    if not region:
        raise RedteamError("--auth cognito with a refresh token needs --region")
    client = session.client("cognito-idp", region_name=region)
    return bearer_auth(cognito_id_token(client, args.cognito_client_id, refresh))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genai-platform redteam")
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
