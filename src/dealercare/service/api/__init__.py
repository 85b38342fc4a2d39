"""The service API under /api/v1/: one router per part of the workshop's day."""

from ninja import Router

from dealercare.service.api import appointments, diagnosis, equipment, orders, roadside, workshop

router = Router()
for part in (orders, appointments, diagnosis, roadside, equipment, workshop):
    router.add_router("", part.router)
