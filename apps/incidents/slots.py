"""What the incidents put on the project pages (see ``apps.core.slots``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.projects.pages import BEFORE_ARCHIVE, PROJECT_LIST, PROJECT_PAGE, PUBLIC_CHANGED

from .models import OPEN_STATUSES, Incident
from .selectors import project_incidents, with_incident_counts
from .services import project_public_changed


def project_page(*, project, **kwargs) -> dict:
    return {"incidents": project_incidents(project.pk)}


def refuse_archiving_open_incidents(*, project) -> None:
    if Incident.objects.filter(project=project, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("The project has open incidents: resolve them before archiving it."),
            code="open_incidents",
        )


def connect() -> None:
    PUBLIC_CHANGED.fill(project_public_changed)
    PROJECT_LIST.fill(with_incident_counts)
    PROJECT_PAGE.fill(project_page)
    BEFORE_ARCHIVE.fill(refuse_archiving_open_incidents)
