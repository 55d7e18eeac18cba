"""The languages one can meet in are codes, compared exactly by matching: kept in lower case, a name refused."""

import pytest
from profiles.entrypoints.http import PersonIn
from pydantic import ValidationError

SOMEONE = {"display_name": "Ana Reyes", "email": "ana@example.org", "stage": "resident"}


def test_a_language_code_in_capitals_is_kept_in_lower_case_to_match_a_partners():
    assert PersonIn.model_validate({**SOMEONE, "languages": ["EN", "es", "Pt"]}).languages == ["en", "es", "pt"]


@pytest.mark.parametrize("given", ["English", "e", "pt-BR", "es "])
def test_a_language_given_other_than_by_its_code_is_refused_naming_it(given):
    with pytest.raises(ValidationError) as refused:
        PersonIn.model_validate({**SOMEONE, "languages": ["en", given]})
    assert refused.value.errors()[0]["loc"] == ("languages", 1)
