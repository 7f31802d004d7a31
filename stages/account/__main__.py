"""The account stage's Pulumi program: the account's singletons (wiring only)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pulumi

from stacks.account import build_account
from stacks.settings import PROJECT, account_settings_from_config
from stacks.stack_config import runtime_config

build_account(account_settings_from_config(runtime_config(PROJECT), pulumi.get_stack()))
