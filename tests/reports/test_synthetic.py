"""`hienmau bench seed`: the pure rules of the synthetic dataset (property-tested), and the dataset as
written: the contract's keys, one seed one dataset, results equal to the donations, plans that add up,
donors that could have given, and a second run refused."""

import datetime
import hashlib
import json
import random
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.identity import normalise_phone
from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import AggregateResult, Drive
from hienmau.orgs.models import Unit
from hienmau.plans.models import Allocation, Plan, Target
from hienmau.reports import services, synthetic
from hienmau.reports.lib import synthetic as rules
from hienmau.results.models import ResultEntry, UnitDayResult

UNTIL = datetime.date(2026, 6, 30)

# --- the pure rules ------------------------------------------------------------------------------------


@given(st.integers(0, 100_000), st.lists(st.floats(0.01, 1000), min_size=1, max_size=40))
def test_split_gives_whole_shares_that_sum_to_the_total_in_proportion(total, weights):
    shares = rules.split(total, weights)
    assert sum(shares) == total and all(s >= 0 for s in shares)
    whole = sum(weights)
    assert all(abs(s - total * w / whole) < 1 for s, w in zip(shares, weights, strict=True))


dates = st.lists(st.dates(datetime.date(2017, 1, 1), datetime.date(2026, 12, 31)), max_size=60).map(sorted)


@given(st.integers(0, 2**32), dates, st.integers(0, 30))
def test_a_donors_visits_are_drives_in_order_at_least_twelve_weeks_apart(seed, drive_dates, wanted):
    chosen = rules.pick_drives(random.Random(seed), drive_dates, wanted)
    assert len(chosen) <= wanted and chosen == sorted(set(chosen))
    assert all(0 <= i < len(drive_dates) for i in chosen)
    days = [drive_dates[i] for i in chosen]
    assert all((b - a).days >= rules.MIN_GAP_DAYS for a, b in zip(days, days[1:]))
    if drive_dates and wanted:
        assert chosen


@given(st.integers(0, 2**32), st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)))
def test_a_donor_is_18_to_50_at_the_first_visit(seed, first):
    born = rules.birth_date(random.Random(seed), first)
    assert rules.YOUNGEST <= rules.age_on(born, first) <= rules.OLDEST_AT_FIRST


@given(st.lists(st.tuples(st.sampled_from(["33", "01", "91"]), st.sampled_from("MF"), st.dates()), max_size=200))
def test_cccd_numbers_are_unique_twelve_digits_with_province_century_sex_and_year(people):
    numbers = rules.CccdNumbers()
    issued = [(code, sex, born, numbers.issue(rules.cccd_prefix(code, sex, born))) for code, sex, born in people]
    assert len({n for *_, n in issued}) == len(issued)
    for code, sex, born, number in issued:
        assert len(number) == 12 and number.isdigit() and number[:3] == f"0{code}"
        assert int(number[3]) == (0 if born.year < 2000 else 2) + (sex == "F") and number[4:6] == f"{born:%y}"


@given(st.integers(0, 2**32))
def test_names_phones_and_groups_look_vietnamese(seed):
    rng = random.Random(seed)
    sex = rng.choice("MF")
    words = rules.person_name(rng, sex).split()
    assert len(words) == 3 and words[0] in dict(rules.FAMILY)
    assert (words[1] == "Thị") <= (sex == "F")
    phone = rules.mobile_phone(rng)
    assert phone.startswith("+84") and len(phone) == 12 and phone[1:].isdigit()
    assert normalise_phone(phone) == phone  # a number the forms accept (the load scenario types them)
    assert rules.blood_group(rng)[0] in {"O", "A", "B", "AB"}


def test_visits_average_the_wanted_mean():
    rng = random.Random(3)
    visits = [rules.visits_wanted(rng, 3.0) for _ in range(20_000)]
    assert min(visits) == 1 and 2.9 < sum(visits) / len(visits) < 3.1


# --- the dataset as written ---------------------------------------------------------------------------


@pytest.fixture
def small_country(monkeypatch):
    """Three provinces of the real list with their first few communes, so a national run stays small."""
    full = synthetic.reference_provinces()
    assert len(full) == 34 and sum(len(p.communes) for p in full) == synthetic.NATIONAL_COMMUNES
    chosen = [
        synthetic.ProvinceRef(p.code, p.name, p.category, p.communes[:7]) for p in full if p.code in {"01", "33", "91"}
    ]
    monkeypatch.setattr(synthetic, "reference_provinces", lambda: chosen)
    return chosen


def seed_json(*args) -> dict:
    out = StringIO()
    call_command("bench", "seed", *args, "--until", UNTIL.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def fingerprint() -> str:
    """The generated data without its primary keys (which depend on what the database held before)."""
    digest = hashlib.sha256()
    for row in Donor.objects.order_by("pk").values_list("full_name", "date_of_birth", "sex", "cccd", "phone", "abo"):
        digest.update(repr(row).encode())
    for row in Donation.objects.order_by("pk").values_list("date", "volume_ml", "outcome", "bag_number"):
        digest.update(repr(row).encode())
    for row in Allocation.objects.order_by("pk").values_list("unit_name", "total"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


class Rollback(Exception):
    pass


def seeded_fingerprint(*args) -> str:
    try:
        with transaction.atomic():
            seed_json(*args)
            found = fingerprint()
            raise Rollback
    except Rollback:
        return found


@pytest.mark.django_db
def test_the_contract_keys_and_counts_as_stored(small_country):
    data = seed_json("--scale", "province", "--donors", "400")
    assert set(data) == {
        "scale", "seed", "until", "provinces", "units", "plans", "allocations", "drives", "donors", "donations",
        "results", "seconds",
    }  # fmt: skip
    assert (data["scale"], data["seed"], data["until"], data["provinces"]) == ("province", 1, "2026-06-30", 1)
    assert data["donors"] == Donor.objects.count() == 400
    assert data["donations"] == Donation.objects.count()
    assert 2.5 < data["donations"] / data["donors"] < 3.3
    assert data["plans"] == Plan.objects.filter(source_name=synthetic.SOURCE_NAME).count() == synthetic.YEARS
    assert data["drives"] == Drive.objects.count() and data["results"] == ResultEntry.objects.count()
    assert Donor.objects.filter(is_synthetic=False).count() == 0


@pytest.mark.django_db
def test_one_seed_gives_one_dataset_and_another_seed_another(small_country):
    first = seeded_fingerprint("--scale", "province", "--donors", "150")
    assert seeded_fingerprint("--scale", "province", "--donors", "150") == first
    assert seeded_fingerprint("--scale", "province", "--donors", "150", "--seed", "2") != first


@pytest.mark.django_db
def test_results_equal_the_donations_per_unit_and_day(small_country):
    seed_json("--scale", "national", "--donors", "900")
    given = Counter()
    deferred = Counter()
    for unit_id, day, outcome, n in Donation.objects.values_list("mobilised_by_id", "date", "outcome").annotate(
        n=Count("pk")
    ):
        (given if outcome == "donated" else deferred)[(unit_id, day)] += n
    pre = {
        (row["unit_id"], row["day"]): row
        for row in UnitDayResult.objects.values("unit_id", "day", "collected", "deferred")
    }
    assert {k: r["collected"] for k, r in pre.items() if r["collected"]} == dict(given)
    assert {k: r["deferred"] for k, r in pre.items() if r["deferred"]} == dict(deferred)
    ledger = ResultEntry.objects.aggregate(c=Sum("collected"), v=Sum("v250") + Sum("v350") + Sum("v450"))
    assert ledger["c"] == ledger["v"] == sum(given.values())
    sheets = {(a.drive_id, a.unit_id): a.donated for a in AggregateResult.objects.all()}
    assert sheets == {(e.drive_id, e.unit_id): e.collected for e in ResultEntry.objects.all()}
    assert not Drive.objects.filter(date__gt=UNTIL, status="closed").exists()
    assert not Donation.objects.filter(date__gt=UNTIL).exists()
    year = services.unit_year(Unit.objects.get(code="VN"), 2025)
    assert year.total.collected == Donation.objects.filter(date__year=2025, outcome="donated").count()


@pytest.mark.django_db
def test_plans_add_up_and_the_national_plan_allocates_to_the_provinces(small_country):
    seed_json("--scale", "national", "--donors", "600")
    for allocation in Allocation.objects.prefetch_related("cells"):
        assert allocation.bucket_sum == allocation.total
    for target in Target.objects.all():
        assert target.value == target.plan.allocated_total()
    national = Plan.objects.filter(issuing_unit__code="VN")
    assert national.count() == synthetic.YEARS
    for plan in national:
        provinces = {a.unit_id: a.total for a in plan.allocations.all()}
        assert len(provinces) == len(small_country)
        for province_id, total in provinces.items():
            own = Allocation.objects.filter(plan__issuing_unit_id=province_id, plan__period_start=plan.period_start)
            assert own.aggregate(s=Sum("total"))["s"] == total
    assert not Drive.objects.filter(plan__isnull=True).exists()


@pytest.mark.django_db
def test_donors_could_have_given_on_every_visit(small_country):
    seed_json("--scale", "province", "--donors", "500", "--province", "91")
    visits = defaultdict(list)
    born = dict(Donor.objects.values_list("pk", "date_of_birth"))
    for donor_id, day in Donation.objects.order_by("date").values_list("donor_id", "date"):
        visits[donor_id].append(day)
    for donor_id, days in visits.items():
        assert all((b - a).days >= rules.MIN_GAP_DAYS for a, b in zip(days, days[1:]))
        assert rules.age_on(born[donor_id], days[0]) >= 18 and rules.age_on(born[donor_id], days[-1]) <= 60
    cccds = list(Donor.objects.exclude(cccd=None).values_list("cccd", flat=True))
    assert len(cccds) == len(set(cccds)) > 0 and all(c.startswith("091") for c in cccds)
    province = Unit.objects.get(code="91", kind="province")
    assert not Donor.objects.exclude(commune__path__startswith=province.path).exists()


@pytest.mark.django_db
def test_stored_units_are_reused_and_a_second_run_is_refused(small_country):
    nation = Unit.objects.create(name="Việt Nam", kind="national", category="national", code="VN")
    stored = Unit.objects.create(name="Hưng Yên", kind="province", category="tinh", code="33", parent=nation)
    seed_json("--scale", "province", "--donors", "100")
    units = Unit.objects.count()
    assert Unit.objects.filter(code="33", kind="province").get() == stored
    assert Unit.objects.filter(kind="national").count() == 1
    assert not Donor.objects.exclude(commune__path__startswith=stored.path).exists()
    with pytest.raises(CommandError, match="đã có dữ liệu mẫu"):
        seed_json("--scale", "province", "--donors", "100")
    with pytest.raises(CommandError, match="Không có tỉnh mã “99”"):
        seed_json("--scale", "province", "--province", "99")
    assert Unit.objects.count() == units
