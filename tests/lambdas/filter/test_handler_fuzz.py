"""Property-based fuzzing of the handler: any event gets a well-formed response, never a 5xx."""

from __future__ import annotations

import base64
import json
from typing import Any

import handler as filter_handler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
screen_bodies = st.fixed_dictionaries(
    {"text": st.text(max_size=300), "direction": st.sampled_from(["input", "output", "input", "output", "both", ""])}
) | st.fixed_dictionaries({"text": st.text(max_size=300)}, optional={"direction": json_values, "x": json_values})
chat_bodies = st.fixed_dictionaries(
    {
        "messages": st.lists(
            st.fixed_dictionaries(
                {
                    "role": st.sampled_from(["user", "user", "assistant", "system", "tool"]),
                    "content": st.text(max_size=80),
                }
            ),
            min_size=1,
            max_size=3,
        ).map(lambda ms: [*ms, {"role": "user", "content": "hi"}] if ms[-1]["role"] != "user" else ms)
    },
    optional={"max_tokens": st.integers(-5, 5000) | json_values},
)
bodies = (
    json_values.map(json.dumps)
    | screen_bodies.map(json.dumps)
    | chat_bodies.map(json.dumps)
    | st.text(max_size=200)
    | st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    # weighted towards well-formed envelopes so that the deeper validation paths are exercised too
    if draw(st.integers(0, 3)):
        path = draw(st.sampled_from(["/v1/screen"] * 4 + ["/v1/chat"] * 4 + ["/v1/screen/", "/", "/v2/x", ""]))
        method = draw(st.sampled_from(["POST"] * 6 + ["GET", "PUT", "OPTIONS", "post"]))
    else:
        path, method = draw(st.text(max_size=20)), draw(st.text(max_size=6))
    well_formed = (screen_bodies | chat_bodies).map(json.dumps)
    body = draw(well_formed) if draw(st.booleans()) else draw(bodies | st.none())
    is_b64 = draw(st.booleans()) and draw(st.booleans())
    if is_b64 and body is not None and draw(st.booleans()):
        body = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode()
    headers = draw(
        st.just({"Content-Type": "application/json"})
        | st.none()
        | st.dictionaries(st.sampled_from(["Content-Type", "content-type", "X-A"]), st.text(max_size=30), max_size=2)
    )
    event: dict[str, Any] = {
        "resource": draw(st.sampled_from([path, "/{proxy+}", None])),
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": None if headers is None else {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": draw(
            st.fixed_dictionaries(
                {
                    "requestId": st.text(max_size=40) | st.integers(),
                    "resourcePath": st.just(path),
                    "httpMethod": st.just(method),
                    "identity": st.just({"sourceIp": "198.51.100.7", "userAgent": "fuzz"}),
                }
            )
            | st.none()
        ),
        "body": body,
        "isBase64Encoded": is_b64,
    }
    drop = draw(st.just([]) | st.lists(st.sampled_from(sorted(event)), max_size=3))
    for key in drop:
        event.pop(key, None)
    return event


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(event=events())
def test_handler_never_5xx_on_any_event(event: dict[str, Any], backend: Any, configure: Any) -> None:
    if filter_handler._STATE is None or filter_handler._STATE.cfg.backend_url != backend.url:
        configure(FILTER_BACKEND_URL=backend.url)  # valid chat requests reach a healthy fake model
    result = filter_handler.handler(event, None)
    status = result["statusCode"]
    body = json.loads(result["body"])
    assert 200 <= status < 500, (status, body)
    if status >= 400:
        assert isinstance(body["error"]["code"], str)
    elif "action" in body:
        assert body["action"] in ("allow", "redact", "block")
    else:
        assert body["message"]["role"] == "assistant"
    assert "Traceback" not in result["body"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500), st.sampled_from(["input", "output"]))
def test_screen_offsets_always_inside_text(text: str, direction: str) -> None:
    event = {
        "resource": "/v1/screen",
        "path": "/v1/screen",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "requestContext": {"requestId": "fuzz"},
        "body": json.dumps({"text": text, "direction": direction}),
        "isBase64Encoded": False,
    }
    result = filter_handler.handler(event, None)
    body = json.loads(result["body"])
    if result["statusCode"] == 400:
        assert body["error"]["code"] == "invalid_text"  # unpaired surrogates
        return
    assert result["statusCode"] == 200
    for f in body["findings"]:
        assert 0 <= f["start"] <= f["end"] <= len(text)
    if body["action"] == "allow":
        assert body["text"] == text
