"""The model-based guard tier: one interface (`GuardBackend`), two backends, and the tier around them.

- `BedrockGuardrail`: Amazon Bedrock Guardrails through `bedrock-runtime:ApplyGuardrail`.
- `PromptGuardClassifier`: a self-hosted sequence classifier (Llama Prompt Guard 2) served by Hugging Face
  text-embeddings-inference (TEI), whose `POST /predict` takes `{"inputs": [...]}` and answers one list of
  `{"label", "score"}` per input.

`GuardTier` consults a backend within a per-request time budget, caches verdicts by an HMAC-SHA256 of the
text (bounded LRU), and on a timeout or error either blocks (fail closed: a `GUARD_UNAVAILABLE` finding in
the always-blocking `screening` category) or lets the rules' verdict stand (fail open). The screener calls it
only for texts the rules did not already block (docs/filter-detection.md, "Guard tier").
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from genai_filter import backend as http_backend
from genai_filter import keys
from genai_filter.budget import FINDING_CATEGORY, Deadline
from genai_filter.config import Config
from genai_filter.findings import FAIL_CLOSED_TIER, Finding

Direction = Literal["input", "output"]

UNAVAILABLE = "GUARD_UNAVAILABLE"
"""Fail closed: the tier could not answer within its budget (category `screening`: always blocks)."""
PROMPT_ATTACK = "GUARD_PROMPT_ATTACK"
DENIED_TOPIC = "GUARD_DENIED_TOPIC"
INTERVENED = "GUARD_INTERVENED"
FAIL_CLOSED = FAIL_CLOSED_TIER

# Bedrock's filter confidence, as a score comparable with the rules' (a finding only when detected)
_CONFIDENCE = {"NONE": 0.0, "LOW": 0.5, "MEDIUM": 0.75, "HIGH": 0.95}
_GUARDRAIL_ACTIONS = frozenset({"GUARDRAIL_INTERVENED", "NONE"})
_TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
# Prompt Guard 2 is binary (LABEL_0 benign, LABEL_1 malicious); Prompt Guard 1 named three classes.
MALICIOUS_LABELS = frozenset({"LABEL_1", "MALICIOUS", "INJECTION", "JAILBREAK"})
BENIGN_LABELS = frozenset({"LABEL_0", "BENIGN"})
# Prompt Guard reads 512 tokens; about 2,000 characters of English. Windows overlap so that an attack
# cut at a window boundary is still read whole by one of them.
WINDOW_CHARS = 2000
WINDOW_STEP = 1600
MAX_BATCH = 32  # TEI's default --max-client-batch-size
MAX_CLASSIFIER_BYTES = 262_144


class GuardError(Exception):
    """The backend gave no usable verdict; `code` goes into the audit record."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    findings: tuple[Finding, ...]
    score: float
    """The highest score of any finding (0.0: nothing found)."""
    tier: str
    latency_ms: float


class GuardBackend(Protocol):
    name: str
    directions: tuple[str, ...]
    """The directions the backend judges (a prompt-attack classifier has nothing to say on replies)."""

    def classify(self, text: str, direction: Direction, *, timeout: float) -> GuardVerdict: ...

    def warm_up(self) -> None:
        """Pay one-time costs (imports, clients) during Lambda init, outside any request's budget."""


def _verdict(findings: list[Finding], tier: str, started: float) -> GuardVerdict:
    return GuardVerdict(
        tuple(findings),
        max((f.score for f in findings), default=0.0),
        tier,
        (time.perf_counter() - started) * 1000,
    )


# ---------------------------------------------------------------------------------------------------
# (a) Amazon Bedrock Guardrails
# ---------------------------------------------------------------------------------------------------

_executor: Any = None  # concurrent.futures pulls in logging (about 10 ms): imported on first use
_executor_lock = threading.Lock()


def _pool() -> Any:
    """Calls run on a small pool so that the budget bounds the wait, whatever botocore's socket timeouts do."""
    global _executor  # noqa: PLW0603 - one pool per container
    if _executor is None:
        with _executor_lock:
            if _executor is None:
                from concurrent.futures import ThreadPoolExecutor

                _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="guard")
    return _executor


def bedrock_client(budget_seconds: float) -> Any:
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "bedrock-runtime",
        config=BotoConfig(
            connect_timeout=max(0.1, min(1.0, budget_seconds)),
            read_timeout=max(0.1, budget_seconds),
            retries={"total_max_attempts": 1},  # no retry can fit in the budget
        ),
    )


class BedrockGuardrail:
    name: str = "bedrock"
    directions: tuple[str, ...] = ("input", "output")

    def __init__(self, guardrail_id: str, version: str, client: Callable[[], Any]) -> None:
        self.guardrail_id = guardrail_id
        self.version = version
        self._client_factory = client
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def warm_up(self) -> None:
        with contextlib.suppress(Exception):  # a failure here is reported by the first request instead
            self.client()
            _pool()

    def classify(self, text: str, direction: Direction, *, timeout: float) -> GuardVerdict:
        from concurrent.futures import TimeoutError as FutureTimeout

        started = time.perf_counter()
        try:
            client = self.client()
        except Exception:  # no credentials, no region: the tier is unavailable
            raise GuardError("client_unavailable") from None
        future = _pool().submit(
            client.apply_guardrail,
            guardrailIdentifier=self.guardrail_id,
            guardrailVersion=self.version,
            source="INPUT" if direction == "input" else "OUTPUT",
            content=[{"text": {"text": text}}],
        )
        try:
            response = future.result(timeout=max(0.0, timeout))
        except FutureTimeout:
            future.cancel()
            raise GuardError("timeout") from None
        except Exception as exc:  # botocore's ClientError and friends
            raise GuardError(_client_error_code(exc)) from None
        return _verdict(parse_guardrail(response, text), self.name, started)


def _client_error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    if code in ("ThrottlingException", "ServiceQuotaExceededException"):
        return "throttled"
    if isinstance(code, str) and _TYPE_NAME.fullmatch(code.upper()):
        return f"bedrock_{code}"
    if "Timeout" in type(exc).__name__:
        return "timeout"
    return "unavailable"


def _bad(what: str) -> GuardError:
    return GuardError(f"bad_response:{what}")


def _items(parent: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = parent.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(key)
    return value


def _type_name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _TYPE_NAME.fullmatch(value):
        raise _bad(what)
    return value


def _detected(item: dict[str, Any]) -> bool:
    """An entry counts when the guardrail says it detected it or acted on it (detect mode: action NONE)."""
    detected = item.get("detected")
    if detected is not None and not isinstance(detected, bool):
        raise _bad("detected")
    action = item.get("action")
    if action is not None and not isinstance(action, str):
        raise _bad("action")
    return bool(detected) or action in ("BLOCKED", "ANONYMIZED")


def _spans(text: str, match: Any) -> list[tuple[int, int]]:
    """Where a reported match occurs; the whole text when it cannot be located (redacting too much is safe)."""
    if not isinstance(match, str) or not match:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    pos = text.find(match)
    while pos >= 0:
        spans.append((pos, pos + len(match)))
        pos = text.find(match, pos + len(match))
    return spans or [(0, len(text))]


def parse_guardrail(response: Any, text: str) -> list[Finding]:
    """ApplyGuardrail's answer as findings; anything not in the documented shape raises `GuardError`."""
    if not isinstance(response, dict) or response.get("action") not in _GUARDRAIL_ACTIONS:
        raise _bad("action")
    whole = (0, len(text))
    found: list[Finding] = []
    for assessment in _items(response, "assessments"):
        content = assessment.get("contentPolicy", {})
        if not isinstance(content, dict):
            raise _bad("contentPolicy")
        for item in _items(content, "filters"):
            kind = _type_name(item.get("type"), "filter type")
            confidence = item.get("confidence", "HIGH")
            if confidence not in _CONFIDENCE:
                raise _bad("confidence")
            if _detected(item):
                score = _CONFIDENCE[confidence] or 0.5
                if kind == "PROMPT_ATTACK":
                    found.append(Finding("prompt_injection", PROMPT_ATTACK, *whole, score))
                else:
                    found.append(Finding("unsafe", f"GUARD_{kind}", *whole, score))
        topics = assessment.get("topicPolicy", {})
        if not isinstance(topics, dict):
            raise _bad("topicPolicy")
        for item in _items(topics, "topics"):
            if not isinstance(item.get("name"), str):
                raise _bad("topic name")
            if _detected(item):
                found.append(Finding("unsafe", DENIED_TOPIC, *whole, 0.9))
        words = assessment.get("wordPolicy", {})
        if not isinstance(words, dict):
            raise _bad("wordPolicy")
        for key in ("customWords", "managedWordLists"):
            for item in _items(words, key):
                if _detected(item):
                    found.extend(Finding("unsafe", "GUARD_WORD", s, e, 0.8) for s, e in _spans(text, item.get("match")))
        sensitive = assessment.get("sensitiveInformationPolicy", {})
        if not isinstance(sensitive, dict):
            raise _bad("sensitiveInformationPolicy")
        for item in _items(sensitive, "piiEntities"):
            kind = _type_name(item.get("type"), "pii type")
            if _detected(item):
                found.extend(Finding("pii", f"GUARD_PII_{kind}", s, e, 0.9) for s, e in _spans(text, item.get("match")))
        for item in _items(sensitive, "regexes"):
            if _detected(item):
                found.extend(Finding("pii", "GUARD_PII_REGEX", s, e, 0.9) for s, e in _spans(text, item.get("match")))
    if response["action"] == "GUARDRAIL_INTERVENED" and not found:
        # a policy this mapping does not know (contextual grounding, automated reasoning) intervened
        found.append(Finding("unsafe", INTERVENED, *whole, 0.9))
    return found


# ---------------------------------------------------------------------------------------------------
# (b) A self-hosted classifier: Llama Prompt Guard 2 behind text-embeddings-inference
# ---------------------------------------------------------------------------------------------------


def windows(text: str) -> list[tuple[int, int]]:
    """Overlapping spans that cover the text; linear in its length (each character is in at most two)."""
    if len(text) <= WINDOW_CHARS:
        return [(0, len(text))]
    spans = []
    start = 0
    while True:
        end = min(len(text), start + WINDOW_CHARS)
        spans.append((start, end))
        if end == len(text):
            return spans
        start += WINDOW_STEP


def parse_predictions(raw: bytes, expected: int) -> list[float]:
    """The malicious probability of each input from TEI's `/predict` answer (a list of label lists)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _bad("json") from None
    if not isinstance(data, list) or len(data) != expected:
        raise _bad("shape")
    scores: list[float] = []
    for labels in data:
        if not isinstance(labels, list) or not labels:
            raise _bad("labels")
        malicious = 0.0
        total = 0.0
        for entry in labels:
            if not isinstance(entry, dict):
                raise _bad("entry")
            label, score = entry.get("label"), entry.get("score")
            if not isinstance(label, str) or label.upper() not in MALICIOUS_LABELS | BENIGN_LABELS:
                raise _bad("label")
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise _bad("score")
            if not math.isfinite(score) or not 0.0 <= score <= 1.0:
                raise _bad("score")
            total += score
            if label.upper() in MALICIOUS_LABELS:
                malicious += score
        if total > 1.001:
            raise _bad("probabilities")  # raw logits: the server was started with raw scores
        scores.append(malicious)
    return scores


def predict_url(base: str) -> str:
    trimmed = base.rstrip("/")
    return trimmed if trimmed.endswith("/predict") else trimmed + "/predict"


Post = Callable[..., tuple[int, bytes]]


class PromptGuardClassifier:
    name: str = "self-hosted"
    directions: tuple[str, ...] = ("input",)

    def __init__(self, url: str, threshold: float, post: Post = http_backend.post_json) -> None:
        self.url = predict_url(url)
        self.threshold = threshold
        self._post = post

    def warm_up(self) -> None:
        import http.client  # noqa: F401 - what post_json imports on first use

    def classify(self, text: str, direction: Direction, *, timeout: float) -> GuardVerdict:
        started = time.perf_counter()
        end = time.monotonic() + timeout
        spans = windows(text)
        found: list[Finding] = []
        for first in range(0, len(spans), MAX_BATCH):
            batch = spans[first : first + MAX_BATCH]
            left = end - time.monotonic()
            if left <= 0:
                raise GuardError("timeout")
            try:
                status, raw = self._post(
                    self.url,
                    {"inputs": [text[s:e] for s, e in batch], "truncate": True},
                    api_key=None,
                    connect_timeout=min(left, 1.0),
                    read_timeout=left,
                    max_bytes=MAX_CLASSIFIER_BYTES,
                )
            except http_backend.BackendError as exc:
                raise GuardError("timeout" if exc.status == 504 else exc.code) from None
            if status != 200:
                raise GuardError(f"http_{status}")
            for (s, e), score in zip(batch, parse_predictions(raw, len(batch)), strict=True):
                if score >= self.threshold:
                    found.append(Finding("prompt_injection", PROMPT_ATTACK, s, e, score))
        return _verdict(found, self.name, started)


# ---------------------------------------------------------------------------------------------------
# The tier: budget, cache, fail mode
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuardOutcome:
    findings: list[Finding]
    tier: str
    """The backend's name, or `fail-closed` when its failure is what blocks."""
    latency_ms: float = 0.0
    cached: bool = False
    error: str | None = None


class VerdictCache:
    """A bounded LRU of findings by HMAC of (tier, direction, text); 0 entries disables it."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple[Finding, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: bytes, findings: tuple[Finding, ...]) -> None:
        if self.entries <= 0:
            return
        with self._lock:
            self._items[key] = findings
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class GuardTier:
    backend: GuardBackend
    budget_ms: float
    fail_closed: bool
    cache_key: Callable[[], bytes]
    """The HMAC key of the cache (from the filter's master secret, see `keys.KeyRing.guard_cache_key`)."""
    cache: VerdictCache = field(default_factory=lambda: VerdictCache(4096))
    clock: Callable[[], float] = time.monotonic

    def consults(self, direction: str) -> bool:
        return direction in self.backend.directions

    def deadline(self) -> Deadline:
        """The tier's budget for one request (all its texts), starting now."""
        return Deadline(self.budget_ms / 1000.0, self.clock)

    def _key(self, text: str, direction: str) -> bytes | None:
        try:
            key = self.cache_key()
        except keys.SecretUnavailable:
            return None  # no cache rather than a cache keyed by something guessable
        message = f"{self.backend.name}\x00{direction}\x00".encode() + text.encode("utf-8", "surrogatepass")
        return hmac.new(key, message, hashlib.sha256).digest()

    def review(self, text: str, direction: Direction, deadline: Deadline) -> GuardOutcome:
        key = self._key(text, direction)
        hit = self.cache.get(key) if key is not None else None
        if hit is not None:
            return GuardOutcome(list(hit), self.backend.name, cached=True)
        started = time.perf_counter()
        try:
            left = deadline.remaining()
            if left <= 0:
                raise GuardError("budget_spent")
            verdict = self.backend.classify(text, direction, timeout=left)
        except GuardError as exc:
            latency = (time.perf_counter() - started) * 1000
            if self.fail_closed:
                blocked = Finding(FINDING_CATEGORY, UNAVAILABLE, 0, len(text), 1.0)
                return GuardOutcome([blocked], FAIL_CLOSED, latency, error=exc.code)
            return GuardOutcome([], self.backend.name, latency, error=exc.code)
        if key is not None:
            self.cache.put(key, verdict.findings)
        return GuardOutcome(list(verdict.findings), self.backend.name, verdict.latency_ms)


def build(cfg: Config, cache_key: Callable[[], bytes], bedrock: Callable[[], Any] | None = None) -> GuardTier | None:
    """The configured tier, or None (`FILTER_GUARD_TIER=none`). No network I/O happens here."""
    backend: GuardBackend
    if cfg.guard_tier == "bedrock" and cfg.guard_id and cfg.guard_version:
        budget = cfg.guard_budget_ms / 1000.0
        backend = BedrockGuardrail(cfg.guard_id, cfg.guard_version, bedrock or (lambda: bedrock_client(budget)))
    elif cfg.guard_tier == "self-hosted" and cfg.guard_url:
        backend = PromptGuardClassifier(cfg.guard_url, cfg.guard_threshold)
    else:
        return None
    return GuardTier(
        backend, cfg.guard_budget_ms, cfg.guard_fail_closed, cache_key, VerdictCache(cfg.guard_cache_entries)
    )


def summary(outcomes: Sequence[GuardOutcome]) -> dict[str, Any]:
    """The audit record's `guard` field: what the tier did for this request."""
    return {
        "calls": sum(1 for o in outcomes if not o.cached),
        "cache_hits": sum(1 for o in outcomes if o.cached),
        "latency_ms": round(sum(o.latency_ms for o in outcomes), 3),
        "errors": sorted({o.error for o in outcomes if o.error}),
    }
