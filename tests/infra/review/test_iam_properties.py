"""Properties of the policy-document comparison."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from infra.review import iam

services = st.sampled_from(["s3", "kms", "iam", "logs", "secretsmanager", "ec2"])
verbs = st.sampled_from(["Get", "Put", "List", "Delete", "Describe", "Create", "Decrypt"])
nouns = st.sampled_from(["Object", "Bucket", "Key", "Secret", "LogStream", "Role", ""])
actions = st.builds(lambda s, v, n, w: f"{s}:{v}{n}{'*' if w else ''}", services, verbs, nouns, st.booleans())
resources = st.sampled_from(["*", "arn:aws:s3:::raw/*", "arn:aws:s3:::raw", "arn:aws:kms:eu-west-1:1:key/a"])
statements = st.builds(
    lambda eff, acts, res: {"Effect": eff, "Action": acts, "Resource": res},
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.lists(actions, min_size=1, max_size=4),
    st.lists(resources, min_size=1, max_size=2),
)
documents = st.builds(lambda s: {"Version": "2012-10-17", "Statement": s}, st.lists(statements, min_size=1, max_size=4))


@settings(max_examples=200, deadline=None)
@given(documents, st.randoms(use_true_random=False))
def test_same_grants_in_any_order_are_no_change(doc: dict[str, Any], rnd: random.Random) -> None:
    shuffled = {
        "Version": "2012-10-17",
        "Statement": [dict(s, Action=list(reversed(s["Action"]))) for s in doc["Statement"]],
    }
    rnd.shuffle(shuffled["Statement"])
    d = iam.diff(doc, shuffled)
    assert not d.widened and not d.narrowed


@settings(max_examples=200, deadline=None)
@given(documents, services)
def test_a_service_wildcard_on_everything_covers_any_action_of_that_service(doc: dict[str, Any], service: str) -> None:
    allows = [
        s for s in doc["Statement"] if s["Effect"] == "Allow" and all(a.startswith(service + ":") for a in s["Action"])
    ]
    broad = {"Statement": [{"Effect": "Allow", "Action": f"{service}:*", "Resource": "*"}]}
    narrow = {"Statement": allows}
    assert not iam.diff(broad, narrow).added
    already_everything = any(a == f"{service}:*" and "*" in s["Resource"] for s in allows for a in s["Action"])
    if allows and not already_everything:
        assert iam.diff(narrow, broad).widened


@settings(max_examples=200, deadline=None)
@given(documents, statements)
def test_adding_an_allow_never_narrows(doc: dict[str, Any], extra: dict[str, Any]) -> None:
    extra = dict(extra, Effect="Allow")
    more = {"Statement": [*doc["Statement"], extra]}
    assert not iam.diff(doc, more).removed
