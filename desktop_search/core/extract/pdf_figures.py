"""A drawn figure's labels left out of its page's text.

A figure that a typesetter includes from a file of its own (LaTeX's ``\\includegraphics`` of a PDF
chart or circuit, a plot saved by R or matplotlib) lands in the page as a form XObject, and its text
(axis ticks, the names of a circuit's terminals) comes out of pypdf in the middle of the prose, one
label per line: the expEYES-17 manual glued "WG A1 A2 GND Bobine2Bobine1" into every experiment's
passage, R's introduction "1.5 2.0 2.5 3.0 … Relative Frequency" into its text on histograms. Such
labels read as words in no sentence: they blur the passage's meaning and fill its excerpt.

:func:`page_text` reads a page as pypdf does and leaves out the text of each form XObject drawn on it
(not one nested in another: that is part of its outer one) that reads as labels
(:func:`reads_as_labels`: few lines with a sentence's worth of words), when the forms together hold
less than :data:`MAX_FIGURE_SHARE` of the page's text. A page that is mostly forms is its forms: a
cover, a page imported whole from another PDF, or slides printed several to a sheet, whose short lines
would read as labels. The caption is the page's own text and stays.

The forms' text is recorded by wrapping pypdf's private ``PageObject._extract_text__xform`` (the
method that returns a form's text, which pypdf then appends to the page's as it is); a pypdf without
it leaves every page's text whole. The wrapper is put in place when this module is first imported.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from desktop_search.core.scripts import CHINESE_JAPANESE

MAX_FIGURE_SHARE = 0.5  # a page whose forms hold this share of its text or more is kept whole
MIN_FIGURE_CHARS = 8  # a form shorter than this (a lone label or two) is left in place
PROSE_WORDS = 6  # a line with this many words of two letters or more is a sentence's, not a label's
MAX_PROSE_SHARE = 0.25  # a form whose lines are more than this share sentences reads as text
_WORD = re.compile(r"[^\W\d_]{2,}")
_UNSPACED = re.compile(f"[{CHINESE_JAPANESE}]")
_recording = threading.local()


def page_text(page: Any) -> str:
    """The page's text as ``page.extract_text()`` reads it, without the labels of its drawn figures."""
    _recording.forms = []
    try:
        text: str = page.extract_text()
        forms: list[str] = _recording.forms
    finally:
        _recording.forms = None
    if sum(len(form) for form in forms) >= MAX_FIGURE_SHARE * len(text):
        return text  # mostly forms: a cover, a page imported whole, slides printed several to a sheet
    kept: list[str] = []
    cursor = 0  # the forms come in the order pypdf appended them, each at the start of a line
    for form in forms:
        at = _line_start(text, form, cursor)
        if at < 0:
            continue
        if len(form.strip()) >= MIN_FIGURE_CHARS and reads_as_labels(form):
            kept.append(text[cursor:at])
            kept.append("\n")
        else:
            kept.append(text[cursor : at + len(form)])
        cursor = at + len(form)
    return "".join(kept) + text[cursor:]


def _line_start(text: str, form: str, start: int) -> int:
    """Where ``form`` next begins a line of ``text`` from ``start``, or -1."""
    at = text.find(form, start)
    while at > 0 and text[at - 1] != "\n":
        at = text.find(form, at + 1)
    return at


def reads_as_labels(text: str) -> bool:
    """Whether a figure's text is labels (ticks, names, a title) rather than sentences."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or any(_UNSPACED.search(line) for line in lines):
        return False  # Chinese or Japanese has no spaces to count words by: left alone
    prose = sum(1 for line in lines if len(_WORD.findall(line)) >= PROSE_WORDS)
    return prose <= MAX_PROSE_SHARE * len(lines)


def _record_form_text() -> None:
    """Wrap pypdf's form-text method to record what each top-level form on a page returns (done once,
    when this module is imported)."""
    try:
        from pypdf import _page
    except ImportError:  # pragma: no cover - another pypdf layout: pages stay whole
        return
    original = getattr(_page.PageObject, "_extract_text__xform", None)
    if original is None:  # pragma: no cover
        return

    def extract_form_text(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth = getattr(_recording, "depth", 0)
        _recording.depth = depth + 1
        try:
            text = original(self, *args, **kwargs)
        finally:
            _recording.depth = depth
        forms = getattr(_recording, "forms", None)
        if depth == 0 and forms is not None and isinstance(text, str) and text.strip():
            forms.append(text)
        return text

    _page.PageObject._extract_text__xform = extract_form_text  # type: ignore[method-assign]


_record_form_text()
