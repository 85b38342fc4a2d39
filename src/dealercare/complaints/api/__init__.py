"""The complaints API under /api/v1/: complaints, inquiries, the escalation ladder."""

from ninja import Router

from dealercare.complaints.api import complaints

router = Router()
router.add_router("", complaints.router)
