"""Refuse to start with any Whoosh but the pinned one.

The engine reads Whoosh's private names (posting blocks, leaf matchers, the codec's writers
and columns, the segment writer's internals), which any release may change without notice:
a different Whoosh could return wrong results instead of failing. The pin is the line
`Whoosh-Reloaded==<version>` of requirements.txt, read here so that it is written once.

Nothing here imports whoosh: the check must work even when the installed one cannot load.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "Whoosh-Reloaded"
REQUIREMENTS = Path(__file__).resolve().parents[3] / "requirements.txt"
INSTALL_HINT = "pip install -r requirements.txt"

# `Whoosh-Reloaded==2.7.5`, in any case and with `-`, `_` or `.` (names are compared
# normalized, PEP 503), spaces around `==` and a comment or marker after it.
_PIN = re.compile(r"^\s*whoosh[-_.]reloaded\s*==\s*([^\s;#]+)", re.IGNORECASE)


class WhooshVersionError(RuntimeError):
    """The installed Whoosh is not the pinned one (or the pin cannot be read)."""


def required_version(requirements: Path = REQUIREMENTS) -> str:
    """The version of Whoosh-Reloaded that requirements.txt pins."""
    try:
        lines = requirements.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise WhooshVersionError(
            f"Cannot read the pinned {DISTRIBUTION} version from {requirements}: {error}. "
            "Casework's search runs only with the Whoosh release requirements.txt pins."
        ) from error
    for line in lines:
        match = _PIN.match(line)
        if match:
            return match.group(1)
    raise WhooshVersionError(
        f"{requirements} pins no {DISTRIBUTION} version (a line `{DISTRIBUTION}==<version>`); "
        "Casework's search runs only with a pinned Whoosh release."
    )


def installed_version() -> str | None:
    """The installed version of Whoosh-Reloaded, or None when it is not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def check_whoosh_version(requirements: Path = REQUIREMENTS) -> None:
    """Raise WhooshVersionError unless the installed Whoosh-Reloaded is the pinned one."""
    required = required_version(requirements)
    installed = installed_version()
    if installed == required:
        return
    found = (
        f"{DISTRIBUTION} {installed} is installed"
        if installed is not None
        else f"{DISTRIBUTION} is not installed"
    )
    raise WhooshVersionError(
        f"{found}, but Casework's search requires {DISTRIBUTION}=={required} "
        f"(pinned in {requirements.name}): portal/search/whoosh_engine reads Whoosh internals "
        f"that other releases may change. Install the pinned version: {INSTALL_HINT}"
    )
