"""The knowledge base's words: English words without their endings and common words,
Chinese as pairs of neighbouring characters; likeness is a cosine, 0 to 1."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deskline.core.kb.suggest import Solved, suggestions
from deskline.core.kb.text import alike, shared, stem, words


def test_english_words_lose_their_endings_and_the_common_ones() -> None:
    assert set(words("The VPN drops; it dropped again, dropping every 10 minutes")) == {
        "vpn", "drop", "every", "10", "minut",
    }  # fmt: skip
    assert stem("printing") == "print" and stem("printer") == "printer" and stem("vpn") == "vpn"


def test_chinese_is_read_as_pairs_of_neighbouring_characters() -> None:
    assert set(words("打印机卡纸")) == {"打印", "印机", "机卡", "卡纸"}
    assert set(words("锁")) == {"锁"}  # a character alone counts by itself
    mixed = words("VPN 连不上")
    assert {"vpn", "连不", "不上"} <= set(mixed)


def test_alike_texts_score_above_strangers() -> None:
    vpn = words("VPN drops every few minutes")
    assert alike(vpn, words("the vpn keeps dropping")) > alike(vpn, words("printer out of toner"))
    assert alike(words("账号被锁定，登录不了"), words("登录不了，账号锁定")) > 0.5
    assert alike(vpn, words("")) == 0.0


text = st.text(alphabet=st.sampled_from("abc xyz 打印机账号 vpn\n"), max_size=40)


@given(text, text)
def test_likeness_is_symmetric_and_between_0_and_1(a: str, b: str) -> None:
    x, y = words(a), words(b)
    assert abs(alike(x, y) - alike(y, x)) < 1e-9
    assert 0.0 <= alike(x, y) <= 1.0 + 1e-9
    if x:
        assert abs(alike(x, x) - 1.0) < 1e-9


def _solved(key: str, title: str, category: str | None = "Hardware/Printer") -> Solved:
    return Solved(key, category, title, "")


PRINTER = [
    _solved("T-1", "Printer on floor 3 jams paper"),
    _solved("T-2", "Paper jams in the floor 3 printer again"),
    _solved("T-3", "printer jams paper every page"),
]


def test_three_alike_resolutions_of_one_category_ask_for_an_article() -> None:
    [found] = suggestions([*PRINTER, _solved("T-4", "Monitor flickers")], [])
    assert found.keys == ("T-1", "T-2", "T-3") and found.category == "Hardware/Printer"
    assert "paper" in found.about and "printer" in found.about
    assert shared([words("a b"), words("c")]) == []


def test_two_are_not_enough_nor_three_across_categories_nor_a_covered_problem() -> None:
    assert suggestions(PRINTER[:2], []) == []
    spread = [_solved("T-1", "printer jams paper", c) for c in ("A", "B", "C")]
    assert suggestions(spread, []) == []
    article = words("Printer jams paper: clean the rollers on the floor 3 printer")
    assert suggestions(PRINTER, [article]) == []
    assert len(suggestions(PRINTER, [words("VPN drops")])) == 1
