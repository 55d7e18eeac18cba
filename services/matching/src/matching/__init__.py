"""Matching service: pairing engine, waitlists, rounds, the mentorship lifecycle."""
