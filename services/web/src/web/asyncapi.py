"""The FastStream application whose AsyncAPI document is committed (`contracts/asyncapi/generate.sh`)."""

from .bootstrap import build_service
from .config import WebSettings

# Documented against the broker address of docker-compose and Kubernetes, not whatever this shell points at.
app = build_service(WebSettings.offline(kafka_bootstrap_servers="kafka:9092")).asyncapi
