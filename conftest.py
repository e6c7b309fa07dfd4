"""Test-wide setup: test settings before Django loads, shared fixtures in gongzhi/testing."""

import os

os.environ.setdefault("GONGZHI_TESTING", "1")

pytest_plugins = ["gongzhi.testing.fixtures"]
