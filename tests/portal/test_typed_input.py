"""portal/api/typed_input.py: the msgspec fast path accepts only what the DRF serializer
accepts, with equal validated data (values and types), and everything else goes to the
serializer (its 400 names every field)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework import serializers

from admissions.api.serializers import ApplicationInputSerializer, IntakeInputSerializer
from portal.api.strict import StrictJsonInputMixin
from portal.api.typed_input import decoder_for

SERIALIZERS = [IntakeInputSerializer, ApplicationInputSerializer]

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "   ", " Nguyễn Thị Lan ", "a\x00b", "\ud800", "x" * 200, "x" * 201,
                     " " + "x" * 200, "0912345678", "079184000001"]),
)  # fmt: skip
dates = st.sampled_from(
    ["2019-05-20", "20190520", "2019-02-30", "2019-5-2", "2019-05-20T00:00:00", "", "2019-W21-1"]
)
numbers = st.one_of(
    st.integers(min_value=-5, max_value=5),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), 10**30, 1.0, 2.5, -0.0, 1e308, 10.7725]),
    st.floats(allow_nan=False, allow_infinity=False),
)
choice_values = st.sampled_from(
    ["female", "male", "mother", "permanent", "temporary", "", "FEMALE", "other", "x"]
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts, dates, choice_values)
values = st.one_of(
    scalars,
    st.lists(st.one_of(st.integers(min_value=-1, max_value=5), st.booleans(), st.just(1.0),
                       st.just("1")), max_size=settings.ADMISSIONS_MAX_CHOICES + 2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)  # fmt: skip


def _complete(**changes) -> dict:
    body = {
        "school_year": 2025,
        "child_full_name": "Trần Minh Khoa",
        "child_dob": "2019-05-20",
        "child_gender": "male",
        "child_personal_id": "079219000001",
        "guardian_full_name": "Nguyễn Thị Lan",
        "guardian_personal_id": "079190000001",
        "guardian_phone": "0912345678",
        "guardian_relationship": "mother",
        "address_text": "12 Lê Lợi",
        "lat": 10.7725,
        "lon": 106.698,
        "residence_type": "permanent",
        "choices": [3, 1, 2],
        "consent": True,
    }
    return {**body, **changes}


def _documents(serializer_class) -> st.SearchStrategy[dict]:
    """A complete application with some fields replaced, removed or added: most are valid
    or nearly so, the cases where the two paths could disagree."""
    names = [*serializer_class._declared_fields, "unknown_field"]
    replaced = st.dictionaries(st.sampled_from(names), values, max_size=4)
    removed = st.sets(st.sampled_from(names), max_size=3)
    return st.builds(
        lambda new, gone: {k: v for k, v in {**_complete(), **new}.items() if k not in gone},
        replaced,
        removed,
    )


def _typed(data: dict) -> dict:
    """Values with their types: 5 == 5.0 == True in Python, not in an API."""

    def typed(value):
        if isinstance(value, list):
            return ("list", [typed(v) for v in value])
        return (type(value).__name__, value)

    return {key: typed(value) for key, value in data.items()}


SAMPLES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2.5,
    10.7725,
    2**63 - 1,
    2**63,
    "",
    "   ",
    " a ",
    "x" * 201,
    "a\x00b",
    "\ud800",
    "2019-05-20",
    "20190520",
    "2019-02-30",
    "female",
    "mother",
    "permanent",
    "FEMALE",
    [],
    [1, 2],
    [0],
    [1.0],
    ["1"],
    [True],
    list(range(1, 12)),
    {},
]


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
def test_every_field_with_every_sample_value_agrees(serializer_class):
    """Exhaustive: a complete application with one field set to each sample value (and
    without it): where the fast path accepts, DRF accepts the same data; and the fast path
    accepts the valid ones (it is not merely refusing everything)."""
    fast_accepted = 0
    for name in serializer_class._declared_fields:
        variants = [{**_complete(), name: value} for value in SAMPLES]
        variants.append({k: v for k, v in _complete().items() if k != name})
        for document in variants:
            body = json.dumps(document).encode()
            fast = decoder_for(serializer_class).validated(body)
            drf = _drf(serializer_class, body)
            if fast is not None:
                fast_accepted += 1
                assert drf is not None, document
                assert _typed(fast) == _typed(dict(drf)), document
    assert fast_accepted > 60


def _drf(serializer_class, body: bytes):
    serializer = serializer_class(data=json.loads(body))
    return serializer.validated_data if serializer.is_valid() else None


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
def test_the_application_serializers_have_a_typed_decoder(serializer_class):
    assert decoder_for(serializer_class) is not None


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_accepts_only_what_drf_accepts_with_equal_data(serializer_class, data):
    document = data.draw(_documents(serializer_class))
    body = json.dumps(document).encode()
    fast = decoder_for(serializer_class).validated(body)
    if fast is not None:
        drf = _drf(serializer_class, body)
        assert drf is not None, f"fast path accepted what DRF refuses: {document!r}"
        assert _typed(fast) == _typed(dict(drf))


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
def test_a_complete_application_takes_the_fast_path_with_drf_values(serializer_class):
    """The opening-morning request (the body `make loadtest` sends has this shape): a
    regression to the slow path would only show as lost throughput."""
    body = json.dumps(_complete(child_full_name="  Trần Minh Khoa ", lat=10)).encode()
    fast = decoder_for(serializer_class).validated(body)
    assert fast is not None
    assert fast["child_full_name"] == "Trần Minh Khoa"  # trimmed, as DRF does
    assert fast["child_dob"] == dt.date(2019, 5, 20)
    assert fast["lat"] == 10.0 and isinstance(fast["lat"], float)
    assert fast["choices"] == [3, 1, 2]
    assert fast["ward_code"] == "" and fast["priority_school"] is None  # defaults
    assert "school_year" in fast
    assert _typed(fast) == _typed(dict(_drf(serializer_class, body)))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"child_full_name": "   "}, "blank after trimming"),
        ({"child_dob": "20190520"}, "an ISO 8601 form other than RFC 3339"),
        ({"choices": [1, 1.0]}, "a number that is not an integer"),
        ({"consent": "true"}, "a string for a boolean"),
        ({"lat": None, "guardian_phone": None}, "null for a text field"),
        ({"child_gender": "FEMALE"}, "not a choice"),
        ({"guardian_phone": "09\x0012"}, "a null character"),
        ({"priority_school": 2**63}, "beyond 64 bits"),
    ],
)
def test_anything_else_goes_to_the_serializer(change, why):
    body = json.dumps(_complete(**change)).encode()
    assert decoder_for(IntakeInputSerializer).validated(body) is None, why


def test_a_missing_required_field_goes_to_the_serializer():
    document = _complete()
    del document["child_full_name"]
    assert decoder_for(IntakeInputSerializer).validated(json.dumps(document).encode()) is None


def test_malformed_json_goes_to_the_serializer():
    decoder = decoder_for(IntakeInputSerializer)
    assert decoder.validated(b'{"child_full_name": "A",}') is None
    assert decoder.validated(b"[]") is None
    assert decoder.validated('{"child_full_name": "Ă"}'.encode("utf-16")) is None


class _WithFieldValidation(StrictJsonInputMixin, serializers.Serializer):
    name = serializers.CharField()

    def validate_name(self, value):  # pragma: no cover - never called here
        return value


class _WithObjectValidation(serializers.Serializer):
    name = serializers.CharField()

    def validate(self, attrs):  # pragma: no cover - never called here
        return attrs


class _WithOtherField(serializers.Serializer):
    email = serializers.EmailField()


class _WithSource(serializers.Serializer):
    name = serializers.CharField(source="full_name")


@pytest.mark.parametrize(
    "serializer_class", [_WithFieldValidation, _WithObjectValidation, _WithOtherField, _WithSource]
)
def test_serializers_with_rules_of_their_own_always_validate_themselves(serializer_class):
    assert decoder_for(serializer_class) is None


def _intakes():
    from django.utils import timezone

    from admissions.constants import IntakeStatus
    from admissions.models import Application, ApplicationIntake

    now = timezone.now()
    application = Application(tracking_code="TS-2025-000123")
    return [
        ApplicationIntake(status=IntakeStatus.QUEUED, received_at=now),
        ApplicationIntake(
            status=IntakeStatus.ACCEPTED, received_at=now, processed_at=now, application=application
        ),
        ApplicationIntake(
            status=IntakeStatus.REFUSED,
            received_at=now,
            processed_at=now,
            errors={"child_personal_id": ["Mã định danh đã có hồ sơ."]},
        ),
    ]


@pytest.mark.parametrize("index", range(3), ids=["queued", "accepted", "refused"])
def test_a_receipt_is_represented_as_its_serializer_does(index):
    from django.utils import translation

    from admissions.api.serializers import IntakeOutputSerializer
    from portal.api.typed_input import represented

    intake = _intakes()[index]
    with translation.override("vi"):
        fast = represented(IntakeOutputSerializer, intake)
        assert fast == IntakeOutputSerializer(intake).data
    assert fast["uuid"] == str(intake.uuid)
    assert fast["status"] == intake.status
    if intake.application is not None:
        assert fast["tracking_code"] == "TS-2025-000123"
        assert fast["application"] == str(intake.application.uuid)
    else:
        assert fast["application"] is None and fast["tracking_code"] is None
