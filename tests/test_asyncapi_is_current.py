"""The committed AsyncAPI documents are what the services' FastStream apps generate today."""

import subprocess
from pathlib import Path

from devinfra.workspace import service_names

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "contracts" / "asyncapi"


def test_the_committed_asyncapi_documents_are_up_to_date(tmp_path):
    subprocess.run([str(COMMITTED / "generate.sh"), str(tmp_path)], check=True, cwd=ROOT)
    for generated in sorted(tmp_path.glob("*.yaml")):
        committed = COMMITTED / generated.name
        assert committed.exists(), f"{generated.name} is not committed: run contracts/asyncapi/generate.sh"
        assert generated.read_text() == committed.read_text(), (
            f"{generated.name} is out of date: run contracts/asyncapi/generate.sh and commit the result"
        )
    assert sorted(path.stem for path in tmp_path.glob("*.yaml")) == sorted(service_names())
    assert sorted(path.stem for path in COMMITTED.glob("*.yaml")) == sorted(service_names()), "one per service"
