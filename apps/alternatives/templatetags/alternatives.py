from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def schedule_impact(days: int | None) -> str:
    """ "12 days later", "5 days earlier", "No delay", or "—" when unknown."""
    if days is None:
        return "—"
    if days > 0:
        return ngettext("%(n)s day later", "%(n)s days later", days) % {"n": days}
    if days < 0:
        return ngettext("%(n)s day earlier", "%(n)s days earlier", -days) % {"n": -days}
    return _("No delay")
