from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.numbers import format_int, parse_decimal, parse_int
from hienmau.core.lib.text import fold, fold_words, vietnamese_name_key


def test_fold_drops_marks_and_d_stroke():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("  Nguyễn   Văn ĐỨC ") == "nguyen van duc"
    assert fold("Thị trấn Ân Thi") == "thi tran an thi"


def test_fold_words_turns_punctuation_into_spaces():
    assert fold_words("BCĐ. thành phố Rạch Giá") == "bcd thanh pho rach gia"


@given(st.text())
def test_fold_is_idempotent_lowercase_and_unaccented(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.lower() or not folded.isascii()
    assert "đ" not in folded and "Đ" not in folded


@given(st.text(alphabet="aăâeêioôơuưyđAĂÂĐEÊOÔƠUƯ áàảãạấầẩẫậ", min_size=1))
def test_fold_of_vietnamese_letters_is_ascii(text):
    assert fold(text).isascii()


def test_names_sort_by_given_name_first():
    names = ["Nguyễn Văn Đức", "Trần Thị An", "Lê Bình", "Phạm Anh"]
    assert sorted(names, key=vietnamese_name_key) == ["Trần Thị An", "Phạm Anh", "Lê Bình", "Nguyễn Văn Đức"]


def test_vietnamese_numbers():
    assert parse_int("1.532") == 1532
    assert parse_int(" 350 ") == 350
    assert parse_int("") is None
    assert str(parse_decimal("3,5")) == "3.5"
    assert format_int(7411) == "7.411"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip_through_vietnamese_format(value):
    assert parse_int(format_int(value)) == value


@given(st.text(alphabet="0123456789.,a- ", max_size=12))
def test_parse_int_returns_int_none_or_a_clear_error(text):
    try:
        result = parse_int(text)
    except ValueError as exc:
        assert "không phải số nguyên" in str(exc)
    else:
        assert result is None or isinstance(result, int)


def test_250_ml_equivalents():
    from decimal import Decimal

    from hienmau.core.lib.blood import count_units, ml250_equivalent

    assert ml250_equivalent(350) == Decimal("1.4") and ml250_equivalent(450) == Decimal("1.8")
    assert count_units([250, 350, 450], "donations") == 3
    assert count_units([250, 350, 450], "ml250") == Decimal("4.2")


@given(st.lists(st.sampled_from([250, 350, 450]), max_size=50))
def test_equivalents_are_never_fewer_than_bags(volumes):
    from hienmau.core.lib.blood import count_units

    assert count_units(volumes, "ml250") >= count_units(volumes, "donations")


def _fold_by_decomposition(text):
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", stripped.lower()).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_the_ascii_shortcut_folds_exactly_like_decomposition(text):
    assert fold(text) == _fold_by_decomposition(text)
