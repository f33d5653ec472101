"""Place names as written in the official lists, resolution notes and addresses (orgs/lib/place_names)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.text import fold
from hienmau.orgs.lib.place_names import (
    Candidate,
    address_parts,
    clean,
    loose_key,
    name_key,
    normalise,
    parse_note,
    resolve_part,
)

SYLLABLES = ["Vân", "Du", "Xuân", "Trúc", "Quảng", "Lãng", "Tân", "Lợi", "Bình", "Khánh", "Ea", "Tam", "Đông", "Hòa"]
names = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map(" ".join)
prefixes = st.sampled_from(
    [("Xã", "xa"), ("xã", "xa"), ("Phường", "phuong"), ("Thị trấn", "thi_tran"), ("Huyện", "huyen"),
     ("H.", "huyen"), ("TP.", "thanh_pho"), ("Tx.", "thi_xa"), ("tỉnh", "tinh"), ("Quận", "quan")]
)  # fmt: skip
untidy = st.tuples(st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ,", ",", " .", "  ;"]))


@given(prefixes, names, untidy)
def test_normalise_reads_kind_and_name_from_untidy_text_and_keeps_the_original(prefix, name, mess):
    lead, tail = mess
    written = f"{lead}{prefix[0]}  {name}{tail}"
    place = normalise(written)
    assert place.original == written
    assert place.category == prefix[1]
    assert place.name == name
    assert place.key == name_key(name)


@given(names, untidy)
def test_the_key_ignores_diacritics_case_spacing_and_stray_punctuation(name, mess):
    lead, tail = mess
    assert normalise(f"{lead}{fold(name).upper()}{tail}").key == normalise(name).key


@given(st.text(max_size=40))
def test_clean_is_idempotent_and_never_raises(text):
    assert clean(clean(text)) == clean(text)
    normalise(text)
    parse_note(text)


def test_a_bracketed_district_becomes_the_qualifier_and_numbers_lose_leading_zeros():
    place = normalise("Phường 01 ( thành phố Cao Lãnh)")
    assert (place.category, place.name, place.qualifier) == ("phuong", "01", "thành phố Cao Lãnh")
    assert place.key == normalise("phuong 1").key == "1"


def test_a_district_named_like_a_prefix_keeps_its_name():
    assert normalise("Quan Hóa").name == "Quan Hóa"
    assert normalise("Quận Hoàn Kiếm").name == "Hoàn Kiếm"
    assert normalise("xa Van Du") == normalise("xa Van Du")
    assert (normalise("xa Van Du").category, normalise("xa Van Du").name) == ("xa", "Van Du")


def test_an_address_is_read_smallest_first():
    parts = address_parts("xã Vân Du, H. Ân Thi, Tỉnh Hưng Yên")
    assert [(p.category, p.name) for p in parts] == [("xa", "Vân Du"), ("huyen", "Ân Thi"), ("tinh", "Hưng Yên")]


def test_a_merger_note_gives_each_former_unit_with_its_kind_and_the_resolution():
    note = parse_note(
        "Đổi tên thành Phường Phố Hiến, hợp nhất phường An Tảo, Lê Lợi, Hiến Nam, Minh Khai, xã Trung Nghĩa "
        "và xã Liên Phương . Bỏ cấp huyện. Số: 1666/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert [(p.place.category, p.place.name) for p in note.parts] == [
        ("phuong", "An Tảo"),
        ("phuong", "Lê Lợi"),
        ("phuong", "Hiến Nam"),
        ("phuong", "Minh Khai"),
        ("xa", "Trung Nghĩa"),
        ("xa", "Liên Phương"),
    ]
    assert (note.resolution, note.date) == ("1666/NQ-UBTVQH15", datetime.date(2025, 6, 16))
    assert note.legal_basis == "Nghị quyết số 1666/NQ-UBTVQH15 ngày 16/06/2025"


def test_parts_districts_renames_and_cut_off_tails_are_read_or_dropped():
    note = parse_note(
        "Đổi tên từ xã Kim Chung thành xã Thiên Lộc, hợp nhất xã Võng La, 1 phần xã Kim Chung thuộc huyện "
        "Đông Anh (trước khi thực hiện sắp xếp), 1 phần xã Tiền Phong thuộc huyện Mê Linh (trước khi thực hiện "
        "sắp xếp), 1 phần x. Bỏ cấp huyện. Số: 1656/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert [(p.place.name, p.place.qualifier, p.partial) for p in note.parts] == [
        ("Võng La", "", False),
        ("Kim Chung", "huyện Đông Anh", True),
        ("Tiền Phong", "huyện Mê Linh", True),
    ]


def test_a_rename_without_merger_and_a_kept_unit():
    renamed = parse_note("Đổi tên từ phường Hợp Đức thành phường Nam Đồ Sơn. Bỏ cấp huyện. Số: 1669/NQ-UBTVQH15")
    assert [(p.place.name, p.renamed) for p in renamed.parts] == [("Hợp Đức", True)]
    kept = parse_note("Giữ nguyên, không sắp xếp. Bỏ cấp huyện. Số: 1665/NQ-UBTVQH15; Ngày: 16/06/2025")
    assert kept.kept and kept.parts == ()
    typo = parse_note("Họp nhất xã Nam Quang và xã Nam Cao. Bỏ cấp huyện.")
    assert [p.place.name for p in typo.parts] == ["Nam Quang", "Nam Cao"]


def test_a_whole_island_district_is_named():
    note = parse_note(
        "Đổi tên thành đặc khu Vân Đồn, thành lập đặc khu Vân Đồn trên cơ sở nhập toàn bộ 12 xã, thị trấn "
        "thuộc huyện đảo Vân Đồn. Bỏ cấp huyện. Số: 1679/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert note.parts == ()
    assert [w.key for w in note.whole_districts] == ["dao van don"]


TAN_LOI = [
    Candidate("1", "tan loi", "xa", "D1", "an thi"),
    Candidate("2", "tan loi", "xa", "D2", "tien lu"),
    Candidate("3", "tan loi", "phuong", "D3", "cao lanh"),
    Candidate("4", "van du", "xa", "D1", "an thi"),
]


def test_same_names_are_told_apart_by_kind_district_or_neighbours_and_otherwise_left_unresolved():
    assert resolve_part(normalise("phường Tân Lợi"), TAN_LOI).code == "3"
    assert resolve_part(normalise("xã Tân Lợi (huyện Tiên Lữ)"), TAN_LOI).code == "2"
    assert resolve_part(normalise("xã Tân Lợi"), TAN_LOI, neighbour_districts=["D1"]).code == "1"
    ambiguous = resolve_part(normalise("xã Tân Lợi"), TAN_LOI)
    assert ambiguous.code is None
    assert ambiguous.candidates == ("1", "2")
    assert "trùng 2" in ambiguous.reason
    missing = resolve_part(normalise("xã Hạ Lễ"), TAN_LOI)
    assert missing.code is None and "Hạ Lễ" in missing.reason


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["tan loi", "van du", "ea tam"]),
            st.sampled_from(["xa", "phuong"]),
            st.sampled_from(["D1", "D2"]),
        ),
        max_size=8,
    ),  # fmt: skip
    st.sampled_from(["xã Tân Lợi", "phường Ea Tam", "Vân Du"]),
    st.lists(st.sampled_from(["D1", "D2"]), max_size=3),
)
def test_resolving_never_guesses(rows, written, neighbours):
    candidates = [Candidate(str(i), key, cat, d, d.lower()) for i, (key, cat, d) in enumerate(rows)]
    place = normalise(written)
    result = resolve_part(place, candidates, neighbours)
    same = [c for c in candidates if c.key == place.key]
    if result.code is None:
        assert result.reason
    else:
        chosen = next(c for c in candidates if c.code == result.code)
        assert loose_key(chosen.key) == loose_key(place.key)
        # Nothing with the same name, kind and district was left that could equally be meant.
        twins = [c for c in same if (c.category, c.district) == (chosen.category, chosen.district)]
        assert twins == [chosen]


def test_spelling_variants_and_doubled_kinds_of_the_source_are_read():
    note = parse_note("Hợp nhất xã xã Vân Canh, phường xã Thanh Liệt và hợp nhất xã Ôn Lương. Bỏ cấp huyện.")
    assert [(p.place.category, p.place.name) for p in note.parts] == [
        ("xa", "Vân Canh"),
        ("xa", "Thanh Liệt"),
        ("xa", "Ôn Lương"),
    ]
    joined = [Candidate("7", "ma da guoi", "thi_tran", "D"), Candidate("8", "thu si", "xa", "D")]
    assert resolve_part(normalise("thị trấn Mađaguôi"), joined).code == "7"
    assert resolve_part(normalise("xã Thủ Sỹ"), joined).code == "8"
