"""Rules the log, the updates and the meetings share."""

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.incidents.models import Incident
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team_ids

#: Clocks disagree a little; a contact logged "now" on a fast laptop is fine.
CLOCK_TOLERANCE = timedelta(minutes=5)
#: A contact shortly before the declaration can belong to the incident (the
#: client called first); one much earlier is a typing mistake.
EARLIEST_CONTACT = timedelta(days=7)


def check_participants(incident: Incident, contacts: Iterable[ClientContact], users) -> None:
    if any(contact.project_id != incident.project_id for contact in contacts):
        raise ValidationError(
            {"client_participants": _("Only contacts of this project can take part.")}
        )
    team = project_team_ids(incident.project)
    if any(user.pk not in team for user in users):
        raise ValidationError(
            {"team_participants": _("Only members of this project can take part.")}
        )
