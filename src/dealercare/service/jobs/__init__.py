"""The workshop's periodic jobs (found by core.scheduling's autodiscovery of ``jobs``)."""

from dealercare.service.jobs import appointments, equipment, workshop  # noqa: F401
