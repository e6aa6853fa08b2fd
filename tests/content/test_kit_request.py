"""A kit's request checked against the catalogue (content/kit.py): what it keeps, what it refuses,
and that no problem line repeats what the user typed in the personal fields."""

from __future__ import annotations

import datetime

import pytest

from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
from brochures.content.kit import KitForm, RequestError, read_request
from tests.conftest import SAMPLE_CONTENT


@pytest.fixture(scope="module")
def sample():
    catalogue = load_catalogue(SAMPLE_CONTENT)
    return catalogue, load_bundles(catalogue)


def test_a_bundle_then_topics_named_once_each_in_order(sample):
    _, bundles = sample
    bundle = next(b for b in bundles.valid if b.id == "starting-immunotherapy")
    extra = next(t for t in sample[0].topics if t not in bundle.topics)
    request = read_request(KitForm(topics=(extra, bundle.topics[0]), bundle=bundle.id), *sample)
    assert [t.topic_id for t in request.translations] == [*bundle.topics, extra]
    assert request.lang == "en", "the site's first language"


def test_the_personal_part_as_written_with_the_site_phone_by_default(sample):
    form = KitForm(topics=("immunotherapy",), lang="fr", patient_name="  Élise  N\u0303oël ", note="Line one\r\nLine two",
                   appointment="2026-03-14T09:30", place="Salle 4")
    personal = read_request(form, *sample).personal
    assert personal.patient_name == "Élise  \u00d1oël", "as written, trimmed, composed (NFC)"
    assert personal.note == "Line one\nLine two" and personal.place == "Salle 4"
    assert personal.appointment == datetime.datetime(2026, 3, 14, 9, 30)
    assert personal.direct_line == "514-555-0123"


def test_empty_fields_are_left_out(sample):
    personal = read_request(KitForm(topics=("immunotherapy",), direct_line="514 555 0199"), *sample).personal
    assert personal.patient_name is personal.appointment is personal.place is personal.note is None
    assert personal.direct_line == "514 555 0199"


@pytest.mark.parametrize("form, expected", [
    (KitForm(topics=("immunotherapy",), patient_name="Secretname\x00"), "--patient-name: write plain text"),
    (KitForm(topics=("immunotherapy",), patient_name="Secretname\nSecond"), "on one line"),
    (KitForm(topics=("immunotherapy",), place="Secretname" * 30), "--place: 300 characters, over the limit of 200"),
    (KitForm(topics=("immunotherapy",), note="Secretname\u202e"), "--note: write plain text"),
    (KitForm(topics=("immunotherapy",), appointment="Secretname"), "--appointment: write a real date"),
    (KitForm(topics=("immunotherapy",), appointment="2026-03-14 24:00"), "--appointment: write a real date"),
    (KitForm(topics=("immunotherapy",), direct_line="+1 514 Secretname"), "--direct-line: write a phone number"),
    (KitForm(topics=("immunotherapy",), direct_line="12345"), "--direct-line: write a phone number"),
    (KitForm(bundle="nope"), "--bundle: unknown bundle 'nope'"),
])
def test_refused_without_repeating_what_was_typed(sample, form, expected):
    with pytest.raises(RequestError) as refused:
        read_request(form, *sample)
    lines = [str(p) for p in refused.value.problems]
    assert len(lines) == 1 and expected in lines[0] and "Secretname" not in lines[0]


def test_every_mistake_at_once(sample):
    form = KitForm(topics=("immunotherap", "radiotherapy"), lang="de", note="x" * 700, appointment="2026-02-30 10:00")
    with pytest.raises(RequestError) as refused:
        read_request(form, *sample)
    lines = [str(p) for p in refused.value.problems]
    assert len(lines) == 5
    assert "unknown topic 'immunotherap' (did you mean 'immunotherapy'?)" in lines
