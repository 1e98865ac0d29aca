"""The History page's parts, shared by the incident's and the project's History."""

from django.core.paginator import Paginator

from .display import event_line
from .forms import HistoryFilterForm

HISTORY_PER_PAGE = 50


def history_context(request, events_for, actors) -> dict:
    """The filter form read from the query string, and a page of events as lines.

    ``events_for(**filters)`` returns the events to show; a bad filter is
    reported on the form and the whole history is shown meanwhile.
    """
    form = HistoryFilterForm(request.GET or None, actors=actors)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page = Paginator(events_for(**filters), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "lines": [event_line(event) for event in page.object_list],
        "query": query.urlencode(),
        "filtered": bool(filters),
    }
