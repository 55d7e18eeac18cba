"""What another team installs: the package as a wheel holds the JSON Schemas, the AsyncAPI documents and the README,
and checks its models against its schemas with nothing of this repository beside it."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(["uv", "build", "--wheel", "--out-dir", str(out), str(CONTRACTS)], check=True,
                   capture_output=True)
    [built] = out.glob("mentorship_contracts-*.whl")
    return built


def test_the_wheel_holds_every_schema_every_asyncapi_document_and_the_readme(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    schemas = [n for n in names if n.startswith("mentorship_contracts/schemas/") and n.endswith(".json")]
    documents = [n for n in names if n.startswith("mentorship_contracts/asyncapi/") and n.endswith(".yaml")]
    assert len(schemas) == len(list((CONTRACTS / "schemas").rglob("*.json")))
    assert len(documents) == len(list((CONTRACTS / "asyncapi").glob("*.yaml")))
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    assert "Topics you may read" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_the_installed_package_finds_its_schemas_and_its_check_passes_away_from_this_repository(wheel, tmp_path):
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    away = tmp_path / "elsewhere"
    away.mkdir()
    ran = subprocess.run([sys.executable, "-c", "import sys, mentorship_contracts, mentorship_contracts.schemas as s; "
                          "print(mentorship_contracts.__file__); print(s.SCHEMAS_DIR); "
                          "from mentorship_contracts.__main__ import main; sys.exit(main(['check']))"],
                         cwd=away, env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    where, schemas_dir, *said = ran.stdout.splitlines()
    assert where.startswith(str(installed)) and schemas_dir.startswith(str(installed))
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert said[-1] == "contracts: ok"
