"""The static checks pass over the whole repository, run as CONTRIBUTING.md tells a developer to run them.

Their configuration is in the root pyproject.toml ([tool.ruff], [tool.mypy]); the import contracts are made for
the services there are by devinfra.import_contracts. A failure shows the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check(*arguments: str) -> None:
    command = [sys.executable, "-m", *arguments]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"`{' '.join(arguments)}` failed:\n{result.stdout}{result.stderr}"


def test_ruff_finds_nothing_to_complain_about():
    check("ruff", "check", ".")


def test_mypy_finds_no_type_errors_in_the_source():
    check("mypy")


def test_no_import_contract_is_broken():
    check("devinfra.import_contracts", "--no-logo")
