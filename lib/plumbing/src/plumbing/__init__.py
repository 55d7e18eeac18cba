"""Plumbing every mentorship service uses; it holds no domain logic."""
