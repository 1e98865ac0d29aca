"""What the message templates put on the pages of the apps below them."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.communications.pages import UPDATE_DRAFT
from apps.projects.pages import PROJECT_PAGE

from .kinds import KINDS
from .selectors import filled_texts, suggested_kind

#: The longest unknown template name repeated back in a message.
MAX_ECHO = 40


def draft_menu(incident) -> list[dict]:
    """The templates a new update can start from, the suggested one first."""
    url = reverse("update_create", args=[incident.pk])
    suggested = suggested_kind(incident)
    order = [suggested, *(kind for kind in KINDS if kind != suggested)]
    return [
        {
            "kind": kind,
            "label": KINDS[kind],
            "url": f"{url}?template={kind}",
            "suggested": kind == suggested,
        }
        for kind in order
    ]


def update_draft(*, request, incident, **kwargs) -> dict:
    """A new draft's "Start from a template" menu, and both texts when one was chosen.

    The choice is a plain link (``?template=update``), so it works without
    JavaScript; an unknown name is said so and ignored.
    """
    context = {"template_menu": draft_menu(incident)}
    chosen = request.GET.get("template")
    if chosen is None or chosen == "":
        return context
    if chosen not in KINDS:
        messages.warning(
            request,
            _("There is no message template “%(name)s”: the draft starts empty.")
            % {"name": chosen[:MAX_ECHO]},
        )
        return context
    context["template_chosen"] = chosen
    context["template_initial"] = filled_texts(incident, chosen, actor=request.user)
    return context


def project_page(*, project, **kwargs) -> dict:
    return {"message_templates_url": reverse("message_templates", args=[project.pk])}


def connect() -> None:
    UPDATE_DRAFT.fill(update_draft)
    PROJECT_PAGE.fill(project_page)
