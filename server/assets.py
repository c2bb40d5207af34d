"""Where the page's templates, static files and message catalogs are.

In a checkout they sit at the top of the repository; an installed wheel
carries them inside the `server` package (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The folder `name` ("static", "templates" or "locales"), installed or in the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name} folder is missing: looked in {_PACKAGE} and {_PACKAGE.parent}")
