"""The `genai-platform` command: offline preview with policy checks, review, audit, filter tools."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# (command, module with configure_parser/run, help); modules are imported only when needed.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("preview", "infra.preview.command", "offline preview of a stack, with the policy pack"),
    ("contracts", "infra.contracts.command", "deploy-contract and lifecycle checks over every stage's plan"),
    ("policy", "infra.policy.cli", "evaluate a recorded plan against the policy pack (--profile baseline|platform)"),
    ("review", "infra.review.cli", "security review of the diff between two plans"),
    ("audit", "infra.audit.cli", "check a deployed account against the platform's baseline"),
    ("preflight", "infra.preflight.command", "what a real deploy of a stack needs that is missing"),
    ("redteam", "infra.redteam", "send attack and benign prompts to a deployed filter endpoint"),
    ("state-policy", "infra.state_policy", "the state bucket policy that limits each role to its own stacks"),
)
FILTER_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("evaluate", "infra.filtering.evaluate", "measure the filter on a labelled JSONL file"),
    ("serve", "infra.filtering.serve", "run the filter handler behind a local HTTP server"),
    ("parity", "infra.filtering.parity", "per-language block rate and FPR next to English's on the same attacks"),
)
INGEST_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("scan", "infra.ingest.scan", "scan local files as the ingestion scanner would; one JSON verdict per file"),
)
# (group, help, its commands)
GROUPS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("filter", "the prompt/response filter's tools", FILTER_COMMANDS),
    ("ingest", "data ingestion scanning", INGEST_COMMANDS),
    (
        "lineage",
        "data and model lineage",
        (
            ("show", "infra.ingest.lineage", "print an object's lineage chain"),
            ("record", "infra.ingest.lineage_record", "record a curated or model version and its inputs"),
        ),
    ),
    (
        "provenance",
        "signed model manifests",
        (
            ("sign", "infra.ingest.provenance_sign", "hash a model directory and sign its manifest with KMS"),
            ("verify", "infra.ingest.provenance_verify", "verify a model directory against its signed manifest"),
        ),
    ),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _add(sub: argparse._SubParsersAction[_Parser], name: str, module: str, help_: str, *, configure: bool) -> None:
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(module=module)
    if configure:
        importlib.import_module(module).configure_parser(parser)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported (each has heavy dependencies)."""
    words = [a for a in argv if not a.startswith("-")]
    chosen = words[0] if words else None
    parser = _Parser(prog="genai-platform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module, help_ in COMMANDS:
        _add(sub, name, module, help_, configure=name == chosen)
    for group, group_help, commands in GROUPS:
        group_parser = sub.add_parser(group, help=group_help, description=group_help)
        group_sub = group_parser.add_subparsers(dest=f"{group}_command", required=True, parser_class=_Parser)
        group_chosen = words[1] if chosen == group and len(words) > 1 else None
        for name, module, help_ in commands:
            _add(group_sub, name, module, help_, configure=name == group_chosen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        command = importlib.import_module(args.module)
        result: int = command.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if getattr(command, "SKIP_TEARDOWN", False):
        _finished.append(result)
    return result


_finished: list[int] = []


def console() -> None:
    """The console script. A command that cleans up after itself and declares `SKIP_TEARDOWN`
    (the preview, which imports thousands of provider classes) leaves without the interpreter's
    teardown, a few tenths of a second of freeing what the process is about to drop anyway. Output
    cut short by its reader (`genai-platform preview | head`) ends the command quietly, with the
    status a shell gives a process killed by SIGPIPE."""
    try:
        status = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        # As the Python documentation advises: nothing more goes to the closed pipe at exit either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_BROKEN_PIPE
    if _finished:
        os._exit(status)
    sys.exit(status)


EXIT_BROKEN_PIPE = 141


if __name__ == "__main__":
    console()
