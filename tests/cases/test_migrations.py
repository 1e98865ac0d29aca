"""The case library's migrations, back and forth, keep the full-text index working.

On SQLite, adding a column copies the table and drops the FTS triggers; the
migration takes the FTS table down and builds it again from the rows.
"""

import pytest
from django.core.management import call_command

from apps.cases.models import CaseEntry
from apps.cases.selectors import case_search, similar_cases
from apps.cases.services import case_index_rebuild

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_index_survives_going_back_to_the_first_migration_and_forward(library):
    call_command("migrate", "cases", "0001", verbosity=0)
    call_command("migrate", "cases", verbosity=0)
    # The rows kept their terms; the FTS table (SQLite) was built again from them.
    assert CaseEntry.objects.count() == 50
    assert library.keys(case_search(library.pmo, "订单 接口").hits) == {"api-1"}
    assert similar_cases(library.incidents["api-1"], library.pmo)
    # New rows are followed again (the triggers are back).
    case_index_rebuild()
    assert library.keys(case_search(library.pmo, "订单 接口").hits) == {"api-1"}
