"""Periodic jobs (core.scheduling.periodic)."""
