"""Shared helpers: sample layouts and input validation (private API)."""
