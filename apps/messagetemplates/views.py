"""The project's message templates: the list, one template's editor with its preview, reset.

Anyone on the project reads them; the project's managers and PMO staff
change them. Each view: access helper → form → one service call → redirect,
or the form again with what was typed and status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.bilingual import LANGUAGE_NAMES, LANGUAGES, lang_tag
from apps.core.forms import add_service_errors
from apps.core.markdown import render_markdown
from apps.core.pages import confirm_page
from apps.projects.selectors import Access, check_access, get_project_for_user
from apps.tone.reading import Text, tone_readings

from . import services
from .forms import TemplateForm
from .kinds import KINDS, TONE_KINDS, default_body
from .placeholders import PLACEHOLDERS, fill, used
from .selectors import get_override, latest_open_incident, project_templates
from .values import incident_values, sample_values


def _template_of(request, pk: int, kind: str, language: str, need: Access = Access.READ):
    project, access = get_project_for_user(request.user, pk, need=need)
    if kind not in KINDS or language not in LANGUAGES:
        raise Http404
    return project, access


@login_required
def template_list(request, pk: int):
    project, access = get_project_for_user(request.user, pk)
    return render(
        request,
        "messagetemplates/list.html",
        {"project": project, "rows": project_templates(project), "can_edit": access.can_edit},
    )


def _preview(project, kind: str, language: str, body: str, user) -> dict:
    """The body filled from the latest open incident (else a sample), rendered, and its tone."""
    incident = latest_open_incident(project)
    if incident is not None:
        values = incident_values(incident, language, actor=user)
    else:
        values = sample_values(project, language, actor=user)
    filled = fill(body, values)
    tone = tone_readings(
        [
            Text(
                "body", language, filled, kind=TONE_KINDS[kind], label=str(LANGUAGE_NAMES[language])
            )
        ],
        project=project,
    )
    return {"preview_incident": incident, "preview_html": render_markdown(filled), "tone": tone}


@login_required
def template_edit(request, pk: int, kind: str, language: str):
    project, access = _template_of(request, pk, kind, language)
    if request.method == "POST":
        check_access(access, Access.WRITE)
    override = get_override(project, kind, language)
    current = override.body if override is not None else default_body(kind, language)
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"body": current},
        language=language,
    )
    shown = current
    if request.method == "POST":
        shown = request.POST.get("body", "")
        if "preview" not in request.POST and form.is_valid():
            try:
                saved = services.template_save(
                    project=project,
                    kind=kind,
                    language=language,
                    body=form.cleaned_data["body"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, "body")
            else:
                if saved is None or (override is not None and saved.body == override.body):
                    messages.info(request, _("Nothing changed: the template is as it was."))
                else:
                    messages.success(request, _("The template was saved for this project."))
                return redirect(reverse("message_templates", args=[project.pk]) + f"#{kind}")
    context = {
        "project": project,
        "kind": kind,
        "kind_label": KINDS[kind],
        "language": language,
        "lang": lang_tag(language),
        "language_name": LANGUAGE_NAMES[language],
        "override": override,
        "can_edit": access.can_edit,
        "body": shown,
        "placeholders": [
            {"name": "{" + name + "}", "help": help_text, "used": name in used(shown)}
            for name, help_text in PLACEHOLDERS.items()
        ],
        **_preview(project, kind, language, shown, request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "messagetemplates/edit.html", context | {"form": form}, status=status)


@login_required
def template_reset(request, pk: int, kind: str, language: str):
    project, _access = _template_of(request, pk, kind, language, need=Access.WRITE)
    override = get_override(project, kind, language)

    def reset():
        if services.template_reset(
            project=project, kind=kind, language=language, actor=request.user
        ):
            messages.success(request, _("The template is the default again."))
        else:
            messages.info(request, _("The template was already the default."))
        return redirect(reverse("message_templates", args=[project.pk]) + f"#{kind}")

    context = {
        "project": project,
        "kind": kind,
        "kind_label": KINDS[kind],
        "language": language,
        "language_name": LANGUAGE_NAMES[language],
        "override": override,
        "can_act": override is not None,
    }
    return confirm_page(request, "messagetemplates/reset.html", context, reset)
