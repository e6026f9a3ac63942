"""The catalogues in the repository are whole: the template is what extraction finds in the
code now, zh_CN translates every text of it (no fuzzy entry, the same placeholders), and the
shipped .mo is a fresh compile of the .po (see "Languages" in README.md to update them)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from deskline.core.language import DOMAIN, LOCALE_DIR, shipped

ROOT = Path(__file__).resolve().parents[3]
POT = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = [code for code in shipped() if code != "en"]


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def extracted(root: Path = ROOT) -> Catalog:
    """What ``pybabel extract -F babel.cfg`` finds under ``root`` now."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def found() -> Catalog:
    return extracted()


def test_the_template_is_what_the_code_marks(found):
    """A text marked without updating the catalogue (or one no longer marked) fails here."""
    kept = ids(read(POT))
    added, gone = ids(found) - kept, kept - ids(found)
    assert not added, f"marked but not in {POT.name} (run the extraction): {sorted(added)}"
    assert not gone, f"in {POT.name} but no longer marked: {sorted(gone)}"


def test_extraction_catches_a_text_marked_without_the_catalogue(tmp_path):
    """The check above can fail: a copy of a module with one more marked text differs."""
    (tmp_path / "core").mkdir()
    source = (ROOT / "tui" / "help.py").read_text()
    (tmp_path / "core" / "planted.py").write_text(source + '\n_("a text nobody translated")\n')
    planted = ids(extracted(tmp_path)) - ids(read(POT))
    assert planted == {"a text nobody translated"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_text_is_translated_with_the_same_placeholders(code):
    template, catalogue = read(POT), read(po_path(code), locale=code)
    assert not catalogue.fuzzy, f"{code}: the catalogue's header is marked fuzzy"
    missing = sorted(str(m.id) for m in template if m.id and m.id not in catalogue)
    assert not missing, f"{code} lacks (run pybabel update): {missing}"
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        singulars = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            wrong.append(f"{singulars[0]!r}: fuzzy or untranslated")
            continue
        wanted = set().union(*(fields(s) for s in singulars))
        for said in strings:
            if fields(said) != wanted:
                wrong.append(f"{singulars[0]!r}: placeholders {fields(said)} != {wanted}")
    assert not wrong, f"{code}: " + "; ".join(wrong)


def test_a_placeholder_mismatch_is_caught():
    assert fields("{ticket} {what} — {grade}") != fields("{ticket} {what}")
    assert fields("剩余 {time}") == fields("{time} left")


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_shipped_mo_is_the_po_compiled(code):
    """``pybabel compile`` was run after the last change of the .po: the shipped .mo holds
    exactly the .po's translations (compared as texts, not bytes: Babel's releases lay the
    file out differently)."""

    def texts(catalog) -> dict:
        def plain(value):  # a plural's forms come as a list or a tuple
            return tuple(value) if isinstance(value, list | tuple) else value

        return {
            (m.context, plain(m.id)): plain(m.string)
            for m in catalog
            if m.id and m.string and "fuzzy" not in m.flags
        }

    with po_path(code).with_suffix(".mo").open("rb") as shipped:
        assert texts(read_mo(shipped)) == texts(read(po_path(code), locale=code)), (
            f"{code}: run pybabel compile (README, Languages)"
        )
