"""A collecting facility's day of donations and deferrals, pushed at once by its own software (the API's
POST /api/v1/donations/push/). Each row is one registrant's outcome, recorded through the same check-in
service as the check-in page (services.record_outcome → donors.recording.record_donation: eligibility,
physician override, certificate, results refreshed).

Idempotent by bag number: a row whose bag number the facility already recorded, with the same content,
changes nothing; the same bag number with other content, or any row the rules refuse, refuses the whole
push, naming the rows. Nothing is written unless every row is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hienmau.donors.models import Donation
from hienmau.donors.recording import Override
from hienmau.drives.models import CheckInEvent, Registration, RegistrationStatus
from hienmau.drives.services import CheckIn, record_outcome
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, may_record_outcomes, visible_registrations


@dataclass(frozen=True)
class PushRow:
    bag_number: str
    registration: int
    outcome: str  # donated | deferred
    component: str = "whole_blood"
    volume_ml: int | None = None
    deferral_reason: str = ""
    deferral_until: datetime.date | None = None
    override_physician: str = ""
    override_reason: str = ""


@dataclass(frozen=True)
class RowProblem:
    index: int
    bag_number: str
    message: str


@dataclass(frozen=True)
class PushedRow:
    bag_number: str
    registration: int
    donation: int | None
    status: str  # created | unchanged


class PushRefused(ValidationError):
    """Nothing was recorded; `problems` names each row that could not be."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(
            _("Không ghi nhận dòng nào: %(n)s dòng có vấn đề, sửa rồi gửi lại cả ngày.") % {"n": len(problems)}
        )


def event_id(facility: Unit, bag_number: str) -> str:
    """The check-in event key of a pushed row: one per facility and bag number."""
    return f"push:{facility.pk}:{bag_number}"


def push_day(facility: Unit, day: datetime.date, rows: list[PushRow], scope: Scope, user) -> list[PushedRow]:
    """Record the facility's rows for `day`, all or nothing; see the module's docstring."""
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        bag = row.bag_number.strip()
        if not bag:
            problems.append(RowProblem(index, row.bag_number, _("Thiếu mã túi máu.")))
        elif bag in seen:
            problems.append(RowProblem(index, bag, _("Mã túi %(bag)s lặp lại trong lần gửi này.") % {"bag": bag}))
        seen.add(bag)
    if problems:
        raise PushRefused(problems)
    registrations = {
        r.pk: r
        for r in visible_registrations(Registration.objects.all(), scope)
        .filter(pk__in=[row.registration for row in rows])
        .select_related("drive__facility", "donation")
    }
    done: list[PushedRow] = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            bag = row.bag_number.strip()
            registration = registrations.get(row.registration)
            try:
                done.append(_push_row(facility, day, row, bag, registration, scope, user))
            except ValidationError as error:
                problems.append(RowProblem(index, bag, " ".join(error.messages)))
        if problems:
            raise PushRefused(problems)  # leaving the block by an exception: nothing is kept
    return done


def _push_row(facility, day, row: PushRow, bag: str, registration, scope: Scope, user) -> PushedRow:
    drive = registration.drive if registration is not None else None
    if drive is None or drive.facility_id != facility.pk or drive.date != day:
        raise ValidationError(
            _("Không có đăng ký số %(id)s ở đợt hiến máu do cơ sở này tiếp nhận ngày %(day)s.")
            % {"id": row.registration, "day": f"{day:%d/%m/%Y}"}
        )
    if not may_record_outcomes(scope, drive):
        raise ValidationError(_("Vai trò của khoá này không được ghi kết quả tiếp nhận ở đợt này."))
    key = event_id(facility, bag)
    earlier = CheckInEvent.objects.filter(client_event_id=key).first()
    recorded = Donation.objects.filter(facility=facility, bag_number=bag).first()
    if earlier is not None or recorded is not None:
        if _same(row, registration, earlier, recorded):
            donation = recorded.pk if recorded is not None else registration.donation_id
            return PushedRow(bag, registration.pk, donation, "unchanged")
        raise ValidationError(
            _("Mã túi %(bag)s đã được ghi nhận với nội dung khác (người hiến hoặc kết quả khác).") % {"bag": bag}
        )
    check_in = CheckIn(
        outcome=row.outcome,
        component=row.component,
        volume_ml=row.volume_ml if row.outcome == RegistrationStatus.DONATED else None,
        bag_number=bag,
        deferral_reason=row.deferral_reason.strip(),
        deferral_until=row.deferral_until,
        override=Override.given(row.override_physician, row.override_reason),
    )
    with transaction.atomic():
        record_outcome(registration, check_in, key, user)
    registration.refresh_from_db(fields=["donation", "status"])
    return PushedRow(bag, registration.pk, registration.donation_id, "created")


def _same(row: PushRow, registration, event: CheckInEvent | None, donation: Donation | None) -> bool:
    """Whether what is recorded under this bag number is this row (the same push sent again)."""
    donated = row.outcome == RegistrationStatus.DONATED
    if event is not None:
        if event.registration_id != registration.pk or event.outcome != row.outcome:
            return False
        if donated and (event.component, event.volume_ml) != (row.component, row.volume_ml):
            return False
        if not donated and event.deferral_reason != row.deferral_reason.strip():
            return False
    if donation is not None:
        if registration.donation_id != donation.pk or donation.outcome != row.outcome:
            return False
        if donated and (donation.component, donation.volume_ml) != (row.component, row.volume_ml):
            return False
    return True
