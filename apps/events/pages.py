"""The History page's parts, shared by the incident's and the project's History."""

from django.core.paginator import Paginator
from django.db.models import Q

from .display import event_line
from .forms import HistoryFilterForm

HISTORY_PER_PAGE = 50


def history_context(request, events_for, actors) -> dict:
    """The filter form read from the query string, and a page of events as lines.

    ``events_for(**filters)`` returns the events to show; a bad filter is
    reported on the form and the whole history is shown meanwhile.
    ``?event=<id>`` (without a page) opens the page that holds that event,
    so a link to one line of the record lands on it however long it is.
    """
    form = HistoryFilterForm(request.GET or None, actors=actors)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    events = events_for(**filters)
    number = request.GET.get("page") or _page_of(events, request.GET.get("event"))
    page = Paginator(events, HISTORY_PER_PAGE).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("event", None)
    return {
        "form": form,
        "page": page,
        "lines": [event_line(event) for event in page.object_list],
        "query": query.urlencode(),
        "filtered": bool(filters),
    }


def _page_of(events, event_id) -> int:
    """The page (newest first) that shows the event ``event_id``; the first if none does."""
    try:
        pk = int(event_id or "")
    except ValueError:
        return 1
    found = events.filter(pk=pk).values_list("occurred_at", flat=True).first()
    if found is None:
        return 1
    newer = events.filter(Q(occurred_at__gt=found) | Q(occurred_at=found, pk__gt=pk)).count()
    return newer // HISTORY_PER_PAGE + 1
