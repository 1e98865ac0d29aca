from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.projects.selectors import projects_for_user

from .forms import CaseSearchForm, SimilarForm
from .pages import draft_from
from .selectors import case_search, similar_cases


@login_required
@require_GET
def case_library(request):
    """Search the closed cases of the user's projects; bad filters are a 400 with the reason."""
    projects = projects_for_user(request.user).order_by("client__name", "name")
    form = CaseSearchForm(request.GET, projects=projects)
    result = None
    if form.is_valid():
        result = case_search(
            request.user,
            form.cleaned_data["q"],
            form.filters,
            form.cleaned_data.get("page") or 1,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/library.html",
        {
            "form": form,
            "result": result,
            "page_query": query.urlencode(),
            # The filters stay open when one is set (or wrong): the page shows what it applies.
            "filters_open": any(
                request.GET.get(name) for name in form.fields if name not in ("q", "page")
            ),
        },
        status=200 if result is not None else 400,
    )


@login_required
@require_GET
def case_similar(request):
    """The similar past cases for what is being typed (an HTML fragment for the declare page)."""
    form = SimilarForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/_similar_list.html", {"similar_error": True}, status=400)
    client_id = None
    project_id = form.cleaned_data.get("project")
    if project_id:
        project = projects_for_user(request.user).filter(pk=project_id).first()
        client_id = project.client_id if project else None
    cases = similar_cases(draft_from(form.cleaned_data, client_id=client_id), request.user)
    return render(
        request,
        "cases/_similar_list.html",
        {"similar_cases": cases, "similar_checked": True},
    )
