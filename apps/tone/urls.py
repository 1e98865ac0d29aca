from django.urls import path

from .views import findings, rules

urlpatterns = [
    path("incidents/<int:pk>/tone/", findings.tone_live, name="tone_live"),
    path("projects/<int:pk>/tone/check/", findings.tone_live_project, name="tone_live_project"),
    path("incidents/<int:pk>/tone/dismiss/", findings.tone_dismiss, name="tone_dismiss"),
    path(
        "incidents/<int:pk>/tone/dismissals/<int:dismissal_pk>/withdraw/",
        findings.tone_dismissal_withdraw,
        name="tone_dismissal_withdraw",
    ),
    path("tone/rules/", rules.rule_catalogue, name="tone_rule_catalogue"),
    path("projects/<int:pk>/tone/", rules.project_tone_rules, name="project_tone_rules"),
    path(
        "projects/<int:pk>/tone/switch-off/",
        rules.project_rule_switch_off,
        name="project_rule_switch_off",
    ),
    path(
        "projects/<int:pk>/tone/exceptions/<int:exception_pk>/switch-on/",
        rules.project_rule_switch_on,
        name="project_rule_switch_on",
    ),
]
