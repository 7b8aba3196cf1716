"""Files attached to a PDF are its sub-documents: the document's attachments (a Factur-X e-invoice's
XML and delivery note) and the files pinned to its pages, each read by its own reader and opened.

Real files (tests/data/README.md): the Factur-X sample invoice of the factur-x library (a PDF/A-3
invoice carrying ``factur-x.xml`` and ``Bon_de_livraison.pdf``), and pypdf's ``attachment.pdf`` (a
page with a PDF pinned to it as a paper clip).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.pdf_attachments import read_attachments
from desktop_search.core.extract.results import Deadline, ExtractionFailed
from desktop_search.core.extract.subdocs import Budget, Nesting
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"
INVOICE = DATA / "pdf-factur-x-invoice-en16931.pdf"
PINNED = DATA / "pdf-pypdf-page-attachment.pdf"


def test_an_e_invoices_attachments_are_its_sub_documents() -> None:
    result = extract_file(INVOICE)
    parts = [s.part for s in result.sections]
    assert parts[0] is None and result.sections[0].page == 1  # the invoice itself first, at its page
    assert set(parts) == {None, "Bon_de_livraison.pdf"}  # factur-x.xml: the invoice the pages show, as tags
    note = next(s for s in result.sections if s.part == "Bon_de_livraison.pdf")
    assert note.page == 1 and note.text.startswith("Bon de livraison")
    assert result.kind == "pdf" and not result.notes
    assert b"<rsm:CrossIndustryInvoice" in part_data(INVOICE, "factur-x.xml")[1]  # still there to open


def test_a_file_pinned_to_a_page_is_read_and_opened(tmp_path: Path) -> None:
    result = extract_file(PINNED)
    assert "jpeg.pdf" in {s.part for s in result.sections}
    name, data = part_data(PINNED, "jpeg.pdf")
    assert name == "jpeg.pdf" and data.startswith(b"%PDF")
    with pytest.raises(ExtractionFailed, match="no longer attached"):
        part_data(PINNED, "gone.pdf")
    name, data = part_data(INVOICE, "Bon_de_livraison.pdf")
    assert name == "Bon_de_livraison.pdf" and data.startswith(b"%PDF")


def test_attachments_deep_inside_are_not_read_and_damaged_ones_cost_themselves(tmp_path: Path) -> None:
    reader = pypdf.PdfReader(INVOICE)
    deep = Nesting(Budget(Deadline(30), INVOICE.stat().st_size), lambda *a: extract_data(*a[:2]), depth=2)
    assert read_attachments(reader, reader.pages, deep).parts == []
    writer = pypdf.PdfWriter(clone_from=PINNED)
    writer.add_attachment("minutes.txt", b"Minutes: the board approved the new roof.")
    writer.add_attachment("broken.pdf", b"%PDF-1.4 not really a PDF")
    writer.write(tmp_path / "mixed.pdf")
    result = extract_file(tmp_path / "mixed.pdf")
    assert {"minutes.txt", "jpeg.pdf"} <= {s.part for s in result.sections}
    broken = [n for n in result.notes if n.startswith("broken.pdf")]
    assert broken == ["broken.pdf: The PDF is damaged and cannot be read."]


@pytest.mark.model
def test_words_only_an_attachment_holds_find_it(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(INVOICE, docs / "invoice.pdf")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        top = engine.search('"bon de livraison"', k=1, grouped=False)[0]
        assert Path(top.path).name == "invoice.pdf" and top.part == "Bon_de_livraison.pdf"
