from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.plans.lib.document import blocks_from_text
from hienmau.plans.lib.targets import stated_funding, stated_messages, stated_targets, stated_without_figure

DATA = Path(__file__).resolve().parents[2] / "src" / "hienmau" / "plans" / "data"


def seed(name):
    return (DATA / name).read_text(encoding="utf-8")


def paragraphs(text):
    return [b.text for b in blocks_from_text(text) if hasattr(b, "text")]


def test_kien_giang_campaign_states_its_targets_in_the_text():
    targets = stated_targets(seed("seed-000-kien-giang-66-KH-BCD-2022.txt"))
    assert targets == {
        "blood_units": Decimal(7400),
        "reserve_donors": Decimal(250),
        "volunteers": Decimal(300),
        "staff_percent": Decimal(30),
        "units_percent": Decimal(100),
    }


def test_bac_kan_drive_states_registrations_split_into_direct_and_reserve():
    targets = stated_targets(seed("seed-003-bac-kan-140-KH-BCD-2021.txt"))
    assert targets == {"registrations": Decimal(460), "direct_donors": Decimal(240), "reserve_donors": Decimal(200)}


def test_an_thi_states_a_population_share():
    assert stated_targets(seed("seed-001-an-thi-14-KH-UBND-2024.txt")) == {"population_percent": Decimal("1.5")}


def test_slogans_and_funding_sources_are_the_bullets_under_their_headings():
    text = paragraphs(seed("seed-000-kien-giang-66-KH-BCD-2022.txt"))
    assert stated_messages(text)[0] == "Hiến máu cứu người - Một nghĩa cử cao đẹp."
    assert len(stated_messages(text)) == 5
    assert [line[:20] for line in stated_funding(text)] == [
        "Ngân sách Nhà nước đ",
        "Nguồn huy động tài t",
        "Các nguồn kinh phí h",
    ]


@pytest.mark.django_db
def test_imported_plan_compares_its_allocations_with_the_stated_target():
    from hienmau.orgs.demo import load_demo
    from hienmau.plans import services
    from hienmau.plans.importer import analyse_file, save_plan

    load_demo()
    plan, _ = save_plan(analyse_file(DATA / "seed-000-kien-giang-66-KH-BCD-2022.txt"))
    gap = services.target_gap(services.grid_plan(plan.pk))
    assert (gap.expected, gap.actual, gap.difference) == (Decimal(7400), 7411, 11)
    assert [label.name for label in plan.campaign_labels.all()] == ["Những giọt máu hồng – hè"]


def test_seed_000_sets_news_items_without_a_figure():
    text = seed("seed-000-kien-giang-66-KH-BCD-2022.txt")
    assert stated_without_figure(text) == {"media_items"}
    assert "media_items" not in stated_targets(text)


def test_the_other_seeds_set_no_media_target():
    for name in ("seed-001-an-thi-14-KH-UBND-2024.txt", "seed-003-bac-kan-140-KH-BCD-2021.txt"):
        assert stated_without_figure(seed(name)) == set()


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 99_999), st.sampled_from(["tin, bài", "tin bài", "bài viết"]))
def test_a_stated_number_of_news_items_is_read_with_its_figure(number, words):
    grouped = f"{number:,}".replace(",", ".")
    text = f"- Có ít nhất {grouped} {words} phản ánh hoạt động được đăng tải trên báo, đài.\n"
    assert stated_targets(text)["media_items"] == Decimal(number)
    assert stated_without_figure(text) == set()


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="abcdeghiklmnoprsuvxy ,.\n-", max_size=200))
def test_text_that_never_names_news_items_sets_no_media_target(text):
    assert "media_items" not in stated_targets(text)
    assert stated_without_figure(text) == set()


def test_news_items_named_only_in_the_appendix_set_nothing():
    text = "Phụ lục\n- các tin, bài phản ánh hoạt động được đăng tải\n"
    assert stated_without_figure(text) == set()
