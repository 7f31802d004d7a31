"""`python -m infra.preview.worker PROGRAM STACK OUT`: one preview per process (see engine)."""

from __future__ import annotations

import sys
from pathlib import Path

from infra.preview.engine import PreviewError, preview, write_plan


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print("usage: python -m infra.preview.worker PROGRAM STACK OUT [--require-stack-file]", file=sys.stderr)
        return 2
    try:
        plan = preview(Path(argv[0]), argv[1], require_stack_file="--require-stack-file" in argv[3:])
        write_plan(plan, Path(argv[2]))
    except PreviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
