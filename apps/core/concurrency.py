"""Optimistic concurrency: two people editing the same thing lose nothing.

Editable rows carry a ``version``. A form remembers the version it showed;
saving writes only if the row still has that version, in one conditional
UPDATE. Otherwise ``EditConflict`` carries the row as it is now, so the page
can show both versions side by side and let the user choose.
"""

from django.db import models


class EditConflict(Exception):
    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} {current.pk} was changed meanwhile")
        self.current = current


def save_if_unchanged(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` of ``instance`` if its row is still at ``expected_version``."""
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=expected_version + 1, **values
    )
    if not updated:
        raise EditConflict(model.objects.get(pk=instance.pk))
    instance.version = expected_version + 1
