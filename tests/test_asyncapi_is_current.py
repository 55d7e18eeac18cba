"""The committed AsyncAPI documents are what the services' FastStream apps generate today."""

import subprocess
from pathlib import Path

import yaml
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


def test_each_document_describes_the_brokers_as_each_environment_serves_them():
    """Production (Kubernetes) speaks SASL over TLS at the cluster's own address; development (compose, devinfra)
    SASL without TLS. A client generated from the document is told which is which."""
    k8s = yaml.safe_load((ROOT / "deploy" / "k8s" / "config.yaml").read_text())["data"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    protocol = {"SASL_SSL": "kafka-secure", "SASL_PLAINTEXT": "kafka"}
    for path in sorted(COMMITTED.glob("*.yaml")):
        document = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)  # libyaml: megabytes of YAML
        servers = document["servers"]
        assert set(servers) == {"production", "development"}, path.name
        assert servers["production"]["protocol"] == protocol[k8s["KAFKA_SECURITY_PROTOCOL"]], path.name
        assert servers["production"]["host"] == "{bootstrap}" and "bootstrap" in servers["production"]["variables"]
        development = compose["x-app-environment"]["KAFKA_SECURITY_PROTOCOL"]
        assert servers["development"]["protocol"] == protocol[development], path.name
        assert servers["development"]["host"] == compose["x-app-environment"]["KAFKA_BOOTSTRAP_SERVERS"], path.name
        for channel in document["channels"].values():
            assert channel["servers"] == [{"$ref": "#/servers/production"}, {"$ref": "#/servers/development"}]
