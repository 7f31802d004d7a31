"""Import the providers' generated modules with postponed annotations (PEP 563) in the offline preview.

`pulumi_aws` and `pulumi_kubernetes` define thousands of typed classes per module, and evaluating
their annotations at import (`pulumi.Input[...]`, `Optional[...]`, TypedDict fields) is about half of
a preview's import time. The SDK reads those annotations only through `typing.get_type_hints`,
which evaluates string annotations in the class's module, so compiling the modules with
`from __future__ import annotations` changes no plan (tests/infra/test_lazy_annotations.py previews
dev and prod both ways and compares the plans byte for byte).

The compiled code is cached beside the module's own bytecode, as
`__pycache__/<name>.<tag>.opt-lazyannotations.pyc` (a name the interpreter never loads by itself),
validated by the interpreter's magic number and the source's size and modification time, like a
`.pyc`. Where that folder cannot be written, the code is compiled in memory each time.
`GENAI_PREVIEW_EAGER_ANNOTATIONS=1` turns this off.
"""

from __future__ import annotations
import __future__

import contextlib
import importlib.machinery
import importlib.util
import marshal
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

PACKAGES = ("pulumi_aws", "pulumi_kubernetes")
OPTIMIZATION_TAG = "lazyannotations"
DISABLE_VARIABLE = "GENAI_PREVIEW_EAGER_ANNOTATIONS"
_FORMAT = b"genai-lazy-annotations 1\n"


def cache_path(source: str) -> Path:
    return Path(importlib.util.cache_from_source(source, optimization=OPTIMIZATION_TAG))


def _header(source: str) -> bytes:
    stat = os.stat(source)
    return (
        _FORMAT
        + importlib.util.MAGIC_NUMBER
        + stat.st_mtime_ns.to_bytes(8, "little")
        + stat.st_size.to_bytes(8, "little")
    )


def _write_atomic(path: Path, data: bytes) -> None:
    """Write the cache file whole or not at all (another preview may read it meanwhile)."""
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return  # a read-only installation: compile in memory next time too
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


class LazyAnnotationsLoader(importlib.machinery.SourceFileLoader):
    """A source loader that compiles with postponed evaluation of annotations, and caches the code."""

    def get_code(self, fullname: str) -> CodeType:
        source = self.get_filename(fullname)
        header = _header(source)
        cached = cache_path(source)
        try:
            data = cached.read_bytes()
            if data.startswith(header):
                loaded = marshal.loads(data[len(header) :])  # noqa: S302  # nosec B302 - our cache, beside (and as trusted as) the .pyc files the interpreter loads
                if isinstance(loaded, CodeType):
                    return loaded
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: compile again
        code: CodeType = compile(
            self.get_data(source), source, "exec", flags=__future__.annotations.compiler_flag, dont_inherit=True
        )
        _write_atomic(cached, header + marshal.dumps(code))
        return code


class LazyAnnotationsFinder:
    """Finds the providers' modules as the path finder does, and loads them with LazyAnnotationsLoader."""

    def __init__(self, packages: Sequence[str] = PACKAGES) -> None:
        self.prefixes = tuple(f"{p}." for p in packages)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(self.prefixes):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader) or spec.origin is None:
            return spec
        spec.loader = LazyAnnotationsLoader(fullname, spec.origin)
        spec.cached = str(cache_path(spec.origin))
        return spec

    def invalidate_caches(self) -> None:
        """Nothing of its own to invalidate (the path finder's caches are the path finder's)."""


def install(meta_path: list[Any] | None = None) -> bool:
    """Put the finder first on `sys.meta_path` (once); False when turned off by the environment.
    Modules already imported stay as they are."""
    finders = sys.meta_path if meta_path is None else meta_path
    if os.environ.get(DISABLE_VARIABLE, "") not in ("", "0"):
        return False
    if not any(isinstance(f, LazyAnnotationsFinder) for f in finders):
        finders.insert(0, LazyAnnotationsFinder())
    return True


def warm() -> None:
    """Compile and cache the provider modules the stages use (`make setup` runs this once, as it
    compiles the installed packages' bytecode), so that the first preview is as fast as the next."""
    from infra.preview.stages import preload_stage_modules

    install()
    preload_stage_modules()


if __name__ == "__main__":
    warm()
