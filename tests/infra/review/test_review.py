from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infra.review import iam
from infra.review.analyze import Finding, analyse
from infra.review.cli import main
from infra.review.model import SECRET_SIG, SECRET_SIG_KEY, PlanError, load_plan, overlay, parse_plan
from infra.review.render import to_markdown

sys.path.insert(0, str(Path(__file__).parent))
from review_plans import _doc, _res, dev_plan, find, urn, widen_and_open

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def review(tmp_path: Path, base: Any, head: Any, *extra: str) -> tuple[int, str, dict[str, Any]]:
    b, h = write(tmp_path, "base.json", base), write(tmp_path, "head.json", head)
    out, js = tmp_path / "comment.md", tmp_path / "review.json"
    code = main([str(b), str(h), "--output", str(out), "--json", str(js), *extra])
    return code, out.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8"))


def risks(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    return [f for f in analyse(parse_plan(base), parse_plan(head)) if f.direction == "risk"]


# --- acceptance ---------------------------------------------------------------------------------


def test_widened_role_policy_and_open_security_group_rank_first_as_high(tmp_path: Path) -> None:
    base = dev_plan()
    code, md, doc = review(tmp_path, base, widen_and_open(base))
    assert code == 1
    top = doc["risk"][:2]
    assert {f["name"] for f in top} == {"training-curated-read", "inference-sg"}
    assert all(f["severity"] == "high" for f in top)
    assert doc["blocking"] is True
    iam_finding = next(f for f in top if f["category"] == "iam")
    assert "s3:*" in iam_finding["after"] and "aws-iam-policy-no-wildcard-action" in iam_finding["rules"]
    sg = next(f for f in top if f["category"] == "exposure")
    assert "0.0.0.0/0" in sg["after"] and sg["rules"] == ["aws-ec2-security-group-no-public-ingress"]
    lines = md.splitlines()
    first_rows = [line for line in lines if line.startswith("| 🟠") or line.startswith("| 🔴")][:2]
    assert any("inference-sg" in r for r in first_rows) and any("training-curated-read" in r for r in first_rows)


def test_identical_plans_have_nothing_to_review(tmp_path: Path) -> None:
    code, md, doc = review(tmp_path, dev_plan(), dev_plan())
    assert code == 0
    assert "nothing to review" in md
    assert doc["risk"] == doc["reduced"] == doc["neutral"] == []


def test_resource_order_and_reruns_do_not_change_the_comment(tmp_path: Path) -> None:
    base, head = dev_plan(), widen_and_open(dev_plan())
    find(head, "trail")["inputs"]["enableLogging"] = False
    find(head, "filter-logs")["inputs"]["retentionInDays"] = 90
    _, first, _ = review(tmp_path, base, head)
    shuffled = copy.deepcopy(head)
    random.Random(7).shuffle(shuffled["resources"])
    _, second, _ = review(tmp_path, base, shuffled)
    assert first == second


# --- IAM ------------------------------------------------------------------------------------------


def test_wildcard_expansion_covers_specific_actions() -> None:
    broad = json.loads(_doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    narrow = json.loads(
        _doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "arn:aws:s3:::b/*"})
    )
    assert not iam.diff(broad, narrow).widened
    assert iam.diff(broad, narrow).narrowed
    widened = iam.diff(narrow, broad)
    assert widened.widened and {g.action for g in widened.added} == {"s3:*"}


def test_reordering_and_splitting_statements_is_not_a_change() -> None:
    one = json.loads(
        _doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:a", "arn:b"]})
    )
    split = json.loads(
        _doc(
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": ["arn:b", "arn:a"]},
            {"Effect": "Allow", "Action": "S3:GetObject", "Resource": ["arn:a", "arn:b"]},
        )
    )
    d = iam.diff(one, split)
    assert not d.widened and not d.narrowed


def test_condition_removed_is_a_widening() -> None:
    cond = json.loads(
        _doc(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
            }
        )
    )
    free = json.loads(_doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}))
    assert iam.diff(cond, free).widened
    assert not iam.diff(free, cond).widened


def test_inline_role_policy_and_new_principal_in_trust_policy(tmp_path: Path) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    role = find(head, "ingest-role")["inputs"]
    role["inlinePolicies"][0]["policy"] = _doc(
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
            "Resource": ["arn:aws:s3:::genai-dev-raw", "arn:aws:s3:::genai-dev-raw/*"],
        }
    )
    role["assumeRolePolicy"] = _doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}
    )
    found = risks(base, head)
    titles = {f.title: f for f in found}
    assert titles["IAM permissions widened (inlinePolicies[read-raw])"].severity == "medium"
    assert "s3:DeleteObject" in titles["IAM permissions widened (inlinePolicies[read-raw])"].after
    trust = titles["Trust policy widened (assumeRolePolicy)"]
    assert trust.severity == "high" and "999988887777" in trust.after and trust.category == "trust"


def test_trust_policy_changed_without_widening_is_reported() -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    find(head, "ingest-role")["inputs"]["assumeRolePolicy"] = _doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        }
    )
    found = analyse(parse_plan(base), parse_plan(head))
    assert any(f.title.startswith("Trust policy changed") and f.severity == "medium" for f in found)


def test_narrowed_policy_is_risk_reducing(tmp_path: Path) -> None:
    base = widen_and_open(dev_plan())
    code, md, doc = review(tmp_path, base, dev_plan())
    assert code == 0
    assert {f["title"] for f in doc["reduced"]} >= {"IAM permissions narrowed", "Public ingress removed"}
    assert md.index("Risk-reducing") > 0 and "Risk-increasing" not in md


# --- every risk family --------------------------------------------------------------------------


def _set(name: str, path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(plan: dict[str, Any]) -> None:
        node = find(plan, name)["inputs"]
        *parents, last = path.split(".")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value

    return mutate


def _delete(name: str) -> Callable[[dict[str, Any]], None]:
    def mutate(plan: dict[str, Any]) -> None:
        plan["resources"] = [r for r in plan["resources"] if r["name"] != name]

    return mutate


PUBLIC_READ = _doc(
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::genai-dev-models/*"}
)

CASES = [
    (
        "eks-0.0.0.0",
        _set("cluster", "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
        "EKS API endpoint allows more networks",
        "critical",
    ),
    (
        "eks-public",
        _set("cluster", "vpcConfig.endpointPublicAccess", True),
        None,
        None,
    ),  # already public in dev: no change
    ("pab-off", _set("datalake-raw-pab", "blockPublicPolicy", False), "Public access block weakened", "high"),
    ("pab-deleted", _delete("datalake-raw-pab"), "Public access block removed", "high"),
    (
        "bucket-public",
        _set("datalake-models-policy", "policy", PUBLIC_READ),
        "Public access granted by resource policy",
        "critical",
    ),
    ("sse-deleted", _delete("datalake-curated-sse"), "Bucket default encryption configuration removed", "high"),
    (
        "sse-downgraded",
        _set("datalake-raw-sse", "rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
        "Encryption downgraded from KMS (rules[0].applyServerSideEncryptionByDefault.sseAlgorithm)",
        "high",
    ),
    ("loggroup-kms-removed", _set("filter-logs", "kmsKeyId", None), "KMS key removed (kmsKeyId)", "high"),
    ("secret-kms-changed", _set("backend-token", "kmsKeyId", "alias/other"), "KMS key changed (kmsKeyId)", "medium"),
    ("eks-encryption-removed", _set("cluster", "encryptionConfig", None), "Ekscluster", None),
    ("trail-off", _set("trail", "enableLogging", False), "CloudTrail logging disabled", "high"),
    (
        "gd-feature-off",
        _set("gd-runtime_monitoring", "status", "DISABLED"),
        "GuardDuty feature RUNTIME_MONITORING disabled",
        "high",
    ),
    ("gd-detector-off", _set("detector", "enable", False), "GuardDuty detector disabled", "critical"),
    ("waf-rule-removed", _set("waf", "rules", []), "WAF rule common removed", "high"),
    ("waf-assoc-deleted", _delete("waf-assoc"), "WAF association removed from the API", "high"),
    ("rotation-removed", _delete("backend-token-rotation"), "Secret rotation removed", "high"),
    ("key-rotation-off", _set("datalake-key", "enableKeyRotation", False), "KMS key rotation disabled", "high"),
    ("tracing-off", _set("filter", "tracingConfig", {"mode": "PassThrough"}), "Lambda tracing turned off", "medium"),
    (
        "data-trace-on",
        _set("settings", "settings.dataTraceEnabled", True),
        "API data trace enabled (full prompts and responses in logs)",
        "high",
    ),
    ("auth-none", _set("screen-post", "authorization", "NONE"), "API method made unauthenticated", "high"),
    ("log-group-deleted", _delete("filter-logs"), "Log group deleted (its logs are lost)", "high"),
    ("bucket-deleted", _delete("datalake-audit"), "Bucket deleted", "high"),
    ("key-deleted", _delete("datalake-key"), "KMS key deleted (data encrypted with it becomes unreadable)", "critical"),
    (
        "bucket-replaced",
        _set("datalake-raw", "bucket", "genai-dev-raw2"),
        "Bucket replaced (bucket changed): delete and re-create",
        "high",
    ),
    ("secret-deleted", _delete("backend-token"), "Secret deleted", "high"),
]


@pytest.mark.parametrize(("case", "mutate", "title", "severity"), CASES, ids=[c[0] for c in CASES])
def test_each_risk_is_detected(
    case: str, mutate: Callable[[dict[str, Any]], None], title: str | None, severity: str | None
) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    mutate(head)
    found = risks(base, head)
    if case == "eks-public":
        assert found == []
        return
    if case == "eks-encryption-removed":
        assert any(f.category == "encryption" and f.severity == "high" and f.urn.endswith("::cluster") for f in found)
        return
    match = [f for f in found if f.title == title]
    assert match, [f.title for f in found]
    assert match[0].severity == severity
    assert found[0].severity == max(
        (f.severity for f in found), key=["info", "low", "medium", "high", "critical"].index
    )


def test_private_cluster_made_public() -> None:
    base = dev_plan()
    find(base, "cluster")["inputs"]["vpcConfig"]["endpointPublicAccess"] = False
    head = dev_plan()
    found = risks(base, head)
    assert [(f.title, f.severity) for f in found] == [("EKS API endpoint made public", "high")]


def test_new_policy_violations_are_risks_and_fixed_ones_reductions() -> None:
    base, head = dev_plan(), dev_plan()
    target = urn("genai:data:DataLake$aws:s3/bucket:Bucket", "datalake-raw")
    head["policy"]["violations"] = [
        {"policy": "aws-s3-bucket-logging", "severity": "high", "urn": target, "message": "no logging"}
    ]
    found = analyse(parse_plan(base), parse_plan(head))
    assert [(f.direction, f.severity, f.rules) for f in found] == [("risk", "high", ("aws-s3-bucket-logging",))]
    back = analyse(parse_plan(head), parse_plan(base))
    assert [(f.direction, f.title) for f in back] == [("reduced", "Policy violation resolved")]


def test_neutral_changes_are_listed_after_risks(tmp_path: Path) -> None:
    base, head = dev_plan(), widen_and_open(dev_plan())
    find(head, "filter-logs")["inputs"]["retentionInDays"] = 90
    _, md, doc = review(tmp_path, base, head)
    assert doc["neutral"][0]["after"] == "changed: retentionInDays"
    assert md.index("Risk-increasing") < md.index("Neutral changes (1)")


# --- secrets ----------------------------------------------------------------------------------


def test_secrets_and_credentials_never_printed(tmp_path: Path) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    fn = find(head, "filter")["inputs"]
    fn["environment"]["variables"].update(
        {
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "UPSTREAM": "q8Zr2LmP0vXw9Kt4Ny7Bc1Hd6Fj3Gs5A",
            "DEBUG_JWT": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "BACKEND_TOKEN": "plaintext-oops-value",
        }
    )
    fn["code"] = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
    fn["memorySize"] = 512
    code, md, doc = review(tmp_path, base, head)
    everything = md + json.dumps(doc)
    for secret in (
        "AKIAIOSFODNN7EXAMPLE",
        "q8Zr2LmP0vXw9Kt4Ny7Bc1Hd6Fj3Gs5A",
        "eyJhbGciOiJIUzI1NiJ9",
        "plaintext-oops-value",
        "MIIEowIBAAKCAQEA",
    ):
        assert secret not in everything
    # Credentials in a Lambda environment are a high risk (the review blocks), though never printed.
    assert code == 1
    assert any(f["title"].startswith("Plaintext credential in environment variable") for f in doc["risk"])


def test_pulumi_secret_objects_are_masked() -> None:
    sig = {SECRET_SIG_KEY: SECRET_SIG, "plaintext": '"hunter2-password"'}
    plan = parse_plan(
        {
            "version": 3,
            "deployment": {
                "manifest": {},
                "resources": [
                    {
                        "urn": urn("aws:lambda/function:Function", "fn"),
                        "type": "aws:lambda/function:Function",
                        "inputs": {"environment": {"variables": {"X": sig}}, "nested": [sig]},
                    },
                ],
            },
        }
    )
    inputs = plan.resources[urn("aws:lambda/function:Function", "fn")].inputs
    assert inputs == {"environment": {"variables": {"X": "[secret]"}}, "nested": ["[secret]"]}


# --- formats ------------------------------------------------------------------------------------


def _as_export(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2026-11-25T00:00:00Z"},
            "resources": [
                {
                    "urn": r["urn"],
                    "type": r["type"],
                    "custom": r["custom"],
                    "inputs": r["inputs"],
                    "outputs": r["outputs"],
                    "parent": r["parent"],
                    "dependencies": [],
                    "propertyDependencies": {},
                }
                for r in plan["resources"]
            ],
        },
    }


def _as_pulumi_preview(base: dict[str, Any], head: dict[str, Any], *, sames: bool = False) -> dict[str, Any]:
    """Like `pulumi preview --json`: without `--show-sames`, unchanged resources have no step."""
    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in head["resources"]}
    steps = []
    for u in sorted(set(old) | set(new)):
        o, n = old.get(u), new.get(u)
        state = lambda r: {"urn": r["urn"], "type": r["type"], "custom": True, "inputs": r["inputs"], "outputs": {}}  # noqa: E731
        op = "create" if o is None else "delete" if n is None else ("same" if o["inputs"] == n["inputs"] else "update")
        if op == "same" and not sames:
            continue
        step: dict[str, Any] = {"op": op, "urn": u, "provider": ""}
        if o is not None:
            step["oldState"] = state(o)
        if n is not None:
            step["newState"] = state(n)
        if op == "update":
            step["detailedDiff"] = {
                k: {"kind": "update", "inputDiff": True}
                for k in n["inputs"]
                if o["inputs"].get(k) != n["inputs"].get(k)
            }  # type: ignore[index]
        steps.append(step)
    return {"config": {}, "steps": steps, "diagnostics": [], "changeSummary": {}}


def test_state_export_against_new_plan(tmp_path: Path) -> None:
    base = dev_plan()
    code, _, doc = review(tmp_path, _as_export(base), widen_and_open(base))
    assert code == 1
    assert {f["name"] for f in doc["risk"][:2]} == {"training-curated-read", "inference-sg"}


def test_pulumi_preview_json(tmp_path: Path) -> None:
    base = dev_plan()
    head = widen_and_open(base)
    preview = _as_pulumi_preview(base, head)
    code, _, doc = review(tmp_path, _as_export(base), preview)
    assert code == 1
    assert {f["name"] for f in doc["risk"][:2]} == {"training-curated-read", "inference-sg"}
    code, md, _ = review(tmp_path, _as_export(base), _as_pulumi_preview(base, base))
    assert code == 0 and "nothing to review" in md
    code, _, doc = review(tmp_path, _as_export(base), _as_pulumi_preview(base, head, sames=True))
    assert code == 1 and len(doc["risk"]) == 2 and doc["neutral"] == []


def test_pulumi_preview_delete_step_deletes() -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    head["resources"] = [r for r in head["resources"] if r["name"] != "datalake-key"]
    preview = _as_pulumi_preview(base, head)
    assert [s["op"] for s in preview["steps"]] == ["delete"]
    found = analyse(parse_plan(_as_export(base)), overlay(parse_plan(_as_export(base)), parse_plan(preview)))
    assert [(f.title, f.severity) for f in found] == [
        ("KMS key deleted (data encrypted with it becomes unreadable)", "critical")
    ]


def test_pulumi_preview_replace_step_is_a_replacement() -> None:
    base = dev_plan()
    preview = _as_pulumi_preview(base, base, sames=True)
    bucket = urn("genai:data:DataLake$aws:s3/bucket:Bucket", "datalake-raw")
    preview["steps"] = [s for s in preview["steps"] if s["urn"] == bucket]
    preview["steps"][0]["op"] = "replace"
    state = parse_plan(_as_export(base))
    found = analyse(state, overlay(state, parse_plan(preview)))
    assert [(f.title, f.severity) for f in found if f.direction == "risk"] == [
        ("Bucket replaced: delete and re-create", "high")
    ]


def test_unknown_values_from_preview_are_not_changes() -> None:
    base = dev_plan()
    preview = _as_pulumi_preview(base, base, sames=True)
    for s in preview["steps"]:
        if s["urn"].endswith("::filter-logs"):
            s["op"] = "update"
            s["newState"]["inputs"] = {**s["newState"]["inputs"], "kmsKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
    state = parse_plan(_as_export(base))
    found = analyse(state, overlay(state, parse_plan(preview)))
    assert [f.direction for f in found] == ["neutral"]


# --- bad input and limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        ("{not json", "not JSON"),
        ("[1, 2]", "unrecognised format"),
        ('{"hello": "world"}', "unrecognised format"),
        ('{"schemaVersion": 1, "resources": [{"urn": 5}]}', "invalid urn"),
        ('{"steps": [1]}', "preview step is not an object"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: str | None, expected: str) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    good = write(tmp_path, "good.json", dev_plan())
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from infra.review.cli import main; sys.exit(main(sys.argv[1:]))",
            str(good),
            str(bad),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert expected in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_load_plan_errors_are_plan_errors(tmp_path: Path) -> None:
    with pytest.raises(PlanError):
        load_plan(tmp_path / "missing.json")


def test_comment_stays_under_the_limit_and_counts_what_it_cut(tmp_path: Path) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    for i in range(1500):
        head["resources"].append(
            {
                "urn": urn("aws:ec2/securityGroup:SecurityGroup", f"sg-{i:04d}"),
                "type": "aws:ec2/securityGroup:SecurityGroup",
                "inputs": {
                    "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]
                },
            }
        )
    code, md, doc = review(tmp_path, base, head)
    assert code == 1
    assert len(md) <= 60_000
    shown = md.count("| 🟠 high |")
    assert len(doc["risk"]) == 1500
    assert f"{1500 - shown} more risk-increasing" in md
    small = to_markdown(analyse(parse_plan(base), parse_plan(head)), stack="dev", max_chars=5000)
    assert len(small) <= 5000 and "more risk-increasing" in small


def test_json_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = write(tmp_path, "b.json", dev_plan())
    h = write(tmp_path, "h.json", widen_and_open(dev_plan()))
    assert main([str(b), str(h), "--json", "-"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["riskBySeverity"] == {"high": 2}


def test_resource_policy_grading() -> None:
    base = dev_plan()
    key_policy = json.loads(find(base, "datalake-key")["inputs"]["policy"])

    def with_statement(stmt: dict[str, Any]) -> dict[str, Any]:
        head = copy.deepcopy(base)
        doc = copy.deepcopy(key_policy)
        doc["Statement"].append(stmt)
        find(head, "datalake-key")["inputs"]["policy"] = json.dumps(doc)
        return head

    service = with_statement(
        {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}
    )
    other_account = with_statement(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    assert [(f.title, f.severity) for f in risks(base, service)] == [("Resource policy widened", "medium")]
    assert [(f.title, f.severity) for f in risks(base, other_account)] == [("Resource policy widened", "high")]


def test_new_resources_policies_are_rated_low_unless_broad() -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    head["resources"].append(
        {
            "urn": urn("aws:iam/policy:Policy", "reader"),
            "type": "aws:iam/policy:Policy",
            "inputs": {
                "policy": _doc(
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::genai-dev-raw/*"}
                )
            },
        }
    )
    head["resources"].append(
        {
            "urn": urn("aws:iam/policy:Policy", "admin"),
            "type": "aws:iam/policy:Policy",
            "inputs": {"policy": _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})},
        }
    )
    found = {f.name: (f.title, f.severity, f.rules) for f in risks(base, head)}
    assert found["reader"] == ("New IAM permissions", "low", ("review-iam-grant-widened",))
    assert found["admin"][:2] == ("New IAM permissions", "critical")
    assert "aws-iam-no-inline-admin" in found["admin"][2]


def test_plan_values_cannot_inject_markdown_or_mentions(tmp_path: Path) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    head["resources"].append(
        {
            "urn": urn(
                "aws:ec2/securityGroup:SecurityGroup", "x` @octocat <img src=x> ![p](https://e.example/p.png) |"
            ),
            "type": "aws:ec2/securityGroup:SecurityGroup",
            "inputs": {
                "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}],
                "description": "@security-team please merge",
            },
        }
    )
    find(head, "filter-logs")["inputs"]["retentionInDays"] = 90
    _, md, _ = review(tmp_path, base, head)
    row = next(line for line in md.splitlines() if "octocat" in line)
    assert row.count(" | ") == 4  # the cell's pipe is escaped: still five columns
    assert "`x' @octocat <img src=x> ![p](https://e.example/p.png) \\|`" in row  # inside a code span
    assert "@security-team" not in md


def test_rotation_schedule_made_less_frequent() -> None:
    base = dev_plan()
    find(base, "backend-token-rotation")["inputs"]["rotationRules"] = {"scheduleExpression": "rate(30 days)"}
    head = copy.deepcopy(base)
    find(head, "backend-token-rotation")["inputs"]["rotationRules"] = {"scheduleExpression": "rate(90 days)"}
    assert [(f.title, f.severity, f.before, f.after) for f in risks(base, head)] == [
        ("Secret rotation less frequent", "low", "30 days", "90 days")
    ]


def test_endpoint_policy_is_a_filter_not_public_access() -> None:
    base = dev_plan()
    endpoint_doc = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
        }
    )
    endpoint = _res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "s3-endpoint",
        {"serviceName": "com.amazonaws.eu-west-1.s3", "policy": endpoint_doc},
    )
    created = copy.deepcopy(base)
    created["resources"].append(copy.deepcopy(endpoint))
    assert [(f.title, f.severity, f.category) for f in risks(base, created)] == [
        ("New endpoint policy", "low", "exposure")
    ]

    widened = copy.deepcopy(created)
    doc = json.loads(endpoint_doc)
    doc["Statement"].append({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    find(widened, "s3-endpoint")["inputs"]["policy"] = json.dumps(doc)
    (finding,) = risks(created, widened)
    assert (finding.title, finding.severity, finding.category) == ("Endpoint policy widened", "medium", "exposure")
    assert finding.rules == ()

    # the same statement on a bucket policy is public access
    bucket = copy.deepcopy(created)
    find(bucket, "datalake-models-policy")["inputs"]["policy"] = _doc(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::genai-dev-models/*"}
    )
    assert [(f.title, f.severity) for f in risks(created, bucket)] == [
        ("Public access granted by resource policy", "critical")
    ]
