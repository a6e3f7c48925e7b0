"""Writes for applications: drafts, submission, the one status-transition service, evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid as uuid_module
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import is_staff_with
from accounts.phone import normalize_vn_mobile
from gis import selectors as gis_selectors
from gis.geometry import make_point
from portal.core import uploads
from portal.core.exceptions import InvalidInput, NotFound, TransitionNotAllowed

from .. import workflow
from ..constants import (
    EDITABLE_STATUSES,
    Actor,
    ApplicationStatus,
    CategoryScope,
    EvidenceKind,
    Gender,
    LateEntryReason,
    Mechanism,
    Relationship,
    ResidenceType,
    RunStage,
    RunStatus,
)
from ..exceptions import ApplicationInvalid, WindowClosed
from ..models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationChoice,
    ApplicationStatusChange,
    Evidence,
    PriorityCategory,
    RoundSchool,
    Ticket,
)
from ..personal_id import birth_year_from_id, id_problems
from .duplicates import duplicate_probes_guard, duplicate_refuse
from .notify import application_notify_status
from .tracking import tracking_code_next


@dataclass
class ApplicationInput:
    """What a parent typed. Only the child's name is needed for a draft; the rest is checked
    on submission."""

    child_full_name: str
    child_dob: dt.date | None = None
    child_gender: str = ""
    child_personal_id: str = ""
    guardian_full_name: str = ""
    guardian_personal_id: str = ""
    guardian_phone: str = ""
    guardian_relationship: str = ""
    address_text: str = ""
    lat: float | None = None
    lon: float | None = None
    residence_type: str = ""
    choices: list[int] = field(default_factory=list)
    late_entry_reason: str = ""
    ward_code: str = ""
    priority_category: str = ""
    # The school where a school-scoped category (sibling at the school, child of its staff)
    # applies; only with such a category.
    priority_school: int | None = None
    consent: bool = False
    is_synthetic: bool = False


@dataclass
class CleanedApplication:
    values: dict
    choices: list[int]


MAX_LATE_YEARS = 3
ADULT_AGE = 18


def application_validate(
    *,
    admission_round: AdmissionRound,
    data: ApplicationInput,
    for_submit: bool,
    partial: bool = False,
    evidence_kinds: frozenset[str] | set[str] = frozenset(),
    check_references: bool = True,
) -> CleanedApplication:
    """Check every field; raise ApplicationInvalid with one or more messages per field.

    `partial` (a draft being saved): only the child's name is required and only problems that
    would make a value impossible to store are raised (unknown school, ward or category, a
    value too long, more than five choices…); everything else waits for submission.
    `for_submit` adds consent and the late-entry evidence (`evidence_kinds` = kinds uploaded).
    Without `check_references` only what the input says by itself is checked (no database
    read: the pin's ward, the ward code, the category and the chosen schools are not looked
    up), for the intake queue's answer in the request (services/intake.py); the full check
    runs when the application is created."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str, *, storage: bool = False) -> None:
        if storage or not partial:
            errors.setdefault(name, []).append(message)

    required = _("This field is required.")
    if not (data.child_full_name or "").strip():
        err("child_full_name", required, storage=True)
    for name in ("guardian_full_name", "address_text"):
        if not (getattr(data, name) or "").strip():
            err(name, required)
    if data.child_gender not in Gender.values:
        err("child_gender", _("Choose a gender."), storage=bool(data.child_gender))
    if data.guardian_relationship not in Relationship.values:
        err(
            "guardian_relationship",
            _("Choose the relationship to the child."),
            storage=bool(data.guardian_relationship),
        )
    if data.residence_type not in ResidenceType.values:
        err("residence_type", _("Choose the residence type."), storage=bool(data.residence_type))
    if data.late_entry_reason and data.late_entry_reason not in LateEntryReason.values:
        err("late_entry_reason", _("Choose a reason from the list."), storage=True)

    # Age rule (Circular 28/2020 Art. 33): born in Y−6; up to 3 years later with a legal reason.
    born = data.child_dob.year if data.child_dob else None
    late = False
    if born is None:
        err("child_dob", required)
    elif born > admission_round.birth_year:
        err(
            "child_dob",
            _(
                "Children born after %(year)s cannot enter grade 1 in %(sy)s: "
                "early entry is not allowed."
            )
            % {"year": admission_round.birth_year, "sy": admission_round.school_year},
        )
    elif born < admission_round.birth_year:
        # More than three years late is not refused: the rule sends it to the education
        # office, through a ticket opened at submission (`_late_entry_ticket`).
        late = True
        if not data.late_entry_reason:
            err(
                "late_entry_reason",
                _("A child born in %(born)s enters late: choose the legal reason.")
                % {"born": born},
            )
        elif for_submit and EvidenceKind.LATE_ENTRY not in evidence_kinds:
            err(
                "late_entry_evidence",
                _("Upload a document proving the late-entry reason (PDF or photo)."),
            )
    child_id = (data.child_personal_id or "").strip()
    guardian_id = (data.guardian_personal_id or "").strip()
    too_long = _("At most 12 digits.")
    for name, value in (("child_personal_id", child_id), ("guardian_personal_id", guardian_id)):
        if len(value) > 12:
            err(name, too_long, storage=True)
    for problem in id_problems(
        child_id, birth_year=born, female=data.child_gender == Gender.FEMALE
    ):
        err("child_personal_id", problem)
    problems = id_problems(guardian_id)
    for problem in problems:
        err("guardian_personal_id", problem)
    if not problems:
        g_born = birth_year_from_id(guardian_id)
        if g_born is None or admission_round.school_year - g_born < ADULT_AGE:
            err("guardian_personal_id", _("The guardian must be an adult (18 or older)."))
    if guardian_id and guardian_id == child_id:
        err("guardian_personal_id", _("The guardian's ID must differ from the child's."))
    raw_phone = (data.guardian_phone or "").strip()
    phone = normalize_vn_mobile(raw_phone) if raw_phone else ""
    if not phone:
        err(
            "guardian_phone",
            _("This is not a Vietnamese mobile number (e.g. 0912345678)."),
            storage=len(raw_phone) > 10,
        )
        phone = raw_phone

    # Residence pin: inside the covered area; the ward is computed from it.
    ward = ward_typed = None
    try:
        point = make_point(lon=data.lon, lat=data.lat)
    except (TypeError, ValueError):
        point = None
        err("location", _("Place the pin of your residence on the map."))
    if point is not None and check_references:
        ward = gis_selectors.admin_unit_containing(point=point)
        if ward is None:
            err("location", _("The pin lies outside Ho Chi Minh City, the area of this portal."))
    if data.ward_code and check_references:
        ward_typed = gis_selectors.admin_unit_list().filter(code=data.ward_code).first()
        if ward_typed is None:
            err("ward_code", _("Unknown ward or commune."), storage=True)

    category = None
    if data.priority_category and check_references:
        category = PriorityCategory.objects.filter(
            round=admission_round, code=data.priority_category
        ).first()
        if category is None:
            err("priority_category", _("Unknown priority category."), storage=True)
    priority_school = (
        _priority_school(
            admission_round,
            category,
            data.priority_school,
            err,
            unknown_code=bool(data.priority_category),
        )
        if check_references
        else data.priority_school
    )

    choices = [int(c) for c in data.choices if c not in (None, "")]
    if admission_round.mechanism == Mechanism.NEAREST:
        if choices:
            err(
                "choices",
                _(
                    "This year every school near the home is considered, nearest first: "
                    "families do not rank schools."
                ),
                storage=True,
            )
    elif not choices:
        err("choices", _("Rank at least one school."))
    elif len(choices) > settings.ADMISSIONS_MAX_CHOICES:
        err(
            "choices",
            _("Rank at most %(n)s schools.") % {"n": settings.ADMISSIONS_MAX_CHOICES},
            storage=True,
        )
    elif len(set(choices)) != len(choices):
        err("choices", _("Each school may appear only once."), storage=True)
    elif check_references:
        known = set(
            RoundSchool.objects.filter(round=admission_round, school_id__in=choices).values_list(
                "school_id", flat=True
            )
        )
        if set(choices) - known:
            err(
                "choices", _("A chosen school takes no grade-1 pupils in this round."), storage=True
            )
    if for_submit and not data.consent:
        err("consent", _("Consent to the processing of personal data is required to submit."))
    if errors:
        raise ApplicationInvalid(errors)
    return CleanedApplication(
        values={
            "child_full_name": data.child_full_name.strip(),
            "child_dob": data.child_dob,
            "child_gender": data.child_gender or "",
            "child_personal_id": child_id,
            "late_entry_reason": (data.late_entry_reason or "") if late or born is None else "",
            "guardian_full_name": (data.guardian_full_name or "").strip(),
            "guardian_personal_id": guardian_id,
            "guardian_phone": phone,
            "guardian_relationship": data.guardian_relationship or "",
            "address_text": (data.address_text or "").strip(),
            "residence_point": point,
            "ward": ward,
            "ward_typed": ward_typed,
            "ward_mismatch": bool(ward_typed and ward and ward_typed.pk != ward.pk),
            "residence_type": data.residence_type or "",
            "priority_category": category,
            "priority_school_id": priority_school,
            "is_synthetic": data.is_synthetic,
        },
        choices=choices,
    )


def _priority_school(
    admission_round, category, raw, err, *, unknown_code: bool = False
) -> int | None:
    """The school a school-scoped category counts at: required with such a category (on
    submission), refused with a city-wide one or none, and it must take grade-1 pupils in the
    round. The committee checks it against the evidence."""
    scoped = category is not None and category.scope == CategoryScope.SCHOOL
    if raw in (None, ""):
        if scoped:
            err(
                "priority_school",
                _(
                    "Name the school where the sibling studies or the parent works: "
                    "this priority counts only at that school."
                ),
            )
        return None
    try:
        school_id = int(raw)
    except (TypeError, ValueError):
        err("priority_school", _("Choose a school from the list."), storage=True)
        return None
    if category is not None and not scoped:
        err(
            "priority_school",
            _("This priority counts at every school: leave the school of the priority empty."),
            storage=True,
        )
        return None
    if category is None:
        if not unknown_code:  # an unknown category code is named on its own field
            err(
                "priority_school",
                _("A school of the priority goes with a priority category that counts at one "
                  "school."),
                storage=True,
            )  # fmt: skip
        return None
    if not RoundSchool.objects.filter(round=admission_round, school_id=school_id).exists():
        err(
            "priority_school",
            _("This school takes no grade-1 pupils in this round."),
            storage=True,
        )
        return None
    return school_id


def application_input_from(application: Application, *, consent: bool = False) -> ApplicationInput:
    """The stored form as input again (submission re-checks what was saved)."""
    point = application.residence_point
    return ApplicationInput(
        child_full_name=application.child_full_name,
        child_dob=application.child_dob,
        child_gender=application.child_gender,
        child_personal_id=application.child_personal_id,
        late_entry_reason=application.late_entry_reason,
        guardian_full_name=application.guardian_full_name,
        guardian_personal_id=application.guardian_personal_id,
        guardian_phone=application.guardian_phone,
        guardian_relationship=application.guardian_relationship,
        address_text=application.address_text,
        lat=point.y if point else None,
        lon=point.x if point else None,
        ward_code=application.ward_typed.code if application.ward_typed else "",
        residence_type=application.residence_type,
        priority_category=(
            application.priority_category.code if application.priority_category else ""
        ),
        priority_school=application.priority_school_id,
        choices=[c.school_id for c in application.choices.order_by("rank")],
        consent=consent,
        is_synthetic=application.is_synthetic,
    )


def round_window_open(admission_round: AdmissionRound, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        admission_round.opens_at <= now < admission_round.closes_at
        and admission_round.status == "open"
    )


def round_window_require(admission_round: AdmissionRound, at: dt.datetime | None = None) -> None:
    if not round_window_open(admission_round, now=at):
        raise WindowClosed(_("The application window of this round is closed."))


def _save_choices(application: Application, choices: list[int]) -> None:
    application.choices.all().delete()
    ApplicationChoice.objects.bulk_create(
        ApplicationChoice(application=application, rank=i, school_id=s)
        for i, s in enumerate(choices, start=1)
    )


def _record_consent(application: Application, actor) -> None:
    application.consent_version = settings.ADMISSIONS_CONSENT_VERSION
    application.consented_at = timezone.now()
    application.consented_by = actor


def application_create(
    *,
    admission_round: AdmissionRound,
    applicant,
    data: ApplicationInput,
    submit: bool = False,
    received_at: dt.datetime | None = None,
) -> tuple[Application, bool]:
    """Create a draft (and submit it when `submit`). Returns (application, created).

    One active application per child per round is enforced by a partial unique constraint;
    when it fires, the existing application is returned to its own applicant (idempotent
    double submit) and anyone else gets a conflict. `received_at`: when the intake queue
    received it (the window is judged then, not when a worker gets to it)."""
    round_window_require(admission_round, at=received_at)
    duplicate_probes_guard(applicant=applicant)
    cleaned = application_validate(
        admission_round=admission_round, data=data, for_submit=submit, partial=not submit
    )
    try:
        with transaction.atomic():
            application = Application(
                round=admission_round,
                applicant=applicant,
                tracking_code=tracking_code_next(admission_round),
                **cleaned.values,
            )
            if submit:
                _record_consent(application, applicant)
            application.save()
            _save_choices(application, cleaned.choices)
            ApplicationStatusChange.objects.create(
                application=application,
                from_status="",
                to_status=ApplicationStatus.DRAFT,
                actor=applicant,
                actor_role=Actor.PARENT,
            )
            if submit:
                application_transition(
                    application=application, to=ApplicationStatus.SUBMITTED, actor=applicant
                )
    except IntegrityError as exc:
        if "one_active_application_per_child_per_round" not in str(exc):
            raise
        existing = (
            Application.objects.filter(
                round=admission_round, child_personal_id=cleaned.values["child_personal_id"]
            )
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        if existing is not None and existing.applicant_id == getattr(applicant, "pk", None):
            return existing, False
        raise duplicate_refuse(
            round_id=admission_round.pk,
            child_personal_id=cleaned.values["child_personal_id"],
            applicant=applicant,
        ) from exc
    return application, True


@transaction.atomic
def application_update(*, application: Application, actor, data: ApplicationInput) -> Application:
    """Edit a draft or an application sent back for correction, while the window is open."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise NotFound(_("No such application."))
    if application.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(_("This application can no longer be edited."))
    if application.status == ApplicationStatus.DRAFT:
        round_window_require(application.round)
    if (data.child_personal_id or "").strip() != application.child_personal_id:
        duplicate_probes_guard(applicant=actor)
    cleaned = application_validate(
        admission_round=application.round,
        data=data,
        for_submit=False,
        partial=application.status == ApplicationStatus.DRAFT,
    )
    for key, value in cleaned.values.items():
        setattr(application, key, value)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise duplicate_refuse(
            round_id=application.round_id,
            child_personal_id=cleaned.values["child_personal_id"],
            applicant=actor,
        ) from exc
    _save_choices(application, cleaned.choices)
    return application


@transaction.atomic
def application_submit(*, application: Application, actor, consent: bool) -> Application:
    """Draft → submitted, or correction_requested → resubmitted, recording consent."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.DRAFT:
        round_window_require(application.round)
        target = ApplicationStatus.SUBMITTED
    elif application.status == ApplicationStatus.CORRECTION_REQUESTED:
        target = ApplicationStatus.RESUBMITTED
    else:
        return application  # already submitted: idempotent
    # The full check runs on what was saved (a draft may be partial): every problem at once,
    # each on its field.
    application_validate(
        admission_round=application.round,
        data=application_input_from(application, consent=consent),
        for_submit=True,
        evidence_kinds=set(application.evidence.values_list("kind", flat=True)),
    )
    _record_consent(application, actor)
    application.save(update_fields=["consent_version", "consented_at", "consented_by"])
    application = application_transition(application=application, to=target, actor=actor)
    _late_entry_ticket(application, actor)
    return application


def _late_entry_ticket(application: Application, actor) -> None:
    """A child more than three years older than the prescribed age (Circular 28/2020 Art. 33)
    is decided by the education office: the committee gets a ticket with a deadline instead of
    the family getting a refusal. Idempotent (one open ticket per kind)."""
    born = application.child_dob.year
    limit = application.round.birth_year - MAX_LATE_YEARS
    if born >= limit:
        return
    Ticket.objects.get_or_create(
        application=application,
        kind=Ticket.Kind.LATE_ENTRY,
        status=Ticket.Status.OPEN,
        defaults={
            "reason": _late_entry_reason(born, application.round.birth_year),
            "opened_by": actor,
            "decide_by": timezone.now()
            + dt.timedelta(days=settings.ADMISSIONS_TICKET_DECISION_DAYS),
        },
    )


def _late_entry_reason(born: int, year: int) -> str:
    with translation.override("vi"):  # stored text, read by the committee
        return _(
            "The child was born in %(born)s, more than three years before the prescribed "
            "year %(year)s: the education office decides on admission (Circular "
            "28/2020/TT-BGDĐT, Art. 33)."
        ) % {"born": born, "year": year}


def actor_roles(application: Application, actor) -> set[str]:
    if actor is None:
        return {Actor.SYSTEM}
    roles = set()
    if application.applicant_id and actor.pk == application.applicant_id:
        roles.add(Actor.PARENT)
    if is_staff_with(actor, "admissions.review_application"):
        roles.add(Actor.STAFF)
    return roles


@transaction.atomic
def application_transition(
    *, application: Application, to: str, actor, note: str = ""
) -> Application:
    """The only code that changes an application's status.

    Locks the row, checks the transition table for the actor's role (parent / staff /
    system when `actor` is None), writes the append-only history row and notifies the
    family after commit.

    Verification takes the round lock first (lock order round → application, as publication
    does): a file verified after the main run was published would otherwise wait for an
    allocation that never comes, so it moves on at once to the waiting list (system move
    verified → waitlisted), its priority is computed under the published run's policy and it
    takes part in the vacancy chains and the second round (`vacancies.late_verified_placement`,
    ADR 0008)."""
    if str(to) == ApplicationStatus.VERIFIED:
        AdmissionRound.objects.select_for_update(no_key=True).filter(
            pk=application.round_id
        ).first()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    from_status = locked.status
    allowed = workflow.allowed_actors(from_status, to) & actor_roles(locked, actor)
    if not allowed:
        raise TransitionNotAllowed(
            _("Moving from “%(a)s” to “%(b)s” is not allowed for you.")
            % {"a": ApplicationStatus(from_status).label, "b": ApplicationStatus(to).label},
            field="status",
        )
    note = (note or "").strip()
    if workflow.note_required(from_status, to) and not note:
        raise InvalidInput(_("Give a reason: it is shown to the family."), field="note")
    role = sorted(allowed)[0]
    locked.status = to
    update = ["status", "updated_at"]
    if note:
        locked.last_note = note
        update.append("last_note")
    if to == ApplicationStatus.SUBMITTED:
        locked.submitted_at = timezone.now()
        update.append("submitted_at")
    locked.save(update_fields=update)
    ApplicationStatusChange.objects.create(
        application=locked,
        from_status=from_status,
        to_status=to,
        actor=actor,
        actor_role=role,
        note=note,
    )
    application_notify_status(application=locked, status=to)
    application.status = to
    application.last_note = locked.last_note
    if str(to) == ApplicationStatus.VERIFIED and _main_run_published(locked.round_id):
        with translation.override("vi"):
            late = _(
                "Verified after the allocation was published: the child joins the waiting list."
            )
        waitlisted = application_transition(
            application=application, to=ApplicationStatus.WAITLISTED, actor=None, note=late
        )
        from .vacancies import late_verified_placement

        late_verified_placement(application=waitlisted)
        return waitlisted
    return locked


def _main_run_published(round_id: int) -> bool:
    return AllocationRun.objects.filter(
        round_id=round_id, stage=RunStage.MAIN, status=RunStatus.PUBLISHED
    ).exists()


def application_bulk_verify(*, application_ids: list[int], actor) -> int:
    """Verify several applications, each in its own transaction; returns how many moved."""
    done = 0
    for application in Application.objects.filter(pk__in=application_ids).order_by("pk"):
        try:
            application_transition(
                application=application, to=ApplicationStatus.VERIFIED, actor=actor
            )
        except TransitionNotAllowed:
            continue
        done += 1
    return done


# Evidence: content sniffed from the first bytes, never trusted from the browser.
EVIDENCE_TYPES = frozenset({uploads.PDF, uploads.JPEG, uploads.PNG, uploads.WEBP})


@dataclass
class StoredUpload:
    """An evidence file already hashed and written to private storage, not yet recorded."""

    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def _check_evidence_owner(application: Application, actor) -> None:
    if application.applicant_id != actor.pk:
        raise NotFound(_("No such application."))
    if application.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(_("Evidence can only be added while the form is editable."))


def evidence_store(*, upload) -> StoredUpload:
    """Check, hash and write an upload BEFORE any transaction (ADR 0020): no row or round lock
    is held while a phone's photo is read and written. The caller records it with
    `evidence_attach` (which checks the application and its owner under the row lock) and
    removes it with `evidence_discard` when that fails."""
    content_type = uploads.upload_check(
        upload,
        max_bytes=settings.ADMISSIONS_EVIDENCE_MAX_BYTES,
        accept=EVIDENCE_TYPES,
        field="evidence",
        wrong_type=_("Upload a PDF, JPEG, PNG or WebP file."),
    )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    storage = Evidence._meta.get_field("file").storage
    upload_to = Evidence._meta.get_field("file")
    name = storage.save(upload_to.generate_filename(None, str(uuid_module.uuid4())), upload)
    return StoredUpload(
        name=name,
        original_name=(upload.name or "evidence")[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def evidence_discard(stored: list[StoredUpload]) -> None:
    """Remove files written by `evidence_store` whose recording failed."""
    storage = Evidence._meta.get_field("file").storage
    for item in stored:
        storage.delete(item.name)


@transaction.atomic
def evidence_attach(
    *, application: Application, kind: str, stored: StoredUpload, actor
) -> Evidence:
    """Record a stored file as evidence of the application (row lock on the application only:
    a concurrent submission cannot slip in between the status check and the record)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_evidence_owner(application, actor)
    evidence = Evidence(
        application=application,
        kind=kind,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    evidence.file.name = stored.name
    evidence.save()
    return evidence


def evidence_add(*, application: Application, kind: str, upload, actor) -> Evidence:
    """Store the file (outside any lock), then record it; the file is removed when recording
    fails."""
    _check_evidence_owner(application, actor)  # cheap check before writing anything
    stored = evidence_store(upload=upload)
    try:
        return evidence_attach(application=application, kind=kind, stored=stored, actor=actor)
    except BaseException:
        evidence_discard([stored])
        raise
