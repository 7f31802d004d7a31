"""Step Functions: execution logging."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import MEDIUM, Meta, Res, dig, insecure, resource_rule, secure

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"


def _logging(res: Res) -> Iterator[str]:
    level = str(dig(res.props, "loggingConfiguration", "level") or "OFF")
    if level == "OFF" or not dig(res.props, "loggingConfiguration", "logDestination"):
        yield f"State machine '{res.name}' does not log executions."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-sfn-state-machine-logging",
                "Step Functions state machines log executions.",
                MEDIUM,
                (),
                "Set logging_configuration={level: 'ERROR' or 'ALL', log_destination: '<log group arn>:*'}.",
                examples=(
                    secure(
                        {
                            "definition": "{}",
                            "loggingConfiguration": {
                                "level": "ERROR",
                                "logDestination": "arn:aws:logs:eu-west-1:1:log-group:sfn:*",
                            },
                        }
                    ),
                    insecure({"definition": "{}"}),
                ),
            ),
            [STATE_MACHINE],
            _logging,
        ),
    ]
