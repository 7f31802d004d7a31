"""Score the filter on a labelled JSON Lines file.

Prompt files (rows `{"text", "label": "attack"|"benign", "source", ...}`, optionally `"group"` and
`"system_prompt"`): attack block rate and benign false-positive rate per source and overall, where blocked
means the /v1/screen pipeline answers "block" for direction input (with the row's system prompt as context
when it has one). `--by-source-group` adds the rates per source group, each marked tuned (the rules were
written looking at it) or held out; `--by-rule` adds, per rule of the registry, the attack rows it fires on
and the benign rows it fires on (its false positives). PII files (rows `{"text", "spans": [{"start", "end",
"type"}], "source"}`): per-type recall and precision of the PII findings.

    python -m infra.filtering.evaluate FILE.jsonl [--json] [--check] [--by-rule] [--by-source-group]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.filtering import ensure_lambda_path

PII_TARGET_TYPES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS")
RECALL_TARGET = 0.98
PRECISION_TARGET = 0.95

# Sources that share content are one group (held out together in the leave-one-source-group-out runs of
# docs/filter-detection.md); a source not listed is its own group, and a row's "group" overrides both.
SOURCE_GROUPS = {
    "bipia-email": "bipia",
    "bipia-table": "bipia",
    "bipia-code": "bipia",
    "mt-bench": "mt-bench+vicuna",
    "vicuna-bench": "mt-bench+vicuna",
    "mt-bench-multilingual": "mt-bench+vicuna",
}
# The groups of the development data: the rules were written looking at them. Every other group is held out.
TUNED_GROUPS = frozenset(
    {
        "deepset",
        "jailbreakbench",
        "xstest",
        "awesome-chatgpt-prompts",
        "bipia",
        "cyberseceval-frr",
        "mt-bench+vicuna",
        "self-instruct",
        "mgsm",
        "giskard",
    }
)


class EvalError(Exception):
    """The input file cannot be evaluated; the message is one line for the user."""


@dataclass
class PromptRow:
    text: str
    attack: bool
    source: str
    group: str = ""
    system_prompt: str | None = None

    @property
    def source_group(self) -> str:
        return self.group or SOURCE_GROUPS.get(self.source, self.source)


@dataclass
class Span:
    start: int
    end: int
    type: str


@dataclass
class PiiRow:
    text: str
    spans: list[Span]
    source: str


@dataclass
class Counts:
    gold: int = 0
    found: int = 0  # gold spans matched
    predicted: int = 0
    correct: int = 0  # predicted spans matching gold

    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None


@dataclass
class RateCounts:
    attacks: int = 0
    attacks_blocked: int = 0
    benign: int = 0
    benign_blocked: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "attacks": self.attacks,
            "attacks_blocked": self.attacks_blocked,
            "attack_block_rate": _ratio(self.attacks_blocked, self.attacks),
            "benign": self.benign,
            "benign_blocked": self.benign_blocked,
            "benign_false_positive_rate": _ratio(self.benign_blocked, self.benign),
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _int(value: Any) -> bool:
    return type(value) is int


def json_objects(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """("file:line", row) for every non-blank line of a UTF-8 JSON Lines file of objects; EvalError names the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvalError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path}: not UTF-8 (byte offset {exc.start})") from None
    for lineno, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            raise EvalError(f"{where}: not valid JSON") from None
        if not isinstance(row, dict):
            raise EvalError(f"{where}: a row must be a JSON object")
        yield where, row


def input_blocker() -> Callable[[str, str | None], bool]:
    """Whether the /v1/screen pipeline (configured from the environment) blocks a text as input, given an
    optional system prompt as its context."""
    ensure_lambda_path()
    from genai_filter import config
    from genai_filter.context import derive
    from genai_filter.screen import Redactor, Screener

    try:
        screener = Screener(config.load(os.environ))
    except config.ConfigError as exc:
        raise EvalError(f"filter configuration: {exc}") from None

    def blocks(text: str, system_prompt: str | None = None) -> bool:
        context = derive(system_prompt) if system_prompt else None
        return screener.screen(text, "input", Redactor(), context=context).action == "block"

    return blocks


def load_rows(path: Path) -> tuple[str, list[PromptRow] | list[PiiRow]]:
    prompts: list[PromptRow] = []
    piis: list[PiiRow] = []
    for where, row in json_objects(path):
        text = row.get("text")
        if not isinstance(text, str):
            raise EvalError(f"{where}: 'text' must be a string")
        source = row.get("source", "unknown")
        if not isinstance(source, str):
            raise EvalError(f"{where}: 'source' must be a string")
        if "spans" in row:
            spans_raw = row["spans"]
            if not isinstance(spans_raw, list):
                raise EvalError(f"{where}: 'spans' must be an array")
            spans: list[Span] = []
            for i, s in enumerate(spans_raw):
                if not (isinstance(s, dict) and _int(s.get("start")) and _int(s.get("end"))):
                    raise EvalError(f"{where}: spans[{i}] needs integer 'start' and 'end'")
                if not isinstance(s.get("type"), str):
                    raise EvalError(f"{where}: spans[{i}] needs a string 'type'")
                if not 0 <= s["start"] < s["end"] <= len(text):
                    raise EvalError(f"{where}: spans[{i}] is outside the text")
                spans.append(Span(s["start"], s["end"], s["type"]))
            piis.append(PiiRow(text, spans, source))
        elif "label" in row:
            label = row["label"]
            if label not in ("attack", "benign"):
                raise EvalError(f"{where}: 'label' must be 'attack' or 'benign'")
            group = row.get("group", "")
            if not isinstance(group, str):
                raise EvalError(f"{where}: 'group' must be a string")
            system_prompt = row.get("system_prompt")
            if system_prompt is not None and not isinstance(system_prompt, str):
                raise EvalError(f"{where}: 'system_prompt' must be a string")
            prompts.append(PromptRow(text, label == "attack", source, group, system_prompt))
        else:
            raise EvalError(f"{where}: a row needs 'label' (prompt file) or 'spans' (PII file)")
        if prompts and piis:
            raise EvalError(f"{where}: the file mixes prompt rows and PII rows")
    if not prompts and not piis:
        raise EvalError(f"{path}: no rows")
    return ("prompts", prompts) if prompts else ("pii", piis)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def evaluate_pii(rows: Sequence[PiiRow]) -> dict[str, Any]:
    ensure_lambda_path()
    from genai_filter import pii

    overall: dict[str, Counts] = defaultdict(Counts)
    by_source: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    for row in rows:
        findings = pii.detect(row.text)
        for table in (overall, by_source[row.source]):
            for span in row.spans:
                c = table[span.type]
                c.gold += 1
                half = span.end - span.start
                if any(
                    f.type == span.type and 2 * _overlap(f.start, f.end, span.start, span.end) >= half for f in findings
                ):
                    c.found += 1
            for f in findings:
                c = table[f.type]
                c.predicted += 1
                size = f.end - f.start
                if any(s.type == f.type and 2 * _overlap(f.start, f.end, s.start, s.end) >= size for s in row.spans):
                    c.correct += 1

    def table_json(table: dict[str, Counts]) -> dict[str, Any]:
        return {
            t: {
                "gold": c.gold,
                "found": c.found,
                "predicted": c.predicted,
                "correct": c.correct,
                "recall": None if c.recall() is None else round(c.recall() or 0.0, 4),
                "precision": None if c.precision() is None else round(c.precision() or 0.0, 4),
            }
            for t, c in sorted(table.items())
            if t in PII_TARGET_TYPES or c.predicted
        }

    targets = {}
    for t in PII_TARGET_TYPES:
        c = overall[t]
        recall, precision = c.recall(), c.precision()
        targets[t] = {
            "recall_ok": recall is None or recall >= RECALL_TARGET,
            "precision_ok": (precision if precision is not None else 1.0) >= PRECISION_TARGET,
        }
    return {
        "kind": "pii",
        "rows": len(rows),
        "overall": table_json(overall),
        "by_source": {s: table_json(t) for s, t in sorted(by_source.items())},
        "targets": {"recall": RECALL_TARGET, "precision": PRECISION_TARGET, "per_type": targets},
        "targets_met": all(v["recall_ok"] and v["precision_ok"] for v in targets.values()),
    }


def evaluate_prompts(rows: Sequence[PromptRow], *, by_rule: bool = False, by_group: bool = False) -> dict[str, Any]:
    blocks = input_blocker()
    overall = RateCounts()
    by_source: dict[str, RateCounts] = defaultdict(RateCounts)
    by_source_group: dict[str, RateCounts] = defaultdict(RateCounts)
    for row in rows:
        blocked = blocks(row.text, row.system_prompt)
        for c in (overall, by_source[row.source], by_source_group[row.source_group]):
            if row.attack:
                c.attacks += 1
                c.attacks_blocked += blocked
            else:
                c.benign += 1
                c.benign_blocked += blocked
    report: dict[str, Any] = {
        "kind": "prompts",
        "rows": len(rows),
        "overall": overall.as_json(),
        "by_source": {s: c.as_json() for s, c in sorted(by_source.items())},
    }
    if by_group:
        report["by_source_group"] = _group_report(by_source_group)
    if by_rule:
        report["by_rule"] = evaluate_rules(rows)
    return report


def _group_report(groups: dict[str, RateCounts]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    totals = {"tuned": RateCounts(), "held-out": RateCounts()}
    for name, c in sorted(groups.items()):
        status = "tuned" if name in TUNED_GROUPS else "held-out"
        out[name] = {**c.as_json(), "status": status}
        total = totals[status]
        total.attacks += c.attacks
        total.attacks_blocked += c.attacks_blocked
        total.benign += c.benign
        total.benign_blocked += c.benign_blocked
    return {"groups": out, "totals": {k: v.as_json() for k, v in totals.items()}}


def evaluate_rules(rows: Sequence[PromptRow]) -> dict[str, Any]:
    """Per rule of the registry: the attack rows and the benign rows (false positives) on which it fires, i.e.
    scores at least its own score on the normalised text (decoded segments are not re-screened here)."""
    ensure_lambda_path()
    from genai_filter.normalize import normalize
    from genai_filter.rules.base import Composite
    from genai_filter.rules.registry import all_rules

    rules = all_rules()
    fired = {r.name: [0, 0] for r in rules}
    for row in rows:
        norm = normalize(row.text).text
        for rule in rules:
            text = row.text if isinstance(rule, Composite) and rule.original else norm
            if any(h.score >= rule.score for h in rule.hits(text)):
                fired[rule.name][0 if row.attack else 1] += 1
    return {
        r.name: {"type": r.type, "score": r.score, "attacks": fired[r.name][0], "benign": fired[r.name][1]}
        for r in rules
    }


def evaluate_file(path: Path, *, by_rule: bool = False, by_group: bool = False) -> dict[str, Any]:
    kind, rows = load_rows(path)
    if kind == "pii":
        if by_rule or by_group:
            raise EvalError(f"{path}: --by-rule and --by-source-group apply to prompt files (rows with 'label')")
        return evaluate_pii([r for r in rows if isinstance(r, PiiRow)])
    return evaluate_prompts([r for r in rows if isinstance(r, PromptRow)], by_rule=by_rule, by_group=by_group)


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _rate_line(name: str, c: dict[str, Any]) -> str:
    return (
        f"{name:<24} {c['attacks']:>8} {_pct(c['attack_block_rate']):>8} "
        f"{c['benign']:>7} {_pct(c['benign_false_positive_rate']):>8}"
    )


def render(report: dict[str, Any]) -> str:
    lines: list[str] = []
    if report["kind"] == "prompts":
        lines.append(f"{'source':<24} {'attacks':>8} {'blocked':>8} {'benign':>7} {'FP':>8}")
        entries = [*report["by_source"].items(), ("OVERALL", report["overall"])]
        for source, c in entries:
            lines.append(_rate_line(source, c))
        if "by_source_group" in report:
            lines += ["", f"{'source group':<24} {'attacks':>8} {'blocked':>8} {'benign':>7} {'FP':>8}  status"]
            for name, c in report["by_source_group"]["groups"].items():
                lines.append(f"{_rate_line(name, c)}  {c['status']}")
            for status, c in report["by_source_group"]["totals"].items():
                lines.append(_rate_line(f"ALL {status.upper()}", c))
        if "by_rule" in report:
            rules = report["by_rule"]
            lines += ["", f"{'rule':<44} {'type':<26} {'attacks':>8} {'benign (FP)':>12}"]
            ranked = sorted(rules.items(), key=lambda kv: (-kv[1]["benign"], -kv[1]["attacks"], kv[0]))
            for name, r in ranked:
                if r["attacks"] or r["benign"]:
                    lines.append(f"{name:<44} {r['type']:<26} {r['attacks']:>8} {r['benign']:>12}")
            silent = sum(1 for r in rules.values() if not (r["attacks"] or r["benign"]))
            lines.append(f"{silent} of {len(rules)} rules fired on no row")
        return "\n".join(lines)
    lines.append(f"{'type':<16} {'gold':>6} {'pred':>6} {'recall':>8} {'precision':>10}")
    for t, c in report["overall"].items():
        mark = ""
        if t in report["targets"]["per_type"]:
            ok = report["targets"]["per_type"][t]
            mark = "" if ok["recall_ok"] and ok["precision_ok"] else "  << below target"
        lines.append(
            f"{t:<16} {c['gold']:>6} {c['predicted']:>6} {_pct(c['recall']):>8} {_pct(c['precision']):>10}{mark}"
        )
    lines.append(
        f"targets (recall >= {100 * RECALL_TARGET:.0f}%, precision >= {100 * PRECISION_TARGET:.0f}%): "
        + ("met" if report["targets_met"] else "NOT met")
    )
    return "\n".join(lines)


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="labelled JSON Lines file (prompt rows or PII rows)")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--check", action="store_true", help="exit 1 when a PII file misses the targets")
    p.add_argument("--by-rule", action="store_true", help="per rule: attack rows and benign rows it fires on")
    p.add_argument(
        "--by-source-group",
        action="store_true",
        help="rates per source group, each marked tuned (development data) or held out",
    )


def run(args: argparse.Namespace) -> int:
    try:
        report = evaluate_file(args.file, by_rule=args.by_rule, by_group=args.by_source_group)
    except EvalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else render(report))
    if args.check and report["kind"] == "pii" and not report["targets_met"]:
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.filtering.evaluate", description=__doc__.split("\n")[0])
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
