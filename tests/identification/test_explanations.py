"""The engine's reasons for a match, shown in the page's language."""

import pytest
from django.utils.translation import override

from homeward import explanations
from matching.model import DEFAULT_M, FIELDS, LABELS


def every_label_the_engine_gives() -> set[str]:
    # explain() words a level by its group's label, or by the level's own name where a group has none
    return {LABELS.get(group, {}).get(level, level) for group, levels in DEFAULT_M.items() for level in levels} \
        | {label for labels in LABELS.values() for label in labels.values()}


def test_every_reason_and_field_the_engine_gives_is_known():
    assert every_label_the_engine_gives() <= set(explanations.REASONS)
    assert set(FIELDS) <= set(explanations.FIELDS)


@pytest.mark.parametrize("language", ["hi", "ne", "ru"])
def test_every_reason_and_field_is_translated(language):
    with override(language):
        untranslated = [label for label, text in {**explanations.REASONS, **explanations.FIELDS}.items()
                        if str(text) in (label, label.replace("_", " "))]
    assert not untranslated


@pytest.mark.parametrize("text, russian", [
    ("exact (+13.4)", "точное совпадение (+13.4)"),
    ("some tokens agree, one is another name (-1.2)", "часть имени совпадает, одна часть — другое имя (-1.2)"),
    ("year ±1", "год ±1"),
    ("a reason from a newer engine (+2.0)", "a reason from a newer engine (+2.0)"),
])
def test_a_reason_keeps_its_weight_and_an_unknown_one_is_shown_as_written(text, russian):
    with override("ru"):
        assert explanations.reason(text) == russian
    with override("en"):
        assert explanations.reason(text) == text
