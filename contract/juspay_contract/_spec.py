"""Where the OpenAPI document is: inside the package (a wheel), else beside it (a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SPEC_NAME = "juspay-customers.yaml"
# An editable install runs from the repository, where the spec lives in openapi/.
_REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / SPEC_NAME


def spec_path() -> Path:
    """The spec shipped inside the package, else the repository's copy.

    Raises `FileNotFoundError` when neither exists (a broken install).
    """
    shipped = resources.files("juspay_contract").joinpath("openapi", SPEC_NAME)
    if shipped.is_file():
        return Path(str(shipped))
    if _REPO_SPEC.is_file():
        return _REPO_SPEC
    raise FileNotFoundError(
        f"juspay_contract: {SPEC_NAME} is neither in the package nor at {_REPO_SPEC}"
    )
