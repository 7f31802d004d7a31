"""Reading a stack's configuration: from the Pulumi runtime, or from `Pulumi.<stack>.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SECRET_MARK = "[secret]"


class StackConfigError(ValueError):
    """A stack's config file is missing or malformed."""


def project_name(program_dir: Path) -> str:
    """The `name` in the `Pulumi.yaml` of `program_dir` or of the nearest parent that has one."""
    path = find_project_file(program_dir)
    data = _load_yaml(path)
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        raise StackConfigError(f"{path}: 'name' is missing; a Pulumi project needs a name")
    return name


def find_project_file(program_dir: Path) -> Path:
    for folder in (program_dir, *program_dir.resolve().parents):
        for candidate in ("Pulumi.yaml", "Pulumi.yml"):
            if (folder / candidate).is_file():
                return folder / candidate
    raise StackConfigError(f"{program_dir}: no Pulumi.yaml here or in a parent folder; not a Pulumi project")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise StackConfigError(f"{path}: cannot read ({err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise StackConfigError(f"{path}: not valid YAML{where}") from None


def read_stack_config(project_file: Path, stack: str, *, required: bool) -> tuple[dict[str, Any], list[str]]:
    """Return `({"ns:key": value}, secret_keys)` from `Pulumi.<stack>.yaml` beside `project_file`.

    Values keep their YAML types; `secure:` values are replaced by a mark, since there is no key to
    decrypt them offline. A missing file is empty config unless `required`.
    """
    path = project_file.parent / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        if required:
            raise StackConfigError(
                f"{path}: stack config file not found (known stacks: {', '.join(known_stacks(project_file)) or 'none'})"
            )
        return {}, []
    data = _load_yaml(path) or {}
    if not isinstance(data, dict):
        raise StackConfigError(f"{path}: expected a mapping with a 'config:' key")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise StackConfigError(f"{path}: 'config' must be a mapping of namespace:key to value")
    return config_values(config, _load_yaml(project_file).get("name", ""))


def config_values(config: dict[Any, Any], project: str) -> tuple[dict[str, Any], list[str]]:
    """A stack file's `config:` mapping as `({"ns:key": value}, secret_keys)`: a key without a
    namespace is the project's, and a `secure:` value is replaced by SECRET_MARK."""
    values: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in config.items():
        full = str(key) if ":" in str(key) else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full] = SECRET_MARK
            secrets.append(full)
        else:
            values[full] = value
    return values, sorted(secrets)


def known_stacks(project_file: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_file.parent.glob("Pulumi.*.yaml"))


def runtime_config(project: str) -> dict[str, Any]:
    """All config the Pulumi runtime holds for `project` and `aws`, as `{"ns:key": raw value}`."""
    from pulumi.runtime import config as runtime

    merged: dict[str, Any] = {**runtime.get_config_env(), **runtime.CONFIG.get()}
    return {k: v for k, v in merged.items() if k.startswith((f"{project}:", "aws:"))}
