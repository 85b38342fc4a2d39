"""What the codes in audit entries mean to a reader, in the reader's language.

Each app declares its event types (and the object types its entries are about) beside its
models and registers them here from its ``AppConfig.ready()``; the audit pages read them
here, so ``core`` never imports an app. An action nobody registered cannot be written
(:func:`dealercare.core.audit.audit_record_many` refuses it), so every entry has a label.
"""

from dataclasses import dataclass, field

from django.db.models import Model, TextChoices


@dataclass
class AuditVocabulary:
    event_types: list[type[TextChoices]] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=dict)
    object_types: dict[str, str] = field(default_factory=dict)
    models: dict[str, type[Model]] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    links: dict[str, tuple[str, str]] = field(default_factory=dict)


VOCABULARY = AuditVocabulary()


def audit_vocabulary_register(
    *,
    events: type[TextChoices],
    object_types: type[TextChoices],
    models_by_type: dict[str, type[Model]] | None = None,
    fields: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    links: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Add one app's words. ``models_by_type`` lends field names and choices to the entries
    about that object type; ``fields`` and ``values`` label the other names and codes;
    ``links`` names the page of an object type, ``(url name, its id kwarg)``, for timelines."""
    VOCABULARY.event_types.append(events)
    VOCABULARY.actions.update(events.choices)
    VOCABULARY.object_types.update(object_types.choices)
    VOCABULARY.models.update(models_by_type or {})
    VOCABULARY.fields.update(fields or {})
    VOCABULARY.values.update(values or {})
    VOCABULARY.links.update(links or {})


def audit_moves_register(*, object_type: str, model: type[Model], moves: dict[str, str]) -> None:
    """A workflow's moves, each an action ``<object_type>.<move>`` labelled as its button."""
    VOCABULARY.actions.update(moves)
    VOCABULARY.object_types.setdefault(object_type, model._meta.verbose_name)
    VOCABULARY.models.setdefault(object_type, model)


def audit_action_known(action: str) -> bool:
    return action in VOCABULARY.actions
