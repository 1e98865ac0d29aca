import importlib
from collections import Counter

from django.db import migrations, models

initial = importlib.import_module("apps.cases.migrations.0001_initial")
REBUILD_FTS = "INSERT INTO cases_caseentry_fts(cases_caseentry_fts) VALUES ('rebuild')"


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


# SQLite adds a column by copying the table, which drops its triggers: the FTS
# table is taken down before and built again (from the rows) after.
fts_down = _sqlite(initial.SQLITE_BACKWARD)
fts_up = _sqlite([*initial.SQLITE_FORWARD, REBUILD_FTS])


def fill_key_terms(apps, schema_editor):
    from apps.cases.segment import similarity_terms

    CaseEntry = apps.get_model("cases", "CaseEntry")
    CaseTerm = apps.get_model("cases", "CaseTerm")
    counts = Counter()
    for entry in CaseEntry.objects.all().iterator():
        words = similarity_terms(entry.text_en, entry.text_zh_hans, limit=80)
        entry.key_terms = " ".join(words)
        entry.save(update_fields=["key_terms"])
        counts.update(set(words))
        counts[""] += 1
    CaseTerm.objects.bulk_create(CaseTerm(term=t, cases=n) for t, n in counts.items())


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseTerm',
            fields=[
                ('term', models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='word')),
                ('cases', models.PositiveIntegerField(default=0, verbose_name='cases')),
            ],
            options={
                'verbose_name': 'case library word',
                'verbose_name_plural': 'case library words',
            },
        ),
        migrations.RunPython(fts_down, fts_up),
        migrations.AddField(
            model_name='caseentry',
            name='key_terms',
            field=models.TextField(blank=True, verbose_name='key words'),
        ),
        migrations.RunPython(fts_up, fts_down),
        migrations.RunPython(fill_key_terms, migrations.RunPython.noop),
    ]
