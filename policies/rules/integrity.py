"""Data and model integrity: the prepare stage reads only what the ingestion scanner passed."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, OWASP_LLM, Meta, Stack, action_matches, as_list, dig, parse_document, stack_rule

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
GATED_STAGE = "prepare"
READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
GATE_KEY = "s3:ExistingObjectTag/scan_status"


def _gated(raw: object) -> bool:
    values = as_list(dig(raw, "Condition", "StringEquals", GATE_KEY))
    return bool(values) and all(v == "clean" for v in values)


def _prepare_reads_unscanned(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for role in stack.of_type(ROLE):
        if (role.props.get("tags") or {}).get("PipelineStage") != GATED_STAGE:
            continue
        documents = [(role, p.get("policy")) for p in as_list(role.props.get("inlinePolicies"))]
        documents += [(p, p.props.get("policy")) for p in stack.referencing(role, ROLE_POLICY, "role")]
        for holder, document in documents:
            for st in parse_document(document) or []:
                reads = st.allows and any(action_matches(a, r) for a in st.actions for r in READ_ACTIONS)
                if reads and not _gated(st.raw):
                    yield (
                        holder.urn,
                        (
                            f"'{holder.name}' lets the {GATED_STAGE} stage read objects without the condition "
                            f"{GATE_KEY} = clean."
                        ),
                    )


def policies() -> list[Policy]:
    return [
        stack_rule(
            Meta(
                "genai-prepare-reads-only-scanned-data",
                "The prepare stage reads only objects the ingestion scanner tagged scan_status=clean.",
                HIGH,
                (f"{OWASP_LLM}:LLM04",),
                "Build the prepare role's reads with SecureBucket.grant_read(..., scanned_clean=True).",
            ),
            _prepare_reads_unscanned,
        )
    ]
