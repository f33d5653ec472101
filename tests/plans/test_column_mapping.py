"""The preview says what each column was taken to mean and lets the person correct it: the file is read
again with the chosen meanings, and saving uses them."""

import pytest
from django.urls import reverse

from hienmau.plans.models import Allocation
from tests.plans.helpers import tsv

pytestmark = pytest.mark.django_db

TEXT = tsv(
    "Ân Thi, ngày 10 tháng 01 năm 2024",
    "PHỤ LỤC",
    ["STT", "Đơn vị", "Tháng 3", "Tháng 7", "Cột A"],
    ["1", "Xã Vân Du", "30", "24", "54"],
    ["2", "Xã Phù Ứng", "31", "30", "61"],
)


def test_a_column_taken_for_nothing_is_corrected_to_the_total_and_saved_so(tree, people, client_for):
    client = client_for(people.district_officer)
    url = reverse("plans:plan_import")
    preview = client.post(url, {"text": TEXT, "issuing_unit": tree.an_thi.pk})
    (columns,) = preview.context["tables"]
    assert [(c["header"], c["label"]) for c in columns] == [
        ("STT", "Số thứ tự"),
        ("Đơn vị", "Tên đơn vị"),
        ("Tháng 3", "Tháng 3"),
        ("Tháng 7", "Tháng 7"),
        ("Cột A", "Không dùng"),
    ]
    assert [r["total"] for r in preview.context["result"]["rows"]] == [None, None]
    body = preview.content.decode()
    assert "Được hiểu là" in body and 'name="column-1-4"' in body
    token = preview.context["token"]

    remapped = client.post(
        url,
        {"token": token, "remap": "1", "issuing_unit": tree.an_thi.pk, "column-1-0": "stt", "column-1-4": "total"},
    )
    assert [r["total"] for r in remapped.context["result"]["rows"]] == [54, 61]
    assert (
        remapped.context["tables"][0][4]["corrected"] and remapped.context["tables"][0][4]["label"] == "Tổng (chỉ tiêu)"
    )
    assert remapped.context["meanings"] == [("column-1-4", "total")]  # the unchanged STT is no correction
    assert not remapped.context["tables"][0][0]["corrected"]
    assert 'type="hidden" name="column-1-4" value="total"' in remapped.content.decode()

    saved = client.post(url, {"token": token, "issuing_unit": tree.an_thi.pk, "column-1-4": "total"})
    assert saved.status_code == 302
    assert sorted(Allocation.objects.values_list("unit_name", "total")) == [("Xã Phù Ứng", 61), ("Xã Vân Du", 54)]


def test_a_meaning_that_is_not_offered_is_ignored(tree, people, client_for):
    client = client_for(people.district_officer)
    url = reverse("plans:plan_import")
    token = client.post(url, {"text": TEXT, "issuing_unit": tree.an_thi.pk}).context["token"]
    remapped = client.post(url, {"token": token, "remap": "1", "column-1-4": "drop table", "column-1-2": "month13"})
    assert not remapped.context["meanings"]
    assert [r["buckets"] for r in remapped.context["result"]["rows"]][0] == {"month:3": 30, "month:7": 24}
