"""The interface's language: gettext catalogues shipped in the package, chosen per process
and per call.

Texts are marked ``_("{key} is not assigned").format(key=key)``: named placeholders, never
an f-string inside ``_()``, so one catalogue entry serves every value. ``N_()`` marks a text
kept for later (a class attribute, a table) and translated where it is shown with ``_()``.

The language of a process (``[ui] language``, else ``LC_ALL``/``LC_MESSAGES``/``LANG``, else
``--lang`` above both) is ``use``'d once; ``speaking(language)`` changes it for a block (the
texts of an alert rendered for the person it is addressed to), in a context variable, so a
thread or task speaking one person's language never changes another's.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOMAIN = "deskline"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"  # the language the texts are written in


def shipped() -> tuple[str, ...]:
    """The languages there is a catalogue for, the source language first."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE, *found)


@dataclass(frozen=True)
class Language:
    """One language's catalogue: ``gettext``, ``ngettext`` and its Babel locale name."""

    code: str  # "en", "zh_CN"
    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        # gettext's entry for "" is the catalogue's header: an empty text stays empty
        return self.translations.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    @property
    def is_source(self) -> bool:
        return self.code == SOURCE


def normalise(name: str | None) -> str | None:
    """A locale name as a catalogue code: ``zh_CN.UTF-8`` and ``zh-cn`` are ``zh_CN``,
    ``zh`` the one Chinese catalogue there is, ``C``/``POSIX``/``en_GB`` the source; None
    when it names no language deskline has."""
    if not name:
        return None
    base = name.split(".")[0].split("@")[0].replace("-", "_").strip()
    if not base:
        return None
    if base in ("C", "POSIX"):
        return SOURCE
    lang, _sep, region = base.partition("_")
    lang = lang.lower()
    if lang == SOURCE:
        return SOURCE
    known = shipped()
    exact = f"{lang}_{region.upper()}" if region else lang
    if exact in known:
        return exact
    same = [code for code in known if code.split("_")[0] == lang]
    return same[0] if same else None


@cache
def language(code: str | None) -> Language:
    """The language of this code (a locale name is fine); the source language when deskline
    has no catalogue for it."""
    found = normalise(code) or SOURCE
    if found == SOURCE:
        return Language(SOURCE, gettext.NullTranslations())
    translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[found], fallback=True)
    return Language(found, translations)


def from_environment(env: Mapping[str, str]) -> str | None:
    """The locale the environment names for messages: LC_ALL, else LC_MESSAGES, else LANG."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return env[name]
    return None


def choose(flag: str | None, setting: str | None, env: Mapping[str, str]) -> Language:
    """``--lang``, else ``[ui] language``, else the environment's locale, else English."""
    for wanted in (flag, setting, from_environment(env)):
        if wanted and normalise(wanted) is not None:
            return language(wanted)
    return language(SOURCE)


_process = language(SOURCE)
_current: ContextVar[Language | None] = ContextVar("deskline_language", default=None)


def use(chosen: Language | str | None) -> Language:
    """Make this the process's language (threads started later speak it too)."""
    global _process
    _process = chosen if isinstance(chosen, Language) else language(chosen)
    _current.set(None)
    return _process


def current() -> Language:
    """The language texts are written in here and now."""
    return _current.get() or _process


@contextmanager
def speaking(chosen: Language | str | None) -> Iterator[Language]:
    """Texts made inside the block are in this language (None: the current one)."""
    if chosen is None:
        yield current()
        return
    lang = chosen if isinstance(chosen, Language) else language(chosen)
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or the plural form for ``n``, in the current language."""
    return current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is shown."""
    return message
