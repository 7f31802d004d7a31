"""The genai-platform Pulumi program: load the stack's settings, build the platform."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stacks.load import load_settings
from stacks.platform import build_platform

build_platform(load_settings())
