"""The FastStream application whose AsyncAPI document is committed (`faststream docs gen profiles.asyncapi:app`)."""

from .bootstrap import build_service

app = build_service().asyncapi
