"""Check, before `make test` installs or runs anything, for the system programs the tests need
that pip cannot install, and say what is missing and how to install it.

    python3 scripts/check_system.py        # exit 0 when all are there, 1 (with a list) if not

- Chromium (the dashboard's browser test drives Debian's, at /usr/bin/chromium, through
  Playwright; never a downloaded browser) and chromedriver;
- a Java runtime, version 17 or newer (the Spark test; Spark 4 needs Java 17+).

`.ci/run` installs them on CI. Set CHROMIUM to check another browser path.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

JAVA_MIN = 17
APT = "sudo apt-get install"


def java_version(java: str) -> int | None:
    """The major version `java -version` reports (8 for "1.8.0_292"), or None."""
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def missing() -> list[str]:
    """One line per missing part: what, what needs it, and the Debian package to install."""
    problems: list[str] = []
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(chromium).is_file() and os.access(chromium, os.X_OK)):
        problems.append(
            f"Chromium not found at {chromium} (the dashboard's browser test, "
            f"tests/serve/test_browser.py): {APT} chromium"
        )
    if shutil.which("chromedriver") is None:
        problems.append(
            f"chromedriver not found on PATH (the browser tests): {APT} chromium-driver"
        )
    java = shutil.which("java")
    if java is None:
        problems.append(
            f"Java not found on PATH (the Spark test needs Java {JAVA_MIN}+): "
            f"{APT} default-jre-headless (or openjdk-{JAVA_MIN}-jre-headless)"
        )
    else:
        version = java_version(java)
        if version is None or version < JAVA_MIN:
            found = f"Java {version}" if version is not None else f"an unreadable {java}"
            problems.append(
                f"{found} found, the Spark test needs Java {JAVA_MIN}+: "
                f"{APT} default-jre-headless (or openjdk-{JAVA_MIN}-jre-headless), "
                "and put it first on PATH"
            )
    return problems


def main() -> int:
    problems = missing()
    if not problems:
        return 0
    print("make test: the tests need system programs that are missing:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print(
        "Install them (Debian/Ubuntu package names above; .ci/run does this on CI) and run "
        "make test again.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
