"""What people type into a PDF form: the values of its filled-in fields.

A form filled in Acrobat, Preview, Evince, Firefox or LibreOffice keeps each answer in its field
(``/V``), not in the page's text, so "Alice" written in a form's *First Name* box was not findable.
Each filled field is read as a line at the end of the page its box is on, with the field's label:
"First Name: Alice". The label is the field's description for screen readers (``/TU``: "Your first
name and middle initial" on tax forms) or else its name, tidied ("First_Name_2" → "First Name");
a name that is only a program's ("Text1", "topmostSubform[0].Page1[0].f1_01[0]") is left out and the
value stands alone. Text and list fields are read, and the choice made in a group of radio buttons
when its name is a word (not "Choice2"); check boxes (their value is "Yes" or "Off"), buttons,
signatures and empty fields are not.
"""

from __future__ import annotations

import re
from typing import Any

from desktop_search.core.extract.pdf_annotations import distinct_lines

MAX_FIELDS_PER_PAGE = 500
MAX_VALUE_CHARS = 4000
_RADIO = 1 << 15  # the /Ff flag of a radio-button group
_PARENT_DEPTH = 16  # how far up /Parent chains are followed (a cycle must not loop)
_MACHINE_NAME = re.compile(
    r"""^(?:
        (?:text|textfield|textbox|field|txt|fill|combo|combobox|list|listbox|dropdown|radio|group|choice|option
           |texte|textfeld|feld|liste|champ|campo)[\s_-]*\d*
        | [a-z]{0,3}\d+(?:[_.-]\d+)*     # f1_01, t12, 3
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_SUFFIX_NUMBER = re.compile(r"(?:_\d+)+$")  # "First Name_2": the second box of the same label


def page_fields(page: Any) -> list[str]:
    """The filled-in fields whose boxes are on ``page`` (a pypdf page) as "Label: value" lines, in
    the order the page lists them, once each."""
    return distinct_lines(page, _field_line, MAX_FIELDS_PER_PAGE)


def _field_line(ref: Any) -> str:
    """One widget's field as "Label: value", or "" when it holds nothing worth reading."""
    try:
        widget = ref.get_object()
        if widget.get("/Subtype") != "/Widget":
            return ""
        chain = _field_chain(widget)
        kind = _inherited(chain, "/FT")
        value = _value_text(_inherited(chain, "/V"), kind, _inherited(chain, "/Ff"))
        if not value:
            return ""
        label = _label(chain)
    except Exception:
        return ""
    return f"{label}: {value}" if label else value


def _field_chain(widget: Any) -> list[Any]:
    """The widget and the fields above it (a field's boxes are its kids), nearest first."""
    chain = [widget]
    node = widget
    for _ in range(_PARENT_DEPTH):
        parent = node.get("/Parent")
        if parent is None:
            break
        node = parent.get_object()
        if any(node is seen for seen in chain):
            break
        chain.append(node)
    return chain


def _inherited(chain: list[Any], key: str) -> Any:
    for node in chain:
        value = node.get(key)
        if value is not None:
            return value.get_object() if hasattr(value, "get_object") else value
    return None


def _value_text(value: Any, kind: Any, flags: Any) -> str:
    if kind == "/Btn":  # a radio group's choice is the name of the chosen button; check boxes say Yes
        if not (int(flags or 0) & _RADIO) or not isinstance(value, str) or value in ("/Off", ""):
            return ""
        choice = _words(value.lstrip("/").replace("_", " "))
        return "" if _MACHINE_NAME.match(choice.replace(" ", "")) else choice  # "Choice2", "0": no word
    if kind not in ("/Tx", "/Ch"):
        return ""
    if isinstance(value, list):  # a list that allows several choices
        return ", ".join(t for t in (_words(str(v.get_object() if hasattr(v, "get_object") else v))
                                     for v in value) if t)  # fmt: skip
    return _words(str(value)) if isinstance(value, str) else ""


def _words(text: str) -> str:
    return " ".join(text.split())[:MAX_VALUE_CHARS]


def _label(chain: list[Any]) -> str:
    """The field's description (/TU), else its own name tidied, else "" (a program's name)."""
    for key in ("/TU", "/T"):
        for node in chain:
            raw = node.get(key)
            if raw is None:
                continue
            raw = raw.get_object() if hasattr(raw, "get_object") else raw
            if not isinstance(raw, str) or not raw.strip():
                continue
            if key == "/TU":
                return _words(raw).rstrip(" :.")
            return _tidy_name(raw)
    return ""


def _tidy_name(name: str) -> str:
    """A field's own name as a label: "First_Name_2" → "First Name"; "" for a program's name."""
    if "[" in name or "." in name.strip("."):  # a form designer's path: topmostSubform[0].Page1[0].f1_01[0]
        return ""
    name = _SUFFIX_NUMBER.sub("", name.strip()).replace("_", " ")
    if not any(ch.isalpha() for ch in name) or _MACHINE_NAME.match(name.replace(" ", "")):
        return ""
    return " ".join(name.split())
