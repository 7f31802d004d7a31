"""`python -m infra.preview.worker PROGRAM STACK OUT`: one preview per process (see engine).

`--stack-outputs FILE` holds `{"<project>/<stack>": outputs}` for the program's stack references.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

from infra.preview import lazy_annotations
from infra.preview.engine import PreviewError, preview, write_plan

USAGE = "usage: python -m infra.preview.worker PROGRAM STACK OUT [--require-stack-file] [--stack-outputs FILE]"


def main(argv: list[str]) -> int:
    gc.disable()  # one preview, then exit: see engine.without_cyclic_gc
    lazy_annotations.install()
    options = argv[3:]
    references: dict[str, Any] = {}
    if "--stack-outputs" in options:
        at = options.index("--stack-outputs")
        if at + 1 >= len(options):
            print(USAGE, file=sys.stderr)
            return 2
        references = json.loads(Path(options.pop(at + 1)).read_text(encoding="utf-8"))
        options.pop(at)
    if len(argv) < 3 or set(options) - {"--require-stack-file"}:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        plan = preview(
            Path(argv[0]), argv[1], require_stack_file="--require-stack-file" in options, stack_outputs=references
        )
        write_plan(plan, Path(argv[2]))
    except PreviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
