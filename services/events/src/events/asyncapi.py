"""The FastStream application whose AsyncAPI document is committed (`contracts/asyncapi/generate.sh`)."""

from plumbing.settings import ServiceSettings

from .bootstrap import build_service

# Documented against the broker address of docker-compose and Kubernetes, not whatever this shell points at.
app = build_service(ServiceSettings(service_name="events", kafka_bootstrap_servers="kafka:9092")).asyncapi
