"""The case library's index: one row per closed incident, ready to search and show.

The row copies what a hit shows (project, client, severity, the kind of cause,
what was chosen, how it ended) so that a page of results is one query, and
keeps the searchable texts per language for the snippets and their segmented
``terms`` for the full-text index. The index itself is backend-specific and
made by the migration: on PostgreSQL a stored ``tsvector`` column
(``to_tsvector('simple', terms)``) with a GIN index; on SQLite an FTS5 table
over ``terms`` kept in sync by triggers. Both index the same terms.

On SQLite, a migration that changes this table copies it, which drops the
triggers: such a migration takes the FTS table down first and builds it again
after (as ``0002_key_terms`` does).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.alternatives.models import AlternativeKind
from apps.core.bilingual import Bilingual, pair
from apps.incidents.models import CauseCategory, Incident, IncidentSeverity
from apps.projects.models import Client, Project
from apps.retrospectives.models import Outcome

#: The FTS5 table on SQLite (its rowid is the entry's id).
FTS_TABLE = "cases_caseentry_fts"


class CaseEntry(models.Model):
    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="case_entry", verbose_name=_("incident")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    title_en, title_zh_hans = pair(models.CharField, _("title"), max_length=200, blank=True)
    title = Bilingual()
    severity = models.CharField(_("severity"), max_length=10, choices=IncidentSeverity.choices)
    cause_category = models.CharField(
        _("kind of cause"), max_length=20, choices=CauseCategory.choices, blank=True
    )
    chosen_kind = models.CharField(
        _("kind of option chosen"), max_length=20, choices=AlternativeKind.choices, blank=True
    )
    chosen_title_en, chosen_title_zh_hans = pair(
        models.CharField, _("option chosen"), max_length=200, blank=True
    )
    chosen_title = Bilingual()
    outcome = models.CharField(
        _("how it ended"), max_length=20, choices=Outcome.choices, blank=True
    )
    declared_at = models.DateTimeField(_("declared at"))
    closed_at = models.DateTimeField(_("closed at"))
    #: What is searched, as it is written: the snippets are cut from these.
    text_en = models.TextField(_("text in English"), blank=True)
    text_zh_hans = models.TextField(_("text in Chinese"), blank=True)
    #: The team's review, in whatever language the team writes.
    text_internal = models.TextField(_("internal text"), blank=True)
    #: The segmented terms of all the texts, space-separated (``apps.cases.segment``).
    terms = models.TextField(_("terms"), blank=True)
    #: The words that say what the case is about, each once (``similarity_terms``):
    #: what ``CaseTerm`` counts, to tell a telling word from one every case uses.
    key_terms = models.TextField(_("key words"), blank=True)
    indexed_at = models.DateTimeField(_("indexed at"))

    class Meta:
        ordering = ["-closed_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["project", "closed_at"], name="case_project_closed"),
            models.Index(fields=["cause_category"], name="case_cause_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.text_en, self.text_zh_hans, self.text_internal)


class CaseTerm(models.Model):
    """In how many cases a key word occurs: "similar cases" asks for the rarer words.

    The row with the empty term counts the cases themselves.
    """

    term = models.CharField(_("word"), max_length=100, primary_key=True)
    cases = models.PositiveIntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("case library word")
        verbose_name_plural = _("case library words")

    def __str__(self) -> str:
        return f"{self.term} ({self.cases})"
