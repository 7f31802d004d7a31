"""Loading settings inside a running Pulumi program."""

from __future__ import annotations

import pulumi

from stacks.settings import PROJECT, PlatformSettings, settings_from_config
from stacks.stack_config import runtime_config


def load_settings() -> PlatformSettings:
    return settings_from_config(runtime_config(PROJECT), pulumi.get_stack())
