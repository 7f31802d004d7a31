"""The providers' modules are imported with postponed annotations in the preview; the plans do not
change, and the cached code is used only while it matches its source."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.preview import lazy_annotations
from infra.preview.lazy_annotations import LazyAnnotationsFinder, cache_path
from infra.preview.stages import preview_stages

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_provider(tmp_path: Path) -> Iterator[Path]:
    """A package whose module's annotations name something undefined: importing it works only if
    they are not evaluated."""
    package = tmp_path / "fakeprov"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("def f(x: NotDefinedAnywhere) -> int:\n    return 1\nVALUE = 1\n")
    finder = LazyAnnotationsFinder(packages=("fakeprov",))
    sys.path.insert(0, str(tmp_path))
    sys.meta_path.insert(0, finder)
    try:
        yield package / "mod.py"
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "fakeprov" or m.startswith("fakeprov.")]:
            del sys.modules[name]


def _fresh_import() -> Any:
    sys.modules.pop("fakeprov.mod", None)
    importlib.invalidate_caches()
    return importlib.import_module("fakeprov.mod")


def test_annotations_are_not_evaluated_and_the_code_is_cached(fake_provider: Path) -> None:
    module = _fresh_import()
    assert module.f.__annotations__ == {"x": "NotDefinedAnywhere", "return": "int"}
    assert cache_path(str(fake_provider)).is_file()
    assert module.__spec__.cached == str(cache_path(str(fake_provider)))
    assert _fresh_import().VALUE == 1  # from the cache


def test_a_changed_source_is_compiled_again(fake_provider: Path) -> None:
    _fresh_import()
    fake_provider.write_text("def f(x: NotDefinedAnywhere) -> int:\n    return 1\nVALUE = 22\n")
    stat = fake_provider.stat()
    os.utime(fake_provider, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    assert _fresh_import().VALUE == 22


def test_a_damaged_cache_is_compiled_again(fake_provider: Path) -> None:
    _fresh_import()
    cached = cache_path(str(fake_provider))
    cached.write_bytes(cached.read_bytes()[:40] + b"\x00garbage")
    assert _fresh_import().VALUE == 1


def test_an_unwritable_cache_folder_still_loads(fake_provider: Path) -> None:
    (fake_provider.parent / "__pycache__").write_text("not a folder")  # mkdir and mkstemp fail (even as root)
    assert _fresh_import().VALUE == 1
    assert _fresh_import().VALUE == 1


def test_only_the_named_packages_and_once(fake_provider: Path) -> None:
    finder = LazyAnnotationsFinder(packages=("fakeprov",))
    assert finder.find_spec("fakeprov") is None  # the package itself: the ordinary finders
    assert finder.find_spec("json.decoder") is None
    spec = finder.find_spec("fakeprov.mod", [str(fake_provider.parent)])
    assert spec is not None and isinstance(spec.loader, lazy_annotations.LazyAnnotationsLoader)
    meta_path: list[Any] = []
    assert lazy_annotations.install(meta_path) and lazy_annotations.install(meta_path)
    assert len(meta_path) == 1


def test_the_environment_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lazy_annotations.DISABLE_VARIABLE, "1")
    meta_path: list[Any] = []
    assert lazy_annotations.install(meta_path) is False
    assert meta_path == []


PROBE = """
import sys
from infra.preview import lazy_annotations
lazy_annotations.install()
import pulumi_aws
print(type(pulumi_aws.s3.BucketVersioningArgs.__init__.__annotations__["enabled"]).__name__)
"""


@pytest.mark.parametrize(("eager", "expected"), [("", "str"), ("1", "_UnionGenericAlias")])
def test_the_provider_is_imported_lazily_unless_turned_off(eager: str, expected: str) -> None:
    env = {**os.environ, lazy_annotations.DISABLE_VARIABLE: eager, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROBE)], capture_output=True, text=True, env=env, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == expected


def test_the_plans_are_the_same_with_eager_annotations(
    monkeypatch: pytest.MonkeyPatch, prod_stages: dict[str, dict[str, Any]]
) -> None:
    """The guard for a provider upgrade: if the SDK ever read an annotation that postponing changes,
    prod's plans (every stage) would differ from those of an eager import."""
    monkeypatch.setenv(lazy_annotations.DISABLE_VARIABLE, "1")
    eager = {p.stage.name: p.plan for p in preview_stages("prod")}
    assert eager == prod_stages
