"""core.inert: what a terminal would act on or hide is shown as an escape (or stripped)."""

from __future__ import annotations

import unicodedata

from hostile import CORPUS, leaks
from hypothesis import given
from hypothesis import strategies as st

from deskline.core.inert import bad_characters, one_line, quoted, stripped, visible


def test_controls_show_as_escapes_and_the_rest_stays():
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\x9b\x7f\x00") == "\\x9b\\x7f\\x00"
    assert visible("invoice \u202egpj.exe") == "invoice \\u202egpj.exe"
    assert visible("pay\u200bpal\ufeff") == "pay\\u200bpal\\ufeff"
    assert visible("bad \udcff byte") == "bad \\udcff byte"
    assert visible("line one\n\tline two · 断线 ★ [bold]") == "line one\n\tline two · 断线 ★ [bold]"


def test_stripped_removes_them_and_keeps_lines():
    assert stripped("\x1b]0;pwned\x07 title\nnext") == "]0;pwned title\nnext"
    assert stripped("in\u202evoice\u200b") == "invoice"


def test_one_line_and_quoted_for_messages():
    assert one_line("a\nb\tc\x1b") == "a\\nb\\tc\\x1b"
    assert quoted("x" * 100_000) == "x" * 79 + "…"
    assert bad_characters("alice") is None
    assert bad_characters("al\x1bice") == "\\x1b"
    assert bad_characters("al ice\n") == "\\n"


def test_the_corpus_leaves_nothing_a_terminal_obeys():
    for text in CORPUS.values():
        assert not leaks(visible(text)) and not leaks(stripped(text))


# Every character of the categories a terminal acts on or hides: controls (Cc) and formats (Cf)
ACTING = st.characters(categories=["Cc", "Cf", "Cs"], exclude_characters="\n\t")


@given(st.text(st.one_of(ACTING, st.characters())))
def test_no_control_or_format_character_survives(text):
    for out in (visible(text), stripped(text)):
        left = [c for c in out if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"]
        assert not left
        assert not [c for c in out if c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


@given(st.text(st.characters(exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"])))
def test_printable_text_is_unchanged(text):
    assert visible(text) == text == stripped(text)
