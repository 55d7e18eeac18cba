"""The deployment manifests say what the platform needs, read as plain files: no Docker, no cluster.

docker-compose.yml, deploy/k8s/*.yaml and the Dockerfile are parsed and checked for what breaks a
deployment quietly: a shared database, a missing probe, a service that cannot be scaled, root.

The services are the directories under services/ (devinfra.workspace), not a list here: a new directory
fails these tests until it has its compose entry, its databases line, its Kubernetes manifest and its
place in kustomization.yaml and secrets.example.yaml; and so does a manifest for a service that does not exist.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from devinfra.workspace import service_directories, services, settings_class
from plumbing.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_DIR = ROOT / "deploy" / "k8s"
DOCKERFILE = ROOT / "Dockerfile"
INIT_SQL = ROOT / "deploy" / "compose" / "init-databases.sql"

SERVICES = services(ROOT)
APP_SERVICES = tuple(service.name for service in SERVICES)
INFRASTRUCTURE = ("kafka", "kafka-provision", "postgres", "smtp-sink")
CONTAINER_PORT = 8000


# --- helpers ------------------------------------------------------------------------------------


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def environment(service: dict) -> dict[str, str]:
    """A compose service's environment as a mapping, whichever of its two spellings is used."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def fixed_host_port(spec: str | int | dict) -> str | None:
    """The host port a compose port entry pins, or None when Docker picks one (or none is published)."""
    if isinstance(spec, dict):
        published = spec.get("published")
        return str(published) if published not in (None, "") else None
    parts = str(spec).split("/", 1)[0].split(":")  # [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]
    if len(parts) == 1:
        return None
    return parts[-2] or None


def healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def k8s_documents() -> list[tuple[str, dict]]:
    documents = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents.append((path.name, document))
    return documents


def k8s_resources(kind: str, filename: str | None = None) -> list[dict]:
    return [doc for name, doc in k8s_documents() if doc["kind"] == kind and filename in (None, name)]


def deployment(service: str) -> dict:
    found = [d for d in k8s_resources("Deployment", f"{service}.yaml") if d["metadata"]["name"] == service]
    assert len(found) == 1, f"deploy/k8s/{service}.yaml should hold one Deployment named {service}"
    return found[0]


def the_container(service: str) -> dict:
    (container,) = deployment(service)["spec"]["template"]["spec"]["containers"]
    return container


def env_var(container: dict, name: str) -> dict:
    (found,) = [var for var in container.get("env", []) if var["name"] == name]
    return found


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continued lines joined and comments dropped."""
    logical, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    instructions = []
    for text in logical:
        keyword, _, arguments = text.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


# --- services/ ----------------------------------------------------------------------------------


def test_every_directory_under_services_is_a_service_with_its_package_its_app_and_its_tests():
    assert APP_SERVICES, "no services found under services/"
    for directory in service_directories(ROOT):
        name = directory.name
        assert (directory / "pyproject.toml").is_file(), f"services/{name} has no pyproject.toml"
        package = directory / "src" / name
        for module in ("__init__.py", "__main__.py", "bootstrap.py", "asyncapi.py"):
            assert (package / module).is_file(), f"services/{name} has no src/{name}/{module}"
        assert (directory / "tests").is_dir(), f"services/{name} has no tests/"
        wheel = tomllib.loads((directory / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
        assert wheel["packages"] == [f"src/{name}"]
    assert {directory.name for directory in service_directories(ROOT)} == set(APP_SERVICES)


def test_no_two_services_share_a_local_port_and_compose_publishes_each_on_its_own():
    ports = {service.name: service.port for service in SERVICES}
    assert len(set(ports.values())) == len(ports), ports
    compose = load_compose()["services"]
    for name, port in ports.items():
        pinned = {fixed_host_port(spec) for spec in compose.get(name, {}).get("ports", [])} - {None}
        assert pinned <= {str(port)}, f"{name}: compose publishes {pinned}, its pyproject.toml says {port}"


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_runs_no_app_service_that_has_no_directory_under_services():
    app_services = set(load_compose()["services"]) - set(INFRASTRUCTURE)
    assert app_services == set(APP_SERVICES)


def test_the_init_script_creates_a_role_and_a_private_database_for_every_service_and_no_other():
    script = INIT_SQL.read_text()
    for statement in (r"CREATE ROLE (\w+) LOGIN", r"CREATE DATABASE (\w+) OWNER", r"ON DATABASE (\w+) FROM PUBLIC"):
        named = re.findall(statement, script, flags=re.IGNORECASE)
        assert sorted(named) == sorted(APP_SERVICES), statement
    for name in APP_SERVICES:
        assert re.search(rf"CREATE DATABASE {name} OWNER {name};", script, flags=re.IGNORECASE), name


def test_compose_runs_kafka_postgres_an_smtp_sink_and_the_four_services():
    services = load_compose()["services"]
    assert set(INFRASTRUCTURE + APP_SERVICES) <= set(services)


def test_kafka_is_a_single_kraft_node_that_other_containers_reach_at_kafka_9092():
    kafka = load_compose()["services"]["kafka"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", kafka["image"])
    env = environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    for service in APP_SERVICES:
        assert environment(load_compose()["services"][service])["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_the_four_services_and_the_smtp_sink_share_one_build_and_one_image():
    services = load_compose()["services"]
    builds = {repr(services[name].get("build")) for name in APP_SERVICES + ("smtp-sink",)}
    images = {services[name].get("image") for name in APP_SERVICES + ("smtp-sink",)}
    assert len(builds) == 1 and builds != {"None"}
    assert len(images) == 1 and images != {None}


def test_each_service_runs_its_own_python_module():
    services = load_compose()["services"]
    for name in APP_SERVICES:
        assert services[name]["command"] == ["python", "-m", name]


# The one service that signs tokens, and so holds the private key: the web app (its settings require it).
SIGNER = "web"


def secret_variables(name: str) -> set[str]:
    """What service `name` refuses to start without and must come from a secret: its settings' required secrets
    (the token key, its own keys) and its Kafka password (its Kafka user is its name, not a secret)."""
    settings = settings_class(name) or ServiceSettings
    return set(settings.secret_fields().values()) | {"KAFKA_SASL_PASSWORD"}


def test_every_compose_service_has_a_healthcheck():
    for name, service in load_compose()["services"].items():
        if service.get("restart") == "no":
            continue  # a one-shot job: the services wait for it to complete, not to be healthy
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_the_healthchecks_ask_kafka_its_api_postgres_pg_isready_and_the_services_readyz():
    services = load_compose()["services"]
    assert "kafka-broker-api-versions" in healthcheck_command(services["kafka"])
    assert "pg_isready" in healthcheck_command(services["postgres"])
    for name in APP_SERVICES:
        assert f"127.0.0.1:{CONTAINER_PORT}/readyz" in healthcheck_command(services[name])


def test_each_service_database_url_names_its_own_database_and_no_two_share_one():
    services = load_compose()["services"]
    databases = {name: urlsplit(environment(services[name])["DATABASE_URL"]).path.lstrip("/") for name in APP_SERVICES}
    assert databases == {name: name for name in APP_SERVICES}
    assert len(set(databases.values())) == len(APP_SERVICES)


def test_postgres_init_script_creates_every_service_database():
    postgres = load_compose()["services"]["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert any(
        volume.startswith("./deploy/compose/init-databases.sql:/docker-entrypoint-initdb.d/")
        for volume in postgres["volumes"]
    )
    created = set(re.findall(r"CREATE DATABASE (\w+)", INIT_SQL.read_text(), flags=re.IGNORECASE))
    assert set(APP_SERVICES) <= created


def test_matching_has_no_container_name_and_no_fixed_host_port_so_it_can_be_scaled():
    matching = load_compose()["services"]["matching"]
    assert "container_name" not in matching
    pinned = [spec for spec in matching.get("ports", []) if fixed_host_port(spec)]
    assert pinned == []


def test_fixed_host_port_reading_tells_pinned_ports_from_ephemeral_ones():
    assert fixed_host_port("8101:8000") == "8101"
    assert fixed_host_port("127.0.0.1:8101:8000/tcp") == "8101"
    assert fixed_host_port({"target": 8000, "published": "8101"}) == "8101"
    assert fixed_host_port("8000") is None
    assert fixed_host_port(8000) is None
    assert fixed_host_port("127.0.0.1::8000") is None
    assert fixed_host_port({"target": 8000}) is None


def test_services_wait_for_healthy_kafka_and_postgres():
    services = load_compose()["services"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for dependency in ("kafka", "postgres"):
            assert depends_on[dependency]["condition"] == "service_healthy", f"{name} → {dependency}"


def test_notifications_sends_mail_to_the_smtp_sink_once_it_is_healthy():
    services = load_compose()["services"]
    notifications, sink = services["notifications"], services["smtp-sink"]
    env = environment(notifications)
    assert notifications["depends_on"]["smtp-sink"]["condition"] == "service_healthy"
    assert env["SMTP_HOST"] == "smtp-sink"
    command = sink["command"]
    assert command[:3] == ["python", "-m", "devinfra.smtp_sink"]
    assert command[command.index("--smtp-port") + 1] == env["SMTP_PORT"]
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert env["MAIL_FROM"]


REQUIRED_FROM_ENV = re.compile(r"\$\{(\w+):\?[^}]+\}")


def test_compose_gives_each_service_every_secret_it_needs_from_the_env_file_and_none_of_its_own():
    """No value, no default: compose refuses to start until `.env` holds them (`devinfra compose-env`)."""
    services = load_compose()["services"]
    for name in APP_SERVICES:
        env = environment(services[name])
        for variable in secret_variables(name):
            assert REQUIRED_FROM_ENV.fullmatch(env.get(variable, "")), f"{name}: {variable} = {env.get(variable)!r}"
        assert env["KAFKA_SASL_USERNAME"] == name
        assert (env["KAFKA_SECURITY_PROTOCOL"], env["KAFKA_SASL_MECHANISM"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
        # The private key that signs tokens goes to the service whose settings require it (the web app) alone.
        assert "JWT_SECRET" not in env and ("JWT_PRIVATE_KEY" not in env or name == SIGNER)
        assert urlsplit(env["DATABASE_URL"]).password is None
    passwords = {REQUIRED_FROM_ENV.fullmatch(environment(services[n])["KAFKA_SASL_PASSWORD"])[1] for n in APP_SERVICES}
    assert len(passwords) == len(APP_SERVICES), "each service has a Kafka password of its own"


def test_compose_kafka_requires_authentication_and_grants_only_what_the_acls_say():
    kafka = load_compose()["services"]["kafka"]
    env = environment(kafka)
    listeners = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners.values()) == {"SASL_PLAINTEXT"}, "no listener without authentication"
    assert env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_SUPER_USERS"] == "User:admin"
    users = {key.removeprefix("KAFKA_PASSWORD_").lower().replace("_", "-") for key in env if key.startswith("KAFKA_PASSWORD_")}
    assert users == {"admin", "other-team", *APP_SERVICES}
    assert "./deploy/compose/kafka.sh:/mentorship/kafka.sh:ro" in kafka["volumes"]


def test_compose_provisions_the_topics_and_acls_as_the_operator_before_any_service_starts():
    services = load_compose()["services"]
    provision = services["kafka-provision"]
    assert provision["command"] == ["python", "-m", "plumbing.kafka_access", "provision"]
    assert environment(provision)["KAFKA_SASL_USERNAME"] == "admin"
    assert REQUIRED_FROM_ENV.fullmatch(environment(provision)["KAFKA_SASL_PASSWORD"])
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["kafka-provision"]["condition"] == "service_completed_successfully"


# --- deploy/k8s ---------------------------------------------------------------------------------


def test_every_service_has_a_manifest_with_a_deployment_and_a_cluster_ip_service_on_port_80():
    for name in APP_SERVICES:
        (service,) = [s for s in k8s_resources("Service", f"{name}.yaml") if s["metadata"]["name"] == name]
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
        (port,) = service["spec"]["ports"]
        assert port["port"] == 80
        container_ports = {p.get("name"): p["containerPort"] for p in the_container(name)["ports"]}
        target = port["targetPort"]
        assert container_ports.get(target, target) == CONTAINER_PORT
        selector = service["spec"]["selector"]
        labels = deployment(name)["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items()


def test_every_deployment_runs_its_service_from_the_one_image():
    images = {the_container(name)["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        assert the_container(name)["command"] == ["python", "-m", name]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_deployment_has_a_liveness_probe_on_healthz_and_a_readiness_probe_on_readyz(name):
    container = the_container(name)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_deployment_requests_and_limits_cpu_and_memory(name):
    resources = the_container(name)["resources"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[bound]), f"{name} lacks {bound}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_deployment_runs_as_non_root(name):
    pod = deployment(name)["spec"]["template"]["spec"].get("securityContext", {})
    container = the_container(name).get("securityContext", {})
    assert container.get("runAsNonRoot", pod.get("runAsNonRoot")) is True
    assert container.get("runAsUser", pod.get("runAsUser")) not in (0, "0")
    assert container.get("allowPrivilegeEscalation") is False


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_pod_is_annotated_for_prometheus_scraping(name):
    annotations = deployment(name)["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(CONTAINER_PORT)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_every_deployment_reads_the_configmap_its_own_database_secret_and_the_shared_token_key():
    database_secrets = set()
    for name in APP_SERVICES:
        container = the_container(name)
        assert {"configMapRef": {"name": "mentorship-config"}} in container["envFrom"]
        database = env_var(container, "DATABASE_URL")["valueFrom"]["secretKeyRef"]
        database_secrets.add(database["name"])
        assert name in database["name"]
        assert env_var(container, "JWT_PUBLIC_KEY")["valueFrom"]["secretKeyRef"]["name"] == "mentorship-jwt"
        assert not [var for var in container["env"] if var["name"] == "JWT_SECRET"
                    or var["name"] == "JWT_PRIVATE_KEY" and name != SIGNER]
        assert env_var(container, "HTTP_HOST")["value"] == "0.0.0.0"
        assert env_var(container, "HTTP_PORT")["value"] == str(CONTAINER_PORT)
    assert len(database_secrets) == len(APP_SERVICES)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_deployment_reads_each_secret_it_needs_from_a_secret_and_its_kafka_user_is_its_name(name):
    container = the_container(name)
    for variable in secret_variables(name):
        reference = env_var(container, variable).get("valueFrom", {}).get("secretKeyRef")
        assert reference, f"{name}: {variable} is not read from a Secret"
        if variable != "JWT_PUBLIC_KEY":
            assert reference["name"].startswith(f"{name}-"), f"{name} reads {variable} from another's Secret"
    assert env_var(container, "KAFKA_SASL_USERNAME")["value"] == name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_each_manifests_opening_comment_names_every_secret_its_deployment_reads_and_no_other(name):
    # The operator creates them from that list before applying; one missing there is a pod stuck at
    # CreateContainerConfigError.
    text = (K8S_DIR / f"{name}.yaml").read_text()
    opening = " ".join(line.lstrip("# ") for line in text.split("\napiVersion", 1)[0].splitlines())
    named = {secret for secret in re.findall(r"\b[a-z]+(?:-[a-z]+)+\b", opening)
             if secret in secret_names() or secret.startswith(f"{name}-")}
    read = {ref["secretKeyRef"]["name"] for var in the_container(name)["env"]
            for ref in [var.get("valueFrom", {})] if "secretKeyRef" in ref}
    assert named == read, f"{name}.yaml's opening comment names {sorted(named)}; its Deployment reads {sorted(read)}"


def secret_names() -> set[str]:
    """Every Secret the example file creates."""
    return {document["metadata"]["name"]
            for document in yaml.safe_load_all((K8S_DIR / "secrets.example.yaml").read_text())
            if document and document.get("kind") == "Secret"}


def test_the_configmap_has_every_service_authenticate_to_kafka_over_tls():
    (config,) = [c for c in k8s_resources("ConfigMap", "config.yaml") if c["metadata"]["name"] == "mentorship-config"]
    assert (config["data"]["KAFKA_SECURITY_PROTOCOL"], config["data"]["KAFKA_SASL_MECHANISM"]) == (
        "SASL_SSL", "SCRAM-SHA-512")


def test_a_job_provisions_kafka_as_the_operator_from_a_secret():
    (job,) = k8s_resources("Job", "kafka-provision.yaml")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "plumbing.kafka_access", "provision"]
    assert container["image"] == the_container(APP_SERVICES[0])["image"]
    for variable in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        assert env_var(container, variable)["valueFrom"]["secretKeyRef"]["name"] == "kafka-operator"
    assert job["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_every_manifest_but_the_shared_ones_is_a_service_of_the_workspace_and_names_only_it():
    shared = {"config.yaml", "kafka-provision.yaml", "kustomization.yaml", "secrets.example.yaml"}
    manifests = {path.name for path in K8S_DIR.glob("*.yaml")} - shared
    assert manifests == {f"{name}.yaml" for name in APP_SERVICES}
    for filename, document in k8s_documents():
        if filename in manifests:
            assert document["metadata"]["name"] == filename.removesuffix(".yaml"), (filename, document["kind"])


def test_the_example_secrets_hold_one_database_secret_per_service_and_no_other():
    secrets = {secret["metadata"]["name"] for secret in k8s_resources("Secret", "secrets.example.yaml")}
    assert {name for name in secrets if name.endswith("-database")} == {f"{name}-database" for name in APP_SERVICES}


def test_the_configmap_holds_the_kafka_and_smtp_settings():
    (config,) = [c for c in k8s_resources("ConfigMap", "config.yaml") if c["metadata"]["name"] == "mentorship-config"]
    assert {"KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST", "SMTP_PORT", "MAIL_FROM", "LOG_LEVEL"} <= set(config["data"])


def test_the_example_secrets_provide_every_secret_key_the_deployments_read():
    """Every key a deployment requires is in the example; an optional one's Secret is there at least."""
    secrets = {secret["metadata"]["name"]: secret.get("stringData", {})
               for secret in k8s_resources("Secret", "secrets.example.yaml")}
    for name in APP_SERVICES:
        for var in the_container(name)["env"]:
            ref = var.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] in secrets
                assert ref.get("optional") or ref["key"] in secrets[ref["name"]], (name, ref)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_service_runs_two_instances_and_a_disruption_budget_keeps_one_through_a_node_drain(name):
    # One instance of profiles or web is sign-in and every page down while a node is drained.
    assert deployment(name)["spec"]["replicas"] >= 2
    budgets = [b for b in k8s_resources("PodDisruptionBudget", f"{name}.yaml")
               if b["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}]
    assert [b["spec"].get("minAvailable") for b in budgets] == [1], f"{name}.yaml: {budgets}"


def test_matching_starts_with_two_replicas_and_an_autoscaler_scales_it_on_its_own():
    assert deployment("matching")["spec"]["replicas"] == 2
    autoscalers = [hpa for hpa in k8s_resources("HorizontalPodAutoscaler") if hpa["apiVersion"] == "autoscaling/v2"]
    targets = {(hpa["spec"]["scaleTargetRef"]["kind"], hpa["spec"]["scaleTargetRef"]["name"]) for hpa in autoscalers}
    assert ("Deployment", "matching") in targets
    (matching_hpa,) = [hpa for hpa in autoscalers if hpa["spec"]["scaleTargetRef"]["name"] == "matching"]
    assert matching_hpa["spec"]["minReplicas"] >= 2
    assert matching_hpa["spec"]["maxReplicas"] > matching_hpa["spec"]["minReplicas"]


def test_kustomization_lists_every_manifest_but_leaves_the_example_secrets_out():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    resources = kustomization["resources"]
    assert set(resources) == {"config.yaml", "kafka-provision.yaml", *(f"{name}.yaml" for name in APP_SERVICES)}
    for resource in resources:
        assert (K8S_DIR / resource).is_file()


# --- Dockerfile ---------------------------------------------------------------------------------


def test_the_dockerfile_runs_as_a_non_root_user():
    users = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "USER"]
    assert users, "the image never leaves root"
    user = users[-1].split(":", 1)[0]
    assert user not in ("root", "0")


def test_the_dockerfile_builds_one_image_that_serves_profiles_by_default_and_checks_healthz():
    instructions = dockerfile_instructions()
    bases = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert bases and all(base.startswith("python:3.11-slim") for base in bases)
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "uv sync --frozen --all-packages --no-dev" in runs
    cmd = [arguments for keyword, arguments in instructions if keyword == "CMD"][-1]
    assert yaml.safe_load(cmd) == ["python", "-m", "profiles"]
    healthcheck = [arguments for keyword, arguments in instructions if keyword == "HEALTHCHECK"][-1]
    assert "/healthz" in healthcheck and "urllib" in healthcheck


def test_matchings_compiled_solver_caches_where_the_app_user_can_write_or_importing_it_would_fail():
    """numba refuses to import a cached function it has nowhere to cache: the image is read-only to its user."""
    environment_lines = " ".join(arguments for keyword, arguments in dockerfile_instructions() if keyword == "ENV")
    cache = re.search(r"NUMBA_CACHE_DIR=(\S+)", environment_lines)
    assert cache and cache.group(1).startswith("/tmp/")
    mounts = [mount["mountPath"] for mount in the_container("matching").get("volumeMounts", [])]
    assert "/tmp" in mounts  # writable where the root filesystem is not


def test_every_module_the_manifests_run_is_a_package_of_the_workspace():
    # Found through the workspace members, wherever they live, as the image installs them all.
    members = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    member_dirs = [path for pattern in members for path in ROOT.glob(pattern) if (path / "pyproject.toml").is_file()]
    sources = [path / "src" for path in member_dirs]

    def exists(module: str) -> bool:
        relative = Path(*module.split("."))
        return any((src / relative / "__main__.py").is_file() or (src / f"{relative}.py").is_file() for src in sources)

    commands = [service["command"] for service in load_compose()["services"].values() if "command" in service]
    commands += [the_container(name)["command"] for name in APP_SERVICES]
    modules = {command[2] for command in commands if command[:2] == ["python", "-m"]}
    assert set(APP_SERVICES) | {"devinfra.smtp_sink"} <= modules
    assert [module for module in sorted(modules) if not exists(module)] == []


def test_every_deployment_gives_a_stopping_service_time_to_finish_its_jobs_and_close():
    from plumbing.runtime import longest_stop_seconds

    needed = longest_stop_seconds(ServiceSettings.model_fields["jobs_stop_seconds"].default)
    for name in APP_SERVICES:
        assert deployment(name)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > needed, name


def test_the_readers_of_data_keys_reach_profiles_for_them_in_compose_and_kubernetes():
    from plumbing.personal_data import key_readers

    services = load_compose()["services"]
    for name in sorted(key_readers()):
        assert environment(services[name])["PROFILES_URL"] == "http://profiles:8000"
        assert env_var(the_container(name), "PROFILES_URL")["value"] == "http://profiles"
        assert f"{name.upper()}_SERVICE_KEY" in secret_variables(name)
    assert "PROFILES_DATA_KEY_READERS" in secret_variables("profiles")


def _left_out_of_the_image(path: str) -> bool:
    """Whether .dockerignore keeps `path` out of the build context (its patterns, `**/` for any depth; no `!`)."""
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    parts = path.split("/")
    leading = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    anywhere = ["/".join(parts[n:m]) for n in range(len(parts)) for m in range(n + 1, len(parts) + 1)]
    return any(fnmatch.fnmatchcase(candidate, pattern.removeprefix("**/"))
               for pattern in patterns for candidate in (anywhere if pattern.startswith("**/") else leading))


def test_the_secrets_a_developer_keeps_beside_the_sources_stay_out_of_the_image():
    # `devinfra compose-env` writes every password and key to .env at the root; the Dockerfile copies the root.
    assert "COPY . ." in DOCKERFILE.read_text()
    for secret in (".env", ".run/secrets.json", "services/web/.env"):
        assert _left_out_of_the_image(secret), secret
    assert not _left_out_of_the_image("services/web/src/web/app.py")
