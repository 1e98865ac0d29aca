"""Small helpers the form pages share: bind, answer, go back to what was changed."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render


def bound(request):
    """The submitted data on a POST (even an empty one), nothing on a GET."""
    return request.POST if request.method == "POST" else None


def form_page(request, template: str, context: dict, form, *, conflict=None):
    """The form page: 409 after an edit conflict, 400 with errors, else 200."""
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, template, context | {"form": form, "conflict": conflict}, status=status)


def back_to(obj, anchor: str = ""):
    """Redirect to the page of ``obj`` (its ``get_absolute_url``), at ``anchor`` if given."""
    return redirect(obj.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def confirm_page(
    request, template: str, context: dict, act: Callable[[], HttpResponse]
) -> HttpResponse:
    """A confirm-then-act page: a GET asks, a POST does ``act()`` and returns its answer.

    A refusal of the service (``ValidationError``) shows the page again with
    the reason, status 400. Templates extend ``core/confirm.html``.
    """
    error = None
    if request.method == "POST":
        try:
            return act()
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(request, template, context | {"error": error}, status=400 if error else 200)
