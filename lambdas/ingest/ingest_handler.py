"""AWS Lambda entry point (`ingest_handler.handler`) for the ingestion scanner, fed by SQS with S3 events.

Reports failed messages individually (`ReportBatchItemFailures`): a message whose processing raised
goes back to the queue and, after the receive limit, to the dead-letter queue, which alarms.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import boto3
from genai_ingest.config import load
from genai_ingest.lineage import Store
from genai_ingest.pipeline import Settings, events, process

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)


def handle(event: Mapping[str, Any], s3: Any, store: Store, settings: Settings) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    for message in event.get("Records", []):
        try:
            for item in events(message["body"]):
                outcome = process(item, s3, store, settings)
                LOG.info(
                    json.dumps(
                        {"object": str(outcome.ref), "action": outcome.action, "scan_status": outcome.scan_status}
                    )
                )
        except Exception as exc:
            LOG.error(
                json.dumps(
                    {"message_id": message.get("messageId"), "error": type(exc).__name__, "detail": str(exc)[:500]}
                )
            )
            failures.append({"itemIdentifier": str(message.get("messageId", ""))})
    return {"batchItemFailures": failures}


_SETTINGS: Settings | None = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    global _SETTINGS  # noqa: PLW0603 - configuration is read once per execution environment
    if _SETTINGS is None:
        _SETTINGS = load(os.environ)
    store = Store(boto3.client("dynamodb"), _SETTINGS.lineage_table)
    return handle(event, boto3.client("s3"), store, _SETTINGS)
