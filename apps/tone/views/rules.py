"""The tone check's rules: the catalogue anyone signed in may read, and a project's exceptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.pages import confirm_page
from apps.projects.selectors import Access, get_project_for_user

from ..catalogue import LANGUAGE_LABELS, catalogue, category_label, rule_count
from ..forms import CatalogueFilterForm, RuleSwitchOffForm
from ..languages import EN, normalise_language
from ..ruleset import rule_by_id
from ..selectors import get_rule_exception, rule_exceptions
from ..services import rule_switch_off, rule_switch_on


def _ui_language() -> str:
    try:
        return normalise_language(get_language() or EN)
    except ValueError:
        return EN


def _catalogue_context(request, ui_language: str, switched_off=frozenset()) -> dict:
    form = CatalogueFilterForm(request.GET)
    form.is_valid()
    sections = catalogue(ui_language=ui_language, switched_off=switched_off, **form.filters())
    return {
        "filter_form": form,
        "sections": sections,
        "shown": rule_count(sections),
        "ui_language": ui_language,
    }


@login_required
def rule_catalogue(request):
    """Every rule, by language and category, with its examples: readable without Python."""
    context = _catalogue_context(request, _ui_language())
    status = 400 if context["filter_form"].errors else 200
    return render(request, "tone/catalogue.html", context, status=status)


def _rules_page(request, project, access, *, form=None, status=200):
    """The project's switched-off rules, the form to switch one off, and the catalogue."""
    ui_language = _ui_language()
    exceptions = []
    for exception in rule_exceptions(project):
        try:
            rule = rule_by_id(exception.rule)
        except KeyError:
            # A rule removed from the files since: the exception stays on the record.
            rule = None
        exceptions.append(
            {
                "exception": exception,
                "rule": rule,
                "message": rule.message_for(ui_language) if rule else "",
                "category_label": category_label(rule.category) if rule else "",
                "language_label": LANGUAGE_LABELS.get(rule.language) if rule else "",
            }
        )
    switched_off = frozenset(e["exception"].rule for e in exceptions)
    can_edit = access.can_edit
    if form is None and can_edit:
        form = RuleSwitchOffForm(
            initial={"rule": request.GET.get("rule", "")},
            ui_language=ui_language,
            switched_off=switched_off,
        )
    context = {
        "project": project,
        "can_edit": can_edit,
        "exceptions": exceptions,
        "switch_off_form": form,
    } | _catalogue_context(request, ui_language, switched_off)
    return render(request, "tone/project_rules.html", context, status=status)


@login_required
def project_tone_rules(request, pk: int):
    """Which tone rules this project switched off, and why; its PMs change that here."""
    project, access = get_project_for_user(request.user, pk, need=Access.READ)
    return _rules_page(request, project, access)


@login_required
@require_POST
def project_rule_switch_off(request, pk: int):
    project, access = get_project_for_user(request.user, pk, need=Access.WRITE)
    form = RuleSwitchOffForm(
        request.POST,
        ui_language=_ui_language(),
        switched_off=frozenset(e.rule for e in rule_exceptions(project)),
    )
    if form.is_valid():
        try:
            rule_switch_off(
                project=project,
                rule=form.cleaned_data["rule"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The rule %(rule)s is switched off for this project; the history keeps why.")
                % {"rule": form.cleaned_data["rule"]},
            )
            return redirect(reverse("project_tone_rules", args=[project.pk]) + "#switched-off")
    return _rules_page(request, project, access, form=form, status=400)


@login_required
def project_rule_switch_on(request, pk: int, exception_pk: int):
    """A GET asks, a POST switches the rule back on (its findings show again)."""
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    exception = get_rule_exception(project, exception_pk)

    def switch_on():
        rule_switch_on(exception=exception, actor=request.user)
        messages.success(
            request,
            _("The rule %(rule)s is switched back on for this project.") % {"rule": exception.rule},
        )
        return redirect(reverse("project_tone_rules", args=[project.pk]) + "#switched-off")

    context = {"project": project, "exception": exception, "can_act": True}
    return confirm_page(request, "tone/rule_switch_on.html", context, switch_on)
