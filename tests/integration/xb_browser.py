"""Headless Chromium for the report tests (Debian's chromium package, which
`make deps` installs)."""
import shutil

import pytest


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is not installed (make deps installs Debian's chromium)")
