"""`hienmau units import --reference` and `hienmau units resolve` on a small list shaped like the real one.

The full lists are loaded once, in tests/orgs/test_reference_full.py.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from hienmau.orgs.demo import DATA_DIR
from hienmau.orgs.importer import import_units_file
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind
from hienmau.orgs.place_resolver import resolve_place
from hienmau.orgs.reference import import_reference

NOTE = "Số: 1666/NQ-UBTVQH15; Ngày: 16/06/2025"


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _commune(name, kind, parent, note="", typ="xa"):
    return {"name": name, "type": typ, "name_with_type": f"{kind} {name}", "parent_code": parent, "note": note}


@pytest.fixture
def sources(tmp_path):
    current, former = tmp_path / "current", tmp_path / "former"
    _write(current / "tinh_tp.json", {"33": {"name": "Hưng Yên", "type": "tinh", "code": "33", "note": ""}})
    _write(
        current / "xa-phuong" / "33.json",
        {
            # The new commune keeps the code of one of the communes it merged.
            "12162": {
                **_commune("Xã Xuân Trúc", "Xã", "33"),
                "name": "Xã Xuân Trúc",
                "note": f"Hợp nhất xã Vân Du, Quảng Lãng  và Xuân Trúc ,. Bỏ cấp huyện. {NOTE}",
            },
            # Tân Lợi exists in two former districts and Đông Kết in neither: no guess.
            "12300": {
                **_commune("Xã Tân Lợi", "Xã", "33"),
                "name": "Xã Tân Lợi",
                "note": f"Hợp nhất xã Tân Lợi và xã Đông Kết. Bỏ cấp huyện. {NOTE}",
            },
        },
    )
    _write(
        former / "tinh_tp.json",
        {"33": {"name": "Hưng Yên", "type": "tinh"}, "34": {"name": "Thái Bình", "type": "tinh"}},
    )
    _write(
        former / "quan_huyen.json",
        {
            "329": {"name": "Ân Thi", "type": "huyen", "parent_code": "33"},
            "330": {"name": "Khoái Châu", "type": "huyen", "parent_code": "33"},
            "336": {"name": "Hưng Hà", "type": "huyen", "parent_code": "34"},
        },
    )
    _write(
        former / "xa_phuong.json",
        {
            "12160": _commune("Vân Du", "Xã", "329"),
            "12161": _commune("Quảng Lãng", "Xã", "329"),
            "12162": _commune("Xuân Trúc", "Xã", "329"),
            "12170": _commune("Tân Lợi", "Xã", "329"),
            "12180": _commune("Tân Lợi", "Xã", "336"),
            "12190": _commune("Hạ Lễ", "Xã", "329"),
            "12200": _commune("Đông Kết", "Xã", "330"),
        },
    )
    return current, former


def run(sources, **options):
    return import_reference(*sources, **options)


@pytest.mark.django_db
def test_both_lists_load_with_links_explained_by_their_note(sources):
    report = run(sources)
    data = report.as_json()
    assert data["current"] == {"provinces": 1, "communes": 2}
    assert data["former"] == {"provinces": 2, "districts": 3, "communes": 7}
    van_du = Unit.objects.get(code="12160")
    assert (van_du.kind, van_du.valid_until, van_du.parent.code) == ("commune", datetime.date(2025, 7, 1), "329")
    new = Unit.objects.get(code="12162", valid_until__isnull=True)
    assert (new.name, new.category, new.parent.code, new.valid_from) == (
        "Xuân Trúc",
        "xa",
        "33",
        datetime.date(2025, 7, 1),
    )
    link = SuccessorLink.objects.get(predecessor=van_du)
    assert link.successor == new
    assert link.legal_basis == "Nghị quyết số 1666/NQ-UBTVQH15 ngày 16/06/2025"
    assert link.effective_date == datetime.date(2025, 7, 1)
    assert report.linked_former_communes == 4  # Vân Du, Quảng Lãng, Xuân Trúc, Đông Kết
    assert data["resolved_share"] == round(4 / 7, 4)


@pytest.mark.django_db
def test_same_names_stay_unresolved_with_the_reason_and_unmentioned_units_are_listed(sources):
    unresolved = {item["code"]: item for item in run(sources).unresolved}
    assert set(unresolved) == {"12170", "12180", "12190"}
    assert "trùng 2 đơn vị cũ" in unresolved["12170"]["reason"]
    assert "Tân Lợi" in unresolved["12180"]["reason"]
    assert unresolved["12190"]["path"] == "xã Hạ Lễ, huyện Ân Thi, tỉnh Hưng Yên"
    assert "tệp liên kết" in unresolved["12190"]["reason"]
    assert not SuccessorLink.objects.filter(predecessor__code__in=["12170", "12180"]).exists()


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_a_dry_run_writes_nothing(sources):
    dry = run(sources, dry_run=True)
    assert dry.current_communes == 2 and dry.created > 0
    assert not Unit.objects.filter(code="12160").exists()
    first = run(sources)
    units, links = Unit.objects.count(), SuccessorLink.objects.count()
    second = run(sources)
    assert (second.created, second.updated, second.links_created, second.links_updated) == (0, 0, 0, 0)
    assert (Unit.objects.count(), SuccessorLink.objects.count()) == (units, links)
    assert second.links == first.links


@pytest.mark.django_db
def test_the_demo_units_entered_without_codes_get_their_code_and_are_never_duplicated(sources):
    import_units_file(DATA_DIR / "units_vn.csv")  # the demo's Ân Thi communes, without codes
    demo_van_du = Unit.objects.get(name="Vân Du", parent__code="329")
    run(sources)
    assert Unit.objects.get(code="12160").pk == demo_van_du.pk
    assert Unit.objects.filter(name="Vân Du").count() == 1
    import_units_file(DATA_DIR / "units_vn.csv")  # the demo again, on top
    assert Unit.objects.filter(name="Vân Du").count() == 1
    assert Unit.objects.get(pk=demo_van_du.pk).code == "12160"
    assert Unit.objects.filter(kind=UnitKind.DISTRICT, code="329").count() == 1


@pytest.mark.django_db
def test_an_administrators_file_of_extra_links_is_read(sources, tmp_path):
    extra = tmp_path / "links.csv"
    extra.write_text("former_code,current_code\n12190,12162\n", encoding="utf-8")
    report = run(sources, extra_links=extra)
    assert "12190" not in {item["code"] for item in report.unresolved}
    link = SuccessorLink.objects.get(predecessor__code="12190")
    assert link.successor.code == "12162" and link.legal_basis == "Bổ sung của quản trị hệ thống"


@pytest.mark.django_db
def test_resolve_finds_a_former_address_written_loosely_and_todays_commune(sources):
    run(sources)
    answer = resolve_place("xa Van Du, H. An Thi, Hung Yen", datetime.date(2026, 1, 1))
    assert answer["former"] == {"code": "12160", "name": "xã Vân Du", "path": "xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên"}
    assert answer["current"] == [{"code": "12162", "name": "xã Xuân Trúc", "path": "xã Xuân Trúc, tỉnh Hưng Yên"}]
    before = resolve_place("xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên", datetime.date(2024, 5, 1))
    assert before["former"] is None and [u["code"] for u in before["current"]] == ["12160"]


@pytest.mark.django_db
def test_resolve_returns_candidates_and_no_guess_for_a_name_used_twice(sources):
    run(sources)
    answer = resolve_place("xã Tân Lợi, tỉnh Hưng Yên", datetime.date(2026, 1, 1))
    assert answer["former"] is None and answer["current"] == []
    assert {c["code"] for c in answer["candidates"]} == {"12170", "12180", "12300"}


@pytest.mark.django_db
def test_the_commands_print_the_contract_keys(sources, monkeypatch):
    monkeypatch.setattr("hienmau.orgs.reference.default_sources", lambda: sources)
    out = StringIO()
    call_command("units", "import", "--reference", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"current", "former", "links", "resolved_share", "unresolved"} <= set(data)
    assert set(data["unresolved"][0]) == {"code", "name", "path", "reason"}
    out = StringIO()
    call_command(
        "units", "resolve", "xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên", "--on", "2026-01-01", "--json", stdout=out
    )
    answer = json.loads(out.getvalue())
    assert set(answer) == {"input", "former", "current", "candidates"}
    assert answer["current"][0]["code"] == "12162"


@pytest.mark.django_db
def test_unit_pages_show_predecessors_and_successors_with_the_resolution(sources, client_for):
    from django.urls import reverse

    from tests.factories import member

    run(sources)
    client = client_for(member("admin.ref", Unit.objects.get(code="VN"), "admin"))
    new = Unit.objects.get(code="12162", valid_until__isnull=True)
    body = client.get(reverse("orgs:unit_detail", args=[new.pk])).content.decode()
    assert "Hình thành từ" in body
    assert "xã Vân Du</a> (huyện Ân Thi)" in body
    assert "Nghị quyết số 1666/NQ-UBTVQH15 ngày 16/06/2025" in body
    former = Unit.objects.get(code="12160")
    body = client.get(reverse("orgs:unit_detail", args=[former.pk])).content.decode()
    assert "xã Xuân Trúc</a>" in body and "1666/NQ-UBTVQH15" in body


@pytest.mark.django_db
def test_extra_links_split_a_commune_by_the_shares_given_and_bad_lines_stop_the_import(sources, tmp_path):
    from hienmau.orgs.reference import ReferenceListError

    extra = tmp_path / "links.csv"
    extra.write_text("12190,12162,0.25\n12190,12300,0.75,Quyết định 12/QĐ-UBND\n", encoding="utf-8")
    run(sources, extra_links=extra)
    shares = dict(SuccessorLink.objects.filter(predecessor__code="12190").values_list("successor__code", "share"))
    assert shares == {"12162": Decimal("0.2500"), "12300": Decimal("0.7500")}
    assert SuccessorLink.objects.get(predecessor__code="12190", successor__code="12300").legal_basis == (
        "Quyết định 12/QĐ-UBND"
    )
    extra.write_text("12190,99999\n", encoding="utf-8")
    with pytest.raises(ReferenceListError, match="dòng 1"):
        run(sources, extra_links=extra)
    extra.write_text("12190,12162,không\n", encoding="utf-8")
    with pytest.raises(ReferenceListError, match="tỉ lệ"):
        run(sources, extra_links=extra)


@pytest.mark.django_db
def test_a_new_communes_officer_sees_the_former_communes_it_took_over_not_their_whole_district(sources):
    from hienmau.orgs.models import Membership, Role
    from hienmau.orgs.scoping import build_scope, scoped_units
    from tests.factories import UserFactory

    run(sources)
    new = Unit.objects.get(code="12162", valid_until__isnull=True)
    membership = Membership.objects.create(user=UserFactory(username="xt"), unit=new, role=Role.OFFICER)
    seen = set(scoped_units(build_scope(membership)).values_list("code", flat=True))
    assert {"12160", "12161", "12162"} <= seen  # Vân Du, Quảng Lãng and Xuân Trúc merged into it
    assert "12190" not in seen and "329" not in seen  # Hạ Lễ and the rest of Ân Thi did not
    assert not SuccessorLink.objects.filter(predecessor__kind=UnitKind.DISTRICT).exists()


@pytest.mark.django_db
def test_a_local_spelling_that_differs_only_in_accents_is_kept_so_reruns_change_nothing(sources):
    import_units_file(DATA_DIR / "units_vn.csv")
    van_du = Unit.objects.get(name="Vân Du", parent__code="329")
    Unit.objects.filter(pk=van_du.pk).update(name="Vân Dư", name_folded="van du")
    first = run(sources)
    assert Unit.objects.get(pk=van_du.pk).name == "Vân Dư"
    assert run(sources).updated == 0 and first.created > 0


@pytest.mark.django_db
def test_a_former_district_is_covered_today_by_the_successors_of_its_communes(sources):
    run(sources)
    answer = resolve_place("huyện Ân Thi, tỉnh Hưng Yên", datetime.date(2026, 1, 1))
    assert answer["former"]["code"] == "329"
    assert [u["code"] for u in answer["current"]] == ["12162"]
