"""Small helpers the form pages share: bind, answer, go back to the incident."""

from django.shortcuts import redirect, render
from django.urls import reverse


def bound(request):
    """The submitted data on a POST (even an empty one), nothing on a GET."""
    return request.POST if request.method == "POST" else None


def form_page(request, template: str, context: dict, form, *, conflict=None):
    """The form page: 409 after an edit conflict, 400 with errors, else 200."""
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, template, context | {"form": form, "conflict": conflict}, status=status)


def to_incident(incident, anchor: str = ""):
    return redirect(
        reverse("incident_detail", args=[incident.pk]) + (f"#{anchor}" if anchor else "")
    )
