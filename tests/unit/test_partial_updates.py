"""Partial updates: a field left out is kept; a field that always has a value can't be nulled."""

import pytest
from pydantic import ValidationError

from api.agenda.schemas import AgendaItemUpdate
from api.dialogues.schemas import DialogueUpdate

NOT_EMPTIED = [
    (DialogueUpdate, field)
    for field in ("title", "description", "translations", "startsOn", "endsOn", "priorities")
] + [
    (AgendaItemUpdate, field)
    for field in (
        "title",
        "goal",
        "priorityIds",
        "owner",
        "partners",
        "horizon",
        "status",
        "translations",
    )  # fmt: skip
]


@pytest.mark.parametrize(("model", "field"), NOT_EMPTIED)
def test_null_for_a_field_that_always_has_a_value_is_refused_with_what_to_do(model, field):
    with pytest.raises(ValidationError) as refused:
        model.model_validate({field: None})
    (error,) = refused.value.errors()
    assert error["loc"] == (field,)
    assert "leave the field out to keep it as it is" in error["msg"]


@pytest.mark.parametrize("model", [DialogueUpdate, AgendaItemUpdate])
def test_a_field_left_out_is_kept(model):
    assert model.model_validate({}).model_fields_set == set()


def test_null_empties_an_optional_agenda_field():
    assert AgendaItemUpdate.model_validate({"budgetLine": None}).budget_line is None


@pytest.mark.parametrize("model", [DialogueUpdate, AgendaItemUpdate])
def test_an_end_before_the_start_given_with_it_is_refused(model):
    with pytest.raises(ValidationError) as refused:
        model.model_validate({"startsOn": "2027-03-10", "endsOn": "2027-03-01"})
    (error,) = refused.value.errors()
    assert error["loc"] == ("endsOn",)
    assert "endsOn must be on or after startsOn" in error["msg"]
    same_day = model.model_validate({"startsOn": "2027-03-10", "endsOn": "2027-03-10"})
    assert same_day.ends_on == same_day.starts_on
