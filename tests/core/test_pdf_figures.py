"""A drawn figure's labels are left out of its page's text (``extract.pdf_figures``), on two pages of
the expEYES-17 manual in French (``tests/data/eyes17.fr.excerpt.pdf``, Sphinx via xdvipdfmx): each
experiment's circuit is a PDF of its own, included as a form XObject, whose labels pypdf put in the
middle of the text ("Moteur / Aimant / A1 / GND / 1,5 V / Pile / Bobine / A2 / GND Bobine / tournant").
(The transformer's on the next page of the manual reads "WG A1 A2 / GND / Bobine2Bobine1".)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.pdf_figures import page_text, reads_as_labels
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parent.parent / "data"
EXCERPT = DATA / "eyes17.fr.excerpt.pdf"
GENERATOR_LABELS = "Aimant\nA1\nGND\n1,5 V\nPile\nBobine\nA2\nGND Bobine\ntournant"  # 2.16's circuit (page 1)
TIMER_LABELS = "IC555\n5V\nA1\nIN2"  # the 555 oscillator's (page 2)


def test_labels_and_sentences() -> None:
    assert reads_as_labels(GENERATOR_LABELS)
    assert reads_as_labels("WG A1 A2\nGND\nBobine2Bobine1")
    histogram = "Histogram of eruptions\neruptions\nRelative Frequency\n1.5 2.0 2.5 3.0\n0.0 0.1"  # R-intro
    assert reads_as_labels(histogram)
    prose = (
        "Préface\nLe projet PHOENIX a démarré en 2004 avec l'objectif d'améliorer l'enseignement\n"
        "des sciences dans les Universités Indiennes. Le développement de matériel de laboratoire\n"
        "à bas coût et la formation des enseignants sont les deux activités principales."
    )
    assert not reads_as_labels(prose)  # a cover or an imported page: its form is its text
    assert not reads_as_labels("")
    assert not reads_as_labels("図\n電源を入れてから測定を始めます")  # no spaces to count words by


def test_the_circuits_labels_leave_the_page_and_the_prose_stays() -> None:
    pages = pypdf.PdfReader(EXCERPT).pages
    raw = [page.extract_text() for page in pages]
    assert GENERATOR_LABELS in raw[0] and TIMER_LABELS in raw[1]  # pypdf glues them in
    text = [page_text(page) for page in pages]
    assert GENERATOR_LABELS not in text[0] and TIMER_LABELS not in text[1]
    assert "Approcher le bobinage de l’aimant" in text[0]  # the procedure around the drawing
    assert "Câbler un circuit de multivibrateur astable" in text[1]
    assert "— Faire les connexions" in text[1]
    assert len(raw[1]) - len(text[1]) < 100  # only the labels went


def test_a_page_that_is_forms_keeps_their_text() -> None:
    """A page drawn whole from forms is their text, not a figure's: a cover, an imported page, or
    slides printed several to a sheet (here the circuit's form drawn twice, as two slides would be)."""
    source = pypdf.PdfReader(EXCERPT).pages[0]
    (name, form), *_ = source["/Resources"]["/XObject"].items()
    for drawn in (1, 2):
        writer = pypdf.PdfWriter()
        page = writer.add_blank_page(width=595, height=842)
        forms = DictionaryObject({name: form})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        content = DecodedStreamObject()
        content.set_data(" ".join(f"q 1 0 0 1 0 {400 * i} cm {name} Do Q" for i in range(drawn)).encode())
        page[NameObject("/Contents")] = writer._add_object(content)
        assert page_text(page).count(GENERATOR_LABELS) == drawn


def test_extraction_leaves_the_labels_out() -> None:
    extracted = extract_data("eyes17.fr.pdf", EXCERPT.read_bytes())
    assert "GND Bobine\ntournant" not in extracted.text and "IC555\n5V" not in extracted.text
    assert "multivibrateur astable" in extracted.text


def test_the_passage_found_reads_without_the_labels(tmp_path, real_embedder) -> None:
    """Through the real stack: the French generator experiment, asked in English, is found and its
    passage reads as the experiment, not "Pile Bobine A2 GND Bobine tournant"."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs / "eyes17.fr.pdf")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        query = "a magnet spinning on a motor next to a coil makes an AC voltage"
        hits = engine.search(query, k=3, grouped=False)
    assert hits and hits[0].page == 1
    assert all("GND Bobine" not in h.text and "Pile\nBobine" not in h.text for h in hits)
