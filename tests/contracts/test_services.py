"""The deploy role's documented services cover every AWS service in every stage of dev and prod (review S6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.contracts import services
from infra.contracts.model import Deployment

DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def _documented() -> str:
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    start, end = text.find(services.DOC_START), text.find(services.DOC_END)
    assert 0 <= start < end, f"docs/deploy.md has no {services.DOC_START} ... {services.DOC_END} section"
    return text[start : end + len(services.DOC_END)]


def test_deploy_doc_lists_every_service_of_the_plans(deployments: dict[str, Deployment]) -> None:
    found = services.deploy_services(deployments.values())
    assert {"sqs", "dynamodb", "events", "sns", "cloudwatch", "securityhub", "inspector2", "access-analyzer"} <= set(
        found
    )
    expected = services.doc_section(found)
    assert _documented() == expected, f"replace the section in docs/deploy.md with:\n{expected}"


def test_bedrock_needs_tag_resource_when_tags_are_passed(deployments: dict[str, Deployment]) -> None:
    found = services.deploy_services([deployments["prod"]])
    assert "bedrock" in found and "bedrock:TagResource" in found["bedrock"].note
    assert "bedrock:TagResource" in _documented()


def test_an_unmapped_module_is_named() -> None:
    with pytest.raises(services.UnknownService, match="aws:mq/broker:Broker"):
        services._service_of("aws:mq/broker:Broker")
