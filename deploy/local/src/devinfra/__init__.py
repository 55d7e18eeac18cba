"""Real infrastructure on 127.0.0.1 without Docker: Kafka, PostgreSQL, an SMTP sink, and the local platform runner."""
