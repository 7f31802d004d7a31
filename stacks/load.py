"""Loading settings inside a running Pulumi program."""

from __future__ import annotations

import pulumi

from stacks.prerequisites import Prerequisite, deploy_blockers, describe_blockers
from stacks.settings import PROJECT, PlatformSettings, settings_from_config
from stacks.stack_config import runtime_config


def load_settings() -> PlatformSettings:
    """The stack's settings; a real deploy is refused, before any resource, while blockers remain.

    A preview (the offline mock preview, or `pulumi preview`) runs on placeholders and only warns, so
    plans can be reviewed before an account exists.
    """
    config = runtime_config(PROJECT)
    stack = pulumi.get_stack()
    settings = settings_from_config(config, stack)
    refuse_deploy(stack, deploy_blockers(config, stack, "platform"))
    return settings


def refuse_deploy(stack: str, blockers: list[Prerequisite]) -> None:
    """Raise on a real deploy while `blockers` remain; a preview only warns."""
    if blockers:
        message = describe_blockers(stack, blockers)
        if not pulumi.runtime.is_dry_run():
            raise pulumi.RunError(message)
        pulumi.log.warn(message)
