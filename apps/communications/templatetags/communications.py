from django import template

register = template.Library()

#: Bootstrap badge classes from very negative to very positive.
REACTION_BADGES = {
    -2: "text-bg-danger",
    -1: "text-bg-warning",
    0: "text-bg-secondary",
    1: "bg-success-subtle text-success-emphasis",
    2: "text-bg-success",
}


@register.filter
def reaction_badge(reaction: int | None) -> str:
    return REACTION_BADGES.get(reaction, "text-bg-light")
