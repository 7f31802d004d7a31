"""Run a Pulumi Python program under the mock runtime and record what it would deploy.

One program run per process: the runtime's settings are global, so `preview_in_subprocess` is the
way to preview several stacks (or programs) from one process, as the tests do.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import os
import re
import runpy
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from stacks.stack_config import (
    SECRET_MARK,
    StackConfigError,
    config_values,
    find_project_file,
    read_stack_config,
)

PLAN_SCHEMA_VERSION = 1
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
DEFAULT_REGION = "us-east-1"

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class PreviewError(Exception):
    """The preview could not run: bad input or a program that fails. The message is one clear line."""


class _RefusedRequest(Exception):
    """A registration or invoke the engine would refuse or the mocks cannot answer; the message names it."""


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    protect: bool = False
    retain_on_delete: bool = False
    secret_paths: list[str] = field(default_factory=list)
    import_id: str | None = None


@dataclass(frozen=True)
class ProgramSpec:
    """Where a program lives and which stack of it to preview."""

    program_dir: Path
    project_file: Path
    project: str
    stack: str
    config: dict[str, Any]
    secret_keys: list[str]
    mock_values: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def region(self) -> str:
        region = self.config.get("aws:region")
        return region if isinstance(region, str) and region else DEFAULT_REGION


@dataclass(frozen=True)
class RunOptions:
    """Given on the command line: `--config-file` files, then `--config key=value` pairs (over the
    stack file), and `--mock-values FILE` (invoke token -> result fields)."""

    pairs: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()
    mock_values: Path | None = None


def resolve_program(
    program_dir: Path, stack: str, *, require_stack_file: bool, options: RunOptions = RunOptions()
) -> ProgramSpec:
    """Find the program's project file and stack config; raise PreviewError with a clear line."""
    if not program_dir.exists():
        raise PreviewError(f"--program {program_dir}: no such directory")
    try:
        project_file = find_project_file(program_dir)
        project_data = _project_data(project_file)
        project = project_data["name"]
        config, secrets = read_stack_config(project_file, stack, required=require_stack_file)
    except StackConfigError as err:
        raise PreviewError(str(err)) from None
    for file in options.files:
        file_config, file_secrets = _config_file(file, project)
        config.update(file_config)
        secrets = sorted({*secrets, *file_secrets} - (file_config.keys() - set(file_secrets)))
    for pair in options.pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise PreviewError(f"--config {pair!r}: expected KEY=VALUE, e.g. --config aws:region=eu-west-1")
        full = _full_key(key.strip(), project)
        config[full] = value
        secrets = [k for k in secrets if k != full]
    mock_values = _mock_values(options.mock_values) if options.mock_values else {}
    return ProgramSpec(program_dir, project_file, project, stack, config, secrets, mock_values)


def _mock_values(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PreviewError(f"--mock-values {path}: cannot read ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise PreviewError(f"--mock-values {path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise PreviewError(
            f"--mock-values {path}: expected an object of invoke token to result fields, "
            'e.g. {"aws:route53/getZone:getZone": {"zoneId": "Z123"}}'
        )
    for token in data:
        if token.count(":") != 2:
            raise PreviewError(f"--mock-values {path}: {token!r} is not an invoke token like 'aws:ec2/getVpc:getVpc'")
    return data


def _full_key(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _config_file(path: Path, project: str) -> tuple[dict[str, Any], list[str]]:
    """A `--config-file`: YAML or JSON, either a stack file (`config:` mapping) or a flat mapping."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PreviewError(f"--config-file {path}: cannot read ({err.strerror})") from None
    except yaml.YAMLError:
        raise PreviewError(f"--config-file {path}: not valid YAML or JSON") from None
    if isinstance(data, dict) and isinstance(data.get("config"), dict):
        data = data["config"]
    if not isinstance(data, dict):
        raise PreviewError(f"--config-file {path}: expected a mapping of key to value (or a 'config:' mapping)")
    return config_values(data, project)


def _project_data(project_file: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PreviewError(f"{project_file}: cannot read project file ({type(err).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise PreviewError(f"{project_file}: a Pulumi project needs a 'name'")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PreviewError(
            f"{project_file}: runtime is {runtime_name!r}; the offline preview runs Python programs only"
        )
    return data


def program_entry(project_file: Path) -> Path:
    """The program file, as the CLI finds it: `main` from Pulumi.yaml (a file, or a folder with
    `__main__.py`), relative to the project folder; the project folder itself when unset."""
    main = _project_data(project_file).get("main")
    base = project_file.parent.resolve()  # the program runs from its own folder
    target = base / main if isinstance(main, str) and main else base
    entry = target / "__main__.py" if target.is_dir() else target
    if not entry.is_file():
        raise PreviewError(f"{target}: no __main__.py; a Pulumi Python program needs one")
    return entry


def _config_strings(config: Mapping[str, Any], secret_keys: list[str]) -> dict[str, str]:
    """Pulumi hands config to programs as strings, structured values as JSON. A `secure:` value cannot
    be decrypted offline; the program gets a plausible placeholder (still a secret) instead."""
    out = {}
    for key, value in config.items():
        if key in secret_keys and value == SECRET_MARK:
            out[key] = secret_placeholder(key)
        elif isinstance(value, str):
            out[key] = value
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = json.dumps(value)
    return out


def secret_placeholder(key: str) -> str:
    """What a program reads for a `secure:` value: letters and digits, long enough for a password rule."""
    return f"Mock-Secret-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def _plain(value: Any, path: str, secret_paths: list[str]) -> Any:
    """Turn a deserialized protobuf Struct value into plain JSON, masking secrets."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            secret_paths.append(path)
            return SECRET_MARK
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        if sig == _ASSET_SIG:
            return {"asset": _asset_summary(value)}
        if sig == _ARCHIVE_SIG:
            return {"archive": _asset_summary(value)}
        return {
            k: _plain(v, f"{path}.{k}" if path else k, secret_paths) for k, v in sorted(value.items()) if v != _UNKNOWN
        }
    if isinstance(value, list):
        return [_plain(v, f"{path}[{i}]", secret_paths) for i, v in enumerate(value) if v != _UNKNOWN]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _asset_summary(value: dict[str, Any]) -> dict[str, Any]:
    if "path" in value:
        return {"path": os.path.relpath(value["path"]) if os.path.isabs(value["path"]) else value["path"]}
    if "assets" in value:
        digest = hashlib.sha256(json.dumps(value["assets"], sort_keys=True, default=str).encode()).hexdigest()[:16]
        return {"assets": sorted(value["assets"]), "sha256": digest}
    if "text" in value:
        return {"sha256": hashlib.sha256(str(value["text"]).encode()).hexdigest()[:16]}
    return {}


def _struct_to_dict(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    result: dict[str, Any] = json_format.MessageToDict(struct) if struct is not None else {}
    return result


def _make_monitor(mocks: Any, records: dict[str, Registration], warnings: list[str]) -> Any:
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_project, get_stack

    claimed: set[str] = set()
    claims_lock = threading.Lock()

    class RecordingMonitor(MockMonitor):
        """The mock monitor, plus a record of each registration as the engine would see it."""

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            chain = type_
            if parent:
                parent_chain = parent.split("::")[2]
                if parent_chain != ROOT_STACK_TYPE:
                    chain = f"{parent_chain}${type_}"
            return "urn:pulumi:" + "::".join([get_stack(), get_project(), chain, name])

        # The SDK calls these on an executor thread. Handing them resource references would make the
        # SDK's MockMonitor rebuild live resources there, each with a `get_resource` RPC on that
        # thread's own event loop, which the program's loop later awaits: "attached to a different
        # loop", depending on thread timing. The mocks get the plain value the engine gives a
        # provider that takes no references instead (docs/plan-format.md, "Resources as inputs").
        def RegisterResource(self, request: Any) -> Any:
            what = f"resource '{request.name}' ({request.type})"
            urn = self.make_urn(request.parent, request.type, request.name)
            if getattr(request, "remote", False):
                # A multi-language component (pulumi_eks, awsx) builds its children in its own
                # provider plugin, which does not run offline: recorded as a component, children absent.
                warnings.append(
                    f"{what} is a remote component: its child resources are not visible offline, so "
                    "neither the plan nor the policy checks include them"
                )
            # Registrations run concurrently on executor threads: claim the URN atomically, or two
            # resources of the same name could both pass the check before either is recorded.
            with claims_lock:
                duplicate = urn in claimed and request.type != ROOT_STACK_TYPE
                claimed.add(urn)
            if duplicate:
                raise _RefusedRequest(f"{what}: duplicate URN {urn}; give each resource of a type a unique name")
            response = _answer(
                what,
                lambda: super(RecordingMonitor, self).RegisterResource(_without_references(request, "object")),  # type: ignore[no-untyped-call]
            )
            secret_paths: list[str] = []
            inputs = _plain(_struct_to_dict(request.object), "", secret_paths)
            outputs = _plain(_struct_to_dict(response.object), "", []) if response.object else {}
            records[response.urn] = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom) or request.type.startswith("pulumi:providers:"),
                parent=request.parent or None,
                provider=request.provider or None,
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={
                    key: sorted(set(deps.urns))
                    for key, deps in sorted(request.propertyDependencies.items())
                    if deps.urns
                },
                inputs=inputs,
                outputs={k: v for k, v in outputs.items() if k not in inputs and k != "id"},
                id=response.id or None,
                protect=bool(getattr(request, "protect", False)),
                retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
                secret_paths=sorted(secret_paths),
                import_id=getattr(request, "importId", "") or None,
            )
            return response

        def ReadResource(self, request: Any) -> Any:
            return _answer(
                f"resource '{request.name}' ({request.type}), read",
                lambda: super(RecordingMonitor, self).ReadResource(_without_references(request, "properties")),  # type: ignore[no-untyped-call]
            )

        def Invoke(self, request: Any) -> Any:
            return _answer(
                f"invoke {request.tok}",
                lambda: super(RecordingMonitor, self).Invoke(_without_references(request, "args")),  # type: ignore[no-untyped-call]
            )

    return RecordingMonitor(mocks)


# The SDK's MockMonitor gives each executor thread it runs on an event loop of its own. Left open,
# they are collected at interpreter exit after their sockets, and print "Exception ignored ...
# Invalid file descriptor: -1" on some runs; `run_program` closes them.
_THREAD_LOOPS: set[asyncio.AbstractEventLoop] = set()


def _answer(what: str, ask: Callable[[], Any]) -> Any:
    try:
        return ask()
    except Exception as err:
        raise _RefusedRequest(f"{what}: the offline mock could not answer ({type(err).__name__}: {err})") from err
    finally:
        if threading.current_thread() is not threading.main_thread():
            with contextlib.suppress(RuntimeError):
                _THREAD_LOOPS.add(asyncio.get_event_loop_policy().get_event_loop())


def _close_thread_loops() -> None:
    for loop in list(_THREAD_LOOPS):
        if not loop.is_running() and not loop.is_closed():
            loop.close()
    _THREAD_LOOPS.clear()


def _without_references(request: Any, field_name: str) -> Any:
    """A copy of `request` whose struct `field_name` holds no resource references (the request itself
    when it holds none)."""
    struct = getattr(request, field_name)
    if _RESOURCE_SIG.encode() not in struct.SerializeToString():
        return request
    plain = type(request)()
    plain.CopyFrom(request)
    getattr(plain, field_name).Clear()
    getattr(plain, field_name).update(_dereference(_struct_to_dict(struct)))
    return plain


def _dereference(value: Any) -> Any:
    """Replace each resource reference by its id (a custom resource) or URN (a component), as the
    engine does for a provider that does not accept references."""
    if isinstance(value, dict):
        if value.get(_SIG) == _RESOURCE_SIG:
            if "id" not in value:
                return value["urn"]
            return value["id"] or _UNKNOWN
        return {k: _dereference(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dereference(v) for v in value]
    return value


class _ErrorLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def program_virtualenv(project_file: Path) -> Path | None:
    """The program's own virtualenv: `runtime.options.virtualenv` in Pulumi.yaml, else `venv` or
    `.venv` beside it (what `pulumi` itself would use)."""
    runtime = _project_data(project_file).get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    declared = options.get("virtualenv") if isinstance(options, dict) else None
    base = project_file.parent.resolve()
    for candidate in ([base / declared] if isinstance(declared, str) else []) + [base / "venv", base / ".venv"]:
        if (candidate / "pyvenv.cfg").is_file():
            return candidate
    return None


def _venv_site_packages(venv: Path) -> tuple[list[Path], str]:
    """The venv's site-packages usable by this interpreter (same Python X.Y), and a note when not."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = sorted(venv.glob("lib/python3.*/site-packages")) + sorted(venv.glob("Lib/site-packages"))
    usable = [p for p in found if p.parent.name in (here, "Lib")]
    if usable:
        return usable, ""
    versions = ", ".join(p.parent.name for p in found) or "none"
    return [], f"its virtualenv {venv} is for {versions}, the preview runs {here}"


@contextlib.contextmanager
def _program_environment(spec: ProgramSpec, entry: Path) -> Iterator[None]:
    old_path, old_cwd = list(sys.path), Path.cwd()
    sys.path.insert(0, str(entry.parent))
    sys.path.insert(0, str(spec.project_file.parent))
    venv = program_virtualenv(spec.project_file)
    if venv is not None:
        # After this tool's own packages, so the preview's pulumi runs and the venv adds what is missing.
        sys.path.extend(str(p) for p in _venv_site_packages(venv)[0])
    os.chdir(entry.parent)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


def run_program(
    spec: ProgramSpec, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[dict[str, Registration], list[str]]:
    """Run the program in this process under mocks; return every registration keyed by URN, and
    warnings about what the preview cannot see.

    `stack_outputs` (`<project>/<stack>` -> outputs) answers the program's stack references; the
    program's own exports become the root stack record's outputs.
    """
    import pulumi
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from infra.preview.mocks import PlatformMocks

    _skip_stack_traces()
    entry = program_entry(spec.project_file)
    records: dict[str, Registration] = {}
    warnings: list[str] = []
    mocks = PlatformMocks(spec.region, stack_outputs, spec.mock_values)
    pulumi.runtime.set_all_config(_config_strings(spec.config, spec.secret_keys), spec.secret_keys)
    errors = _ErrorLogs()
    logger = logging.getLogger("genai-platform.preview")
    logger.propagate = False
    logger.addHandler(errors)
    pulumi.runtime.set_mocks(
        mocks,
        project=spec.project,
        stack=spec.stack,
        preview=True,
        monitor=_make_monitor(mocks, records, warnings),
        logger=logger,
    )
    _record_root_stack(spec, records)
    try:
        with _program_environment(spec, entry), without_cyclic_gc():
            _sync_await(run_pulumi_func(lambda: _run_entry(entry)))
    except SystemExit as err:
        raise PreviewError(f"program exited with status {err.code}") from None
    except Exception as err:  # the program's own failure, reported as one line
        raise PreviewError(_describe_failure(err, spec.project_file.parent)) from None
    finally:
        _close_thread_loops()
    if errors.messages:
        raise PreviewError(f"program reported an error: {errors.messages[0].splitlines()[0]}")
    records[root_stack_urn(spec.project, spec.stack)].outputs = _stack_exports()
    return records, warnings


@contextlib.contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """The mock runtime keeps every resource, output and future alive until the program ends, and
    each full collection of the cyclic garbage collector walks all of them again: at 5,000
    resources, over half of a preview's time (20.6 s with the collector, 9.6 s without, for 408 and
    446 MB). Reference counting still frees everything acyclic; the rest goes with the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _skip_stack_traces() -> None:
    """The SDK walks the Python stack at every registration to send the engine the resource's
    source position; the mock monitor discards it, and the walk is a tenth of a preview's run."""
    from pulumi.runtime import resource as sdk_resource
    from pulumi.runtime.proto import source_pb2

    if callable(getattr(sdk_resource, "_get_stack_trace", None)):
        sdk_resource._get_stack_trace = lambda *_args, **_kwargs: source_pb2.StackTrace()


def _stack_exports() -> dict[str, Any]:
    """The program's `pulumi.export`s, resolved (unknown values dropped, secrets masked)."""
    import pulumi
    from pulumi.runtime.settings import get_root_resource
    from pulumi.runtime.sync_await import _sync_await

    root = get_root_resource()
    exports: dict[str, Any] = {}
    for name, value in sorted((getattr(root, "outputs", None) or {}).items()):
        output = pulumi.Output.from_input(value)
        if _sync_await(output.is_secret()):
            exports[name] = SECRET_MARK
        elif _sync_await(output.is_known()):
            exports[name] = _exported(_sync_await(output.future()))
    return exports


def _exported(value: Any) -> Any:
    """An exported value as the engine records it: a resource (at any depth) by its URN."""
    import pulumi
    from pulumi.runtime.sync_await import _sync_await

    if isinstance(value, pulumi.Resource):
        return _sync_await(value.urn.future())
    if isinstance(value, dict):
        return {k: _exported(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_exported(v) for v in value]
    return value


def _run_entry(entry: Path) -> None:
    runpy.run_path(str(entry), run_name="__main__")


def _record_root_stack(spec: ProgramSpec, records: dict[str, Registration]) -> None:
    urn = root_stack_urn(spec.project, spec.stack)
    records[urn] = Registration(urn, ROOT_STACK_TYPE, f"{spec.project}-{spec.stack}", False, None, None, [], {}, {})


def root_stack_urn(project: str, stack: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{ROOT_STACK_TYPE}::{project}-{stack}"


def _describe_failure(err: BaseException, project_root: Path) -> str:
    """One line on what failed in the program: the error the program raised, the resource and input the
    SDK was processing, and the innermost line of the program in any traceback of the chain."""
    from stacks.settings import SettingsError

    if isinstance(err, SettingsError):
        return "invalid stack settings: " + "; ".join(err.problems)
    chain = _sdk_wrappers_removed(err)
    cause = chain[-1]
    context = ""
    for wrapper in chain[:-1]:
        if match := _SDK_RESOURCE_WRAPPER.match(str(wrapper)):
            context += f"resource {match['name']} ({match['type']}), "
        elif match := _SDK_INPUT_WRAPPER.match(str(wrapper)):
            context += f"input {match['name']}: "
    where = _program_line(chain, project_root.resolve())
    if isinstance(cause, ModuleNotFoundError) and cause.name:
        return _missing_module(cause.name, project_root) + where
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    if isinstance(cause, SyntaxError):
        message = cause.msg
    if isinstance(cause, _RefusedRequest):
        return f"program failed: {context}{message}{where}"
    return f"program failed: {context}{type(cause).__name__}: {message}{where}"


def _missing_module(module: str, project_root: Path) -> str:
    top = module.split(".", maxsplit=1)[0]
    package = top.replace("_", "-")
    declared = [
        f.name
        for f in (project_root / "requirements.txt", project_root / "pyproject.toml")
        if f.is_file()
        if re.search(rf"(?im)^\W*{re.escape(package)}\b", f.read_text(encoding="utf-8", errors="replace"))
    ]
    venv = program_virtualenv(project_root / "Pulumi.yaml") if (project_root / "Pulumi.yaml").is_file() else None
    note = _venv_site_packages(venv)[1] if venv is not None else ""
    where = f" (declared in {', '.join(declared)})" if declared else ""
    return (
        f"program failed: it imports '{top}', which is not installed where the preview runs{where}"
        + (f"; {note}" if note else "")
        + f". Add it: create the program's virtualenv (`python -m venv venv && venv/bin/pip install {package}`,"
        " or `-r requirements.txt`; or set runtime.options.virtualenv in Pulumi.yaml), or install it"
        f" beside the preview: `pip install {package}`"
    )


# The SDK re-raises a failure while it serializes a resource's inputs as a ValueError (or
# AssertionError) naming the resource, then the input; the program's own error is the last cause.
_SDK_RESOURCE_WRAPPER = re.compile(r"While processing resource: (?P<name>'.*?'), type:? '(?P<type>[^']*)'")
_SDK_INPUT_WRAPPER = re.compile(r"While processing input: (?P<name>'.*?'), type ")


def _sdk_wrappers_removed(err: BaseException) -> list[BaseException]:
    """`err`, then the cause inside each SDK wrapper: the SDK's RPC manager re-raises an error as its
    own cause, so the wrapper's inner error is then only its context."""
    chain = [err]
    while _SDK_RESOURCE_WRAPPER.match(str(chain[-1])) or _SDK_INPUT_WRAPPER.match(str(chain[-1])):
        current = chain[-1]
        inner = current.__cause__ if current.__cause__ not in (None, current) else current.__context__
        if inner is None or inner in chain:
            break
        chain.append(inner)
    return chain


def _program_line(chain: list[BaseException], project_root: Path) -> str:
    """` (at FILE:LINE)` for the innermost frame inside the program folder, searching the innermost
    error first; the SDK's and this tool's own frames do not count."""
    for err in reversed(chain):
        if isinstance(err, SyntaxError) and err.filename and err.lineno:
            located = _in_program(Path(err.filename), project_root)
            if located is not None:
                return f" (at {located}:{err.lineno})"
        frames = []
        tb = err.__traceback__
        while tb is not None:
            frames.append(tb)
            tb = tb.tb_next
        for frame in reversed(frames):
            located = _in_program(Path(frame.tb_frame.f_code.co_filename), project_root)
            if located is not None:
                return f" (at {located}:{frame.tb_lineno})"
    return ""


def _in_program(filename: Path, project_root: Path) -> Path | None:
    internal = bool({".venv", "site-packages"} & set(filename.parts)) or filename.is_relative_to(Path(__file__).parent)
    if filename.is_relative_to(project_root) and not internal:
        return filename.relative_to(project_root)
    return None


def build_plan(
    spec: ProgramSpec, records: Mapping[str, Registration], warnings: list[str] | None = None
) -> dict[str, Any]:
    """The plan document described in docs/plan-format.md."""
    root = root_stack_urn(spec.project, spec.stack)
    resources = []
    by_type: dict[str, int] = {}
    for urn in sorted(records):
        r = records[urn]
        if r.type != ROOT_STACK_TYPE:
            by_type[r.type] = by_type.get(r.type, 0) + 1
        resources.append(
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "custom": r.custom,
                "id": r.id,
                "parent": r.parent if r.parent else (None if r.type == ROOT_STACK_TYPE else root),
                "provider": r.provider,
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "dependencies": r.dependencies,
                "propertyDependencies": r.property_dependencies,
                "inputs": r.inputs,
                "outputs": r.outputs,
                "secretPaths": r.secret_paths,
                **({"importId": r.import_id} if r.import_id else {}),
            }
        )
    config = {k: (SECRET_MARK if k in spec.secret_keys else v) for k, v in sorted(spec.config.items())}
    try:
        program = str(spec.program_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        program = str(spec.program_dir)
    plan: dict[str, Any] = {
        "schemaVersion": PLAN_SCHEMA_VERSION,
        "tool": "genai-platform preview",
        "project": spec.project,
        "stack": spec.stack,
        "program": program,
        "config": config,
        "summary": {"resources": sum(by_type.values()), "byType": dict(sorted(by_type.items()))},
        "resources": resources,
    }
    if warnings:
        plan["warnings"] = sorted(set(warnings))
    return plan


def preview(
    program_dir: Path,
    stack: str,
    *,
    require_stack_file: bool = False,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    options: RunOptions = RunOptions(),
) -> dict[str, Any]:
    """Preview one stack of a program in this process (once per process)."""
    spec = resolve_program(program_dir, stack, require_stack_file=require_stack_file, options=options)
    return build_plan(spec, *run_program(spec, stack_outputs))


def stack_outputs_of(plan: Mapping[str, Any]) -> dict[str, Any]:
    """A plan's stack exports (its root stack resource's outputs)."""
    for r in plan.get("resources") or []:
        if r.get("type") == ROOT_STACK_TYPE:
            return dict(r.get("outputs") or {})
    return {}


def preview_forked(
    program_dir: Path,
    stack: str,
    *,
    require_stack_file: bool = False,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Preview in a forked child of this process: one program run per process, as
    `preview_in_subprocess`, but the child starts with this process's imported modules (the
    caller preloads the provider modules once for several stacks). Falls back to a subprocess
    where there is no fork. The caller must not have run a program or opened a gRPC channel."""
    if not hasattr(os, "fork"):
        return preview_in_subprocess(
            program_dir, stack, require_stack_file=require_stack_file, stack_outputs=stack_outputs
        )
    child = ForkedPreview(program_dir, stack, require_stack_file=require_stack_file, stack_outputs=stack_outputs)
    plan = child.plan()
    child.follow_up()
    return plan


class ForkedPreview:
    """A forked child that previews one stack, sends its plan, then runs `follow_up(plan)` (the
    policy pack's evaluation, say) and sends that result: the parent goes on to the next stage as
    soon as the plan arrives, and the follow-up runs meanwhile on the other core.

    Each message on the pipe is an 8-byte length and a JSON document: `{"plan": ...}` or
    `{"error": ...}`, then `{"result": ...}` or `{"error": ...}`."""

    def __init__(
        self,
        program_dir: Path,
        stack: str,
        *,
        require_stack_file: bool = False,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        follow_up: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _forked_child(write_end, program_dir, stack, require_stack_file, stack_outputs, follow_up)
        os.close(write_end)
        self._pid: int | None = pid
        self._pipe = os.fdopen(read_end, "rb")

    def _message(self) -> dict[str, Any]:
        size = self._pipe.read(8)
        if len(size) == 8:
            data = self._pipe.read(int.from_bytes(size, "big"))
            message: dict[str, Any] = json.loads(data)
            return message
        raise PreviewError(f"preview worker exited with {self._reap()}")

    def _reap(self) -> int:
        if self._pid is None:
            return 0
        _, wait_status = os.waitpid(self._pid, 0)
        self._pid = None
        self._pipe.close()
        return os.waitstatus_to_exitcode(wait_status)

    def plan(self) -> dict[str, Any]:
        reply = self._message()
        if "error" in reply:
            self._reap()
            raise PreviewError(str(reply["error"]))
        plan: dict[str, Any] = reply["plan"]
        return plan

    def follow_up(self) -> Any:
        """The follow-up's result (None without one); reaps the child."""
        try:
            reply = self._message()
        finally:
            code = self._reap()
        if "error" in reply:
            raise PreviewError(str(reply["error"]))
        if code != 0:
            raise PreviewError(f"preview worker exited with {code}")
        return reply["result"]

    def kill(self) -> None:
        """Stop a child whose result is no longer wanted (an earlier stage failed)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()


def _forked_child(
    write_end: int,
    program_dir: Path,
    stack: str,
    require_stack_file: bool,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None,
    follow_up: Callable[[dict[str, Any]], Any] | None,
) -> NoReturn:
    """Run in the forked child: preview, send, follow up, send, and leave without cleanup (and so
    without the cyclic collector, see `without_cyclic_gc`)."""
    gc.disable()
    status = 0
    try:
        with os.fdopen(write_end, "wb") as out:

            def send(message: Mapping[str, Any]) -> None:
                data = json.dumps(message, sort_keys=True).encode("utf-8")  # as write_plan: stable order
                out.write(len(data).to_bytes(8, "big") + data)
                out.flush()

            try:
                plan = preview(program_dir, stack, require_stack_file=require_stack_file, stack_outputs=stack_outputs)
            except PreviewError as err:
                send({"error": str(err)})
            else:
                send({"plan": plan})
                try:
                    send({"result": follow_up(plan) if follow_up is not None else None})
                except Exception as err:
                    send({"error": f"after the preview of {stack}: {type(err).__name__}: {err}"})
    except BaseException:
        status = 70
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def preview_in_subprocess(
    program_dir: Path,
    stack: str,
    *,
    require_stack_file: bool = False,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Preview in a fresh interpreter, so several stacks can be previewed from one process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan.json"
        command = [sys.executable, "-m", "infra.preview.worker", str(program_dir), stack, str(out)]
        if require_stack_file:
            command.append("--require-stack-file")
        if stack_outputs:
            references = Path(tmp) / "stack-outputs.json"
            references.write_text(json.dumps(stack_outputs), encoding="utf-8")
            command += ["--stack-outputs", str(references)]
        project_root = Path(__file__).resolve().parents[2]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(project_root), os.environ.get("PYTHONPATH")])),
        }
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise PreviewError(
                lines[-1].removeprefix("error: ") if lines else f"preview worker exited with {done.returncode}"
            )
        plan: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return plan


def write_plan(plan: Mapping[str, Any], path: Path) -> None:
    try:
        path.write_text(json.dumps(plan, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as err:
        raise PreviewError(f"--json {path}: cannot write ({err.strerror})") from None
