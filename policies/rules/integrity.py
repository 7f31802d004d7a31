"""Data and model integrity: the prepare stage reads only what the ingestion scanner passed, and the
model server starts only after its model's signed manifest verifies."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    HIGH,
    OWASP_LLM,
    Meta,
    Res,
    Stack,
    action_matches,
    as_list,
    dig,
    parse_document,
    resource_rule,
    stack_rule,
)

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


DEPLOYMENT = "kubernetes:apps/v1:Deployment"
GPU = "nvidia.com/gpu"
VERIFIER = ("genai_ingest.provenance", "verify")


def _serves_a_model(res: Res) -> bool:
    containers = as_list(dig(res.props, "spec", "template", "spec", "containers"))
    return any(GPU in (dig(c, "resources", "limits") or {}) for c in containers)


def _unverified_model_server(res: Res) -> Iterator[str]:
    if not _serves_a_model(res):
        return
    for init in as_list(dig(res.props, "spec", "template", "spec", "initContainers")):
        words = [str(w) for w in as_list(dig(init, "command")) + as_list(dig(init, "args"))]
        if all(v in words for v in VERIFIER):
            return
    yield f"Deployment '{res.name}' serves a model without the verify-model init container ({' '.join(VERIFIER)})."


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
        ),
        resource_rule(
            Meta(
                "genai-model-server-verifies-provenance",
                "A GPU model-serving Deployment verifies its model's signed manifest before the server starts.",
                HIGH,
                (f"{OWASP_LLM}:LLM03", f"{OWASP_LLM}:LLM04"),
                "Pass InferenceServiceArgs.verification (components/k8s_workloads.py ModelVerification).",
            ),
            [DEPLOYMENT],
            _unverified_model_server,
        ),
    ]
