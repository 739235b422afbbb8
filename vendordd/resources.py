"""Where templates/, static/ and questionnaires/ are: in the checkout or the installed package."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """The repository-root folder in a checkout, else the copy packaged into the wheel.

    The checkout is tested first because `vendordd/questionnaires/` is also the Python package
    there: asking "is there a packaged folder?" would find the code instead of the YAML files.
    """
    checkout = CHECKOUT_DIR / name
    if (CHECKOUT_DIR / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / name
