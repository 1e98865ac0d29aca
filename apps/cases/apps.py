from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = _("Case library")

    def ready(self) -> None:
        from apps.incidents.pages import INCIDENT_PAGE, SIMILAR_CASES
        from apps.incidents.services import STATUS_CHANGED

        from .pages import declare_similar, incident_page
        from .services import index_on_close

        STATUS_CHANGED.fill(index_on_close)
        INCIDENT_PAGE.fill(incident_page)
        SIMILAR_CASES.fill(declare_similar)
