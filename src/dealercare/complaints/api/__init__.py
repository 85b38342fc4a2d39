"""The complaints API under /api/v1/: complaints, inquiries, the escalation ladder."""

from ninja import Router

router = Router()
