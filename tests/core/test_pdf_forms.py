"""What people type into PDF forms: each filled-in field read as "Label: value" at the end of its page,
and found through the real stack.

Real filled forms from pypdf's test resources (tests/data/README.md): a LibreOffice form filled with
two first names, and page 2 of the US federal grant application SF-424 with its agency filled in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.pdf_forms import _tidy_name, page_fields
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parent.parent / "data"
LIBREOFFICE = DATA / "pdf-form-libreoffice-filled.pdf"
SF424 = DATA / "pdf-form-sf424-page2.pdf"


def _page_text(path: Path, page: int) -> str:
    return "\n".join(s.text for s in extract_data(path.name, path.read_bytes()).sections if s.page == page)


def test_a_filled_forms_answers_end_their_page_with_their_labels() -> None:
    text = _page_text(LIBREOFFICE, 1)
    assert text.startswith("Example for a Form")
    assert text.endswith("First Name: Alice\nFirst Name: Bob")  # "First Name_2": the second box's name
    sf424 = _page_text(SF424, 1)
    # the field's description for screen readers is its label
    assert "Enter name of Federal agency: U.S. Department of Interior, Fish and Wildlife Service" in sf424


def _widget(**entries: object) -> DictionaryObject:
    widget = DictionaryObject({NameObject("/Subtype"): NameObject("/Widget")})
    for key, value in entries.items():
        widget[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return widget


def _page(*annotations: DictionaryObject) -> DictionaryObject:
    return DictionaryObject({NameObject("/Annots"): ArrayObject(annotations)})


def test_radio_choices_and_lists_are_read_check_boxes_and_empty_fields_are_not() -> None:
    group = DictionaryObject({
        NameObject("/FT"): NameObject("/Btn"), NameObject("/Ff"): NumberObject(1 << 15),
        NameObject("/T"): TextStringObject("Payment"), NameObject("/V"): NameObject("/Bank_transfer"),
    })  # fmt: skip
    kid_a, kid_b = _widget(Parent=group), _widget(Parent=group)  # two buttons of one group: read once
    numbered = _widget(FT=NameObject("/Btn"), Ff=NumberObject(1 << 15), T=TextStringObject("Size"),
                       V=NameObject("/Choice2"))  # fmt: skip
    check = _widget(FT=NameObject("/Btn"), T=TextStringObject("Agree"), V=NameObject("/Yes"))
    many = _widget(FT=NameObject("/Ch"), T=TextStringObject("Languages"),
                   V=ArrayObject([TextStringObject("German"), TextStringObject("Japanese")]))  # fmt: skip
    empty = _widget(FT=NameObject("/Tx"), T=TextStringObject("Last Name"), V=TextStringObject(""))
    machine = _widget(FT=NameObject("/Tx"), T=TextStringObject("Text12"), V=TextStringObject(" free\r text "))
    link = DictionaryObject({NameObject("/Subtype"): NameObject("/Link")})
    lines = page_fields(_page(kid_a, kid_b, numbered, check, many, empty, machine, link))
    assert lines == ["Payment: Bank transfer", "Languages: German, Japanese", "free text"]


def test_a_parent_cycle_or_a_damaged_entry_costs_only_that_field() -> None:
    looped = _widget(FT=NameObject("/Tx"), V=TextStringObject("ok"))
    del looped["/Subtype"]  # a field, not a box
    looped[NameObject("/Parent")] = looped
    broken = _widget(FT=NameObject("/Tx"), V=NumberObject(3))
    assert page_fields(_page(_widget(Parent=looped), broken)) == ["ok"]
    assert page_fields(DictionaryObject({NameObject("/Annots"): NumberObject(1)})) == []


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("First_Name_2", "First Name"),
        ("Address Line 2", "Address Line 2"),
        ("Text1", ""),
        ("f1_01", ""),
        ("topmostSubform[0].Page1[0].f1_01[0]", ""),
        ("Textfeld 3", ""),
        ("Date of birth", "Date of birth"),
    ],
)
def test_a_fields_own_name_is_its_label_unless_a_program_gave_it(name: str, label: str) -> None:
    assert _tidy_name(name) == label


@pytest.mark.model
def test_a_name_typed_into_a_form_finds_its_page(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (LIBREOFFICE, SF424):
        shutil.copy(path, docs / path.name)
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        by_word = engine.search("Alice", k=3, grouped=False)
        assert (Path(by_word[0].path).name, by_word[0].page) == (LIBREOFFICE.name, 1)
        assert "Alice" in [by_word[0].text[span.start : span.end] for span in by_word[0].highlights]
        by_meaning = engine.search("grant application to the Fish and Wildlife Service", k=3)
        assert Path(by_meaning[0].path).name == SF424.name
