"""Matching's PostgreSQL repositories, one per concern, each behind a Protocol of `service_layer.ports`."""
