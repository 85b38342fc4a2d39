import pytest
from django.db import transaction
from django.utils import translation

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.audit_vocabulary import VOCABULARY
from dealercare.core.models import AuditEntry


def in_both_languages(label) -> tuple[str, str]:
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    return english, chinese


def test_every_declared_event_and_object_type_has_an_english_and_a_chinese_label():
    declared = dict(choice for events in VOCABULARY.event_types for choice in events.choices)
    assert {"customer.erase", "customer.data_export", "customer.related_add", "import.run"} <= set(
        declared
    )
    for code, label in (declared | VOCABULARY.object_types).items():
        english, chinese = in_both_languages(label)
        assert english != code, code
        assert chinese != english, f"{code}: no Chinese translation of {english!r}"


def test_an_action_nobody_registered_cannot_be_written(cast):
    event = AuditEvent(action="customer.teleport", object_type="customer", object_id=1)
    with pytest.raises(ValueError, match="teleport"), transaction.atomic():
        audit_record(actor=None, dealer=cast.dealer_a, event=event)
    assert not AuditEntry.objects.exists()
