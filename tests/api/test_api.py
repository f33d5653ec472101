"""The JSON API: token authentication, scoped reads (masked as on the pages), results, the facility's
idempotent all-or-nothing push, throttling and JSON errors."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hienmau.api.models import ApiToken
from hienmau.api.tokens import revoke_token
from hienmau.donors.models import Donation
from hienmau.donors.privacy import masked
from hienmau.drives.facility_push import event_id
from hienmau.drives.models import CheckInEvent, Registration, RegistrationStatus
from tests.api.conftest import DRIVE_DAY, api_client

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def api_routes() -> list[tuple[str, str]]:
    """(name, kind) of every route of the API's namespace: kind "list", "detail" or "push"."""
    found = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api" and entry.name:
                params = set(entry.pattern.converters) | set(entry.pattern.regex.groupindex)
                found.append((entry.name, "detail" if "pk" in params else "list"))

    walk(get_resolver().url_patterns)
    return found


PUBLIC = {"schema", "docs", "redoc"}


# --- authentication and errors ---------------------------------------------------------------------


def test_without_a_token_every_route_answers_401_in_vietnamese_json(world, client):
    for name, kind in api_routes():
        if name in PUBLIC:
            continue
        url = reverse(f"api:{name}", kwargs={"pk": 1} if kind == "detail" else {})
        response = client.post(url) if name == "donation-push" else client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
        assert "khoá truy cập" in response.json()["message"]


def test_a_revoked_or_wrong_token_is_refused(world, api):
    assert api("district").get("/api/v1/units/").status_code == 200
    token = ApiToken.objects.get(name="Kết nối district")
    assert revoke_token(token) and not revoke_token(token)
    response = api("district").get("/api/v1/units/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert api_client("hm_not-a-token").get("/api/v1/units/").status_code == 401


def test_tokens_are_stored_hashed_with_only_a_prefix_kept(world):
    secret = world.tokens["district"]
    token = ApiToken.objects.get(name="Kết nối district")
    assert secret.startswith(token.prefix) and len(token.prefix) < 16
    assert secret not in {token.key_hash, token.prefix} and len(token.key_hash) == 64


def test_an_unknown_address_under_api_is_a_json_404(world, api):
    response = api("district").get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_too_many_requests_are_throttled_with_a_json_429(world, api, settings):
    settings.HIENMAU_API_REQUESTS_PER_MINUTE = 2
    client = api("van_du")
    codes = [client.get("/api/v1/units/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/api/v1/units/").json()["code"] == "throttled"


# --- scoped reads ------------------------------------------------------------------------------------


def test_a_district_token_reads_its_own_records(world, api, tree):
    client, side = api("district"), world.hung_yen
    assert tree.van_du.pk in ids(client.get("/api/v1/units/"))
    assert tree.an_minh.pk not in ids(client.get("/api/v1/units/"))
    assert ids(client.get("/api/v1/drives/")) == {side.drive.pk}
    assert ids(client.get("/api/v1/registrations/")) == {r.pk for r in side.registrations}
    assert ids(client.get("/api/v1/donations/")) == {side.donation.pk}
    assert ids(client.get("/api/v1/emergency-requests/")) == {side.request.pk}
    assert ids(client.get("/api/v1/honours/")) == {side.honour.pk}
    assert ids(client.get("/api/v1/plans/")) == {side.plan.pk}  # allocated to Ân Thi
    assert ids(client.get("/api/v1/allocations/")) == {side.allocation.pk}


def test_donors_are_masked_exactly_as_on_the_pages(world, api):
    rows = api("district").get("/api/v1/donors/").json()["results"]
    assert {row["id"] for row in rows} == {r.donor_id for r in world.hung_yen.registrations}
    duc = next(row for row in rows if row["id"] == world.hung_yen.donor.pk)
    full_cccd, full_phone = world.hung_yen.donor.cccd, world.hung_yen.donor.phone
    assert full_cccd not in json.dumps(rows) and full_phone not in json.dumps(rows)
    assert duc["cccd"] == masked("cccd", full_cccd) == full_cccd[:3] + "******" + full_cccd[-3:]  # as on the pages
    assert duc["phone"] == masked("phone", full_phone)
    calls = api("district").get("/api/v1/emergency-requests/").json()["results"][0]["calls"]
    assert calls[0]["phone"] and full_phone not in json.dumps(calls)


def test_units_carry_their_successor_links(world, api, tree):
    rows = {row["id"]: row for row in api("an_giang").get("/api/v1/units/").json()["results"]}
    assert [link["unit"]["id"] for link in rows[tree.kien_giang.pk]["successors"]] == [tree.an_giang.pk]
    assert [link["unit"]["id"] for link in rows[tree.an_giang.pk]["predecessors"]] == [tree.kien_giang.pk]


def test_a_commune_sees_only_its_own_part_of_a_drive(world, api, tree):
    client = api("van_du")
    drive = client.get(f"/api/v1/drives/{world.hung_yen.drive.pk}/").json()
    assert [slot["unit"]["id"] for slot in drive["slots"]] == [tree.van_du.pk]
    assert client.get(f"/api/v1/plans/{world.hung_yen.plan.pk}/").status_code == 404  # allocated to Ân Thi only


def test_filters_by_unit_period_and_status(world, api, tree):
    client, side = api("district"), world.hung_yen
    assert ids(client.get("/api/v1/drives/", {"date_from": DRIVE_DAY.isoformat()})) == {side.drive.pk}
    assert ids(client.get("/api/v1/drives/", {"date_to": "2026-01-01"})) == set()
    assert ids(client.get("/api/v1/drives/", {"status": "cancelled"})) == set()
    assert ids(client.get("/api/v1/units/", {"unit": tree.van_du.pk})) == {tree.van_du.pk}
    assert ids(client.get("/api/v1/units/", {"unit": tree.an_minh.pk})) == set()  # outside: nothing
    assert ids(client.get("/api/v1/donations/", {"outcome": "deferred"})) == set()
    bad = client.get("/api/v1/drives/", {"date_from": "not-a-date"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_results_and_achievement_come_from_the_reports_services(world, api, tree):
    client, side = api("district"), world.hung_yen
    results = client.get(f"/api/v1/drives/{side.drive.pk}/results/").json()
    assert results["total"]["registered"] == 3 and results["total"]["donated"] == 0
    plan = client.get(f"/api/v1/plans/{side.plan.pk}/achievement/").json()
    assert [row["target"] for row in plan["rows"]] == [100]
    assert plan["totals"] is None  # Ân Thi is not the issuing side: its row, no totals
    province = api("admin").get(f"/api/v1/plans/{side.plan.pk}/achievement/").json()
    assert province["totals"]["target"] == 100
    year = client.get(f"/api/v1/units/{tree.an_thi.pk}/achievement/", {"year": 2025, "by": "month"}).json()
    assert len(year["rows"]) == 12


# --- another province gets nothing -------------------------------------------------------------------


def test_a_token_of_another_province_gets_nothing_on_every_route(world, api, tree):
    """Every API route, walked with An Giang's token against Ân Thi's records: lists without them,
    details and actions 404, the push refused."""
    client, side = api("an_giang"), world.hung_yen
    theirs = {
        "unit": {tree.hung_yen.pk, tree.an_thi.pk, tree.van_du.pk, side.hospital.pk},
        "plan": {side.plan.pk},
        "allocation": {side.allocation.pk},
        "drive": {side.drive.pk},
        "registration": {r.pk for r in side.registrations},
        "donor": {r.donor_id for r in side.registrations},
        "donation": {side.donation.pk},
        "emergency-request": {side.request.pk},
        "honour": {side.honour.pk},
    }
    walked = set()
    for name, kind in api_routes():
        if name in PUBLIC:
            continue
        basename = name.rsplit("-", 1)[0]
        if name == "donation-push":
            response = client.post(
                reverse("api:donation-push"), json.dumps(push_body(side, [row(side, 0, "T-1")])), "application/json"
            )
            assert response.status_code == 404, name
        elif kind == "list":
            response = client.get(reverse(f"api:{name}"))
            assert response.status_code == 200, name
            assert not ids(response) & theirs[basename], name
            assert ids(response), f"{name}: An Giang's own records are listed"
        else:
            for pk in theirs[basename]:
                response = client.get(reverse(f"api:{name}", kwargs={"pk": pk}))
                assert response.status_code == 404, (name, pk)
        walked.add(name)
    assert {"unit-list", "donor-detail", "drive-results", "plan-achievement", "donation-push"} <= walked


# --- the push ----------------------------------------------------------------------------------------


def row(side, index, bag, **fields):
    return {
        "bag_number": bag,
        "registration": side.registrations[index].pk,
        "outcome": "donated",
        "volume_ml": 350,
        **fields,
    }


def push_body(side, rows):
    return {"facility": side.hospital.pk, "date": DRIVE_DAY.isoformat(), "rows": rows}


def push(client, side, rows):
    return client.post("/api/v1/donations/push/", json.dumps(push_body(side, rows)), "application/json")


def test_a_pushed_day_is_recorded_through_check_in_and_the_same_push_again_changes_nothing(world, api):
    side, client = world.hung_yen, api("facility")
    rows = [
        row(side, 0, "AT-001"),
        row(side, 1, "AT-002", outcome="deferred", volume_ml=None, deferral_reason="Huyết sắc tố thấp"),
    ]
    first = push(client, side, rows)
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 2 and first.json()["unchanged"] == 0
    duc = Registration.objects.get(pk=side.registrations[0].pk)
    assert duc.status == RegistrationStatus.DONATED and duc.donation.bag_number == "AT-001"
    assert duc.donation.certificate_number  # the check-in service issues it
    assert CheckInEvent.objects.filter(client_event_id=event_id(side.hospital, "AT-001")).exists()
    before = (Donation.objects.count(), CheckInEvent.objects.count())
    again = push(client, side, rows)
    assert again.status_code == 200 and again.json()["created"] == 0 and again.json()["unchanged"] == 2
    assert (Donation.objects.count(), CheckInEvent.objects.count()) == before
    results = client.get(f"/api/v1/drives/{side.drive.pk}/results/").json()
    assert results["total"]["donated"] == 1 and results["total"]["deferred"] == 1


def test_a_conflicting_push_is_refused_whole_and_names_the_rows(world, api):
    side, client = world.hung_yen, api("facility")
    assert push(client, side, [row(side, 0, "AT-001")]).status_code == 200
    before = (Donation.objects.count(), CheckInEvent.objects.count())
    response = push(client, side, [row(side, 2, "AT-003"), row(side, 1, "AT-001"), row(side, 0, "AT-009")])
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and "Không ghi nhận" in body["message"]
    named = {problem["index"]: problem for problem in body["rows"]}
    assert set(named) == {1, 2}  # the bag given to someone else; a second bag for a counted donor
    assert "AT-001" in named[1]["message"]
    assert (Donation.objects.count(), CheckInEvent.objects.count()) == before  # row 0 was valid: not kept
    assert Registration.objects.get(pk=side.registrations[2].pk).status == RegistrationStatus.REGISTERED


def test_a_push_rejects_unknown_registrations_and_repeated_bags_without_writing(world, api):
    side, client = world.hung_yen, api("facility")
    other = world.an_giang.registrations[0].pk
    response = push(client, side, [row(side, 0, "A"), {**row(side, 1, "B"), "registration": other}])
    assert response.status_code == 409 and [p["index"] for p in response.json()["rows"]] == [1]
    response = push(client, side, [row(side, 0, "A"), row(side, 1, "A")])
    assert response.status_code == 409 and "lặp lại" in response.json()["rows"][0]["message"]
    assert not Donation.objects.filter(bag_number="A").exists()


def test_a_read_only_or_outside_token_cannot_push(world, api):
    side = world.hung_yen
    assert push(api("an_giang"), side, [row(side, 0, "X")]).status_code == 404
    response = push(api("van_du"), side, [row(side, 0, "X")])
    assert response.status_code == 404  # the hospital is outside the commune's scope
    invalid = api("facility").post("/api/v1/donations/push/", "{}", "application/json")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid"


def test_a_nul_character_is_refused_before_any_view_in_the_api_error_shape(world, api):
    response = api("district").get("/api/v1/units/", {"kind": "x\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "NUL" in response.json()["message"]


def test_lists_cost_the_same_queries_however_many_rows(world, api, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.api.conftest import build_side

    client = api("district")
    routes = ["/api/v1/drives/", "/api/v1/units/", "/api/v1/emergency-requests/", "/api/v1/allocations/"]

    def counts():
        found = []
        for route in routes:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(route).status_code == 200
            found.append(len(queries))
        return found

    client.get("/api/v1/units/")  # the token's first use writes its last_used_at
    before = counts()
    build_side("Phù Ứng", tree.hung_yen, tree.an_thi, tree.phu_ung, "61")
    assert counts() == before
