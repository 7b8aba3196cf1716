"""Files attached to a PDF: the document's attachments (its ``/EmbeddedFiles``: the XML of a Factur-X
or ZUGFeRD e-invoice, the delivery note sent with it, the files of a PDF portfolio) and the files
pinned to its pages (``/FileAttachment`` annotations, shown as a paper clip).

They are sub-documents of the PDF (:mod:`.subdocs`): each is read by its own reader under its name
("invoice.pdf › Bon_de_livraison.pdf") within the bomb limits and the time a container's members get,
and Open copies it out (:func:`find_attachment`). The same file attached twice is read once. The XML
an e-invoice carries for accounting software (``factur-x.xml``, ``zugferd-invoice.xml``,
``xrechnung.xml``) is not read: it is the invoice the pages show, as tags.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from desktop_search.core.extract.pdf_annotations import page_annotations
from desktop_search.core.extract.results import ExtractionFailed
from desktop_search.core.extract.subdocs import MAX_DEPTH, Gathered, Nesting, clean_name, unique_label

MAX_ATTACHMENTS = 500
# the machine-readable copy of an e-invoice (Factur-X, ZUGFeRD 1 and 2, XRechnung, Order-X)
INVOICE_DATA_NAMES = frozenset({"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"})
MAX_NAME_TREE_NODES = 10_000  # a name tree is walked this far (a cycle or a hostile tree stops here)


def attached_files(reader: Any, pages: Any) -> Iterator[tuple[str, Any]]:
    """(label, file specification) of each attached file, the document's first, then the pages', in
    order; each label once ("report (2).pdf" for a second file of the same name)."""
    used: set[str] = set()
    specs: set[object] = set()  # a page's paper clip may show a file the document lists too
    for name, spec in itertools.islice(
        itertools.chain(_embedded_files(reader), _page_files(pages)), MAX_ATTACHMENTS
    ):
        key = (spec.idnum, spec.generation) if hasattr(spec, "idnum") else id(spec)
        if key in specs:
            continue
        specs.add(key)
        yield unique_label(clean_name(name), used), spec


def file_bytes(spec: Any) -> bytes | None:
    """The bytes a file specification embeds (``/EF /F`` or ``/UF``), None when it only names a file."""
    try:
        spec = spec.get_object()
        streams = spec.get("/EF")
        if streams is None:
            return None
        streams = streams.get_object()
        stream = streams.get("/F") or streams.get("/UF")
        data = stream.get_object().get_data() if stream is not None else None
    except Exception:  # a damaged stream costs the attachment, not the document
        return None
    return data if isinstance(data, bytes) else None


def read_attachments(reader: Any, pages: Any, nesting: Nesting) -> Gathered:
    """Every attached file read as a sub-document; none inside a container already two levels deep."""
    gathered = Gathered()
    if nesting.depth >= MAX_DEPTH:
        return gathered
    for label, spec in attached_files(reader, pages):
        data = None if label.lower() in INVOICE_DATA_NAMES else file_bytes(spec)
        if data is None:
            continue
        reason = nesting.budget.refuse(len(data))
        if reason is not None:
            gathered.note(label, reason)
            continue
        nesting.budget.add(len(data))
        gathered.add_member(label, label, data, nesting)
    return gathered


def find_attachment(reader: Any, pages: Any, label: str) -> tuple[str, bytes]:
    """The file name and bytes of the attachment whose part label is ``label`` (for Open)."""
    for found, spec in attached_files(reader, pages):
        if found == label:
            data = file_bytes(spec)
            if data is None:
                raise ExtractionFailed(f"{label}: the attachment is damaged.")
            return label, data
    raise ExtractionFailed(f"'{label}' is no longer attached to the PDF.")


def _spec_name(spec: Any, fallback: str) -> str:
    try:
        spec = spec.get_object()
        for key in ("/UF", "/F"):
            value = spec.get(key)
            if value is not None and str(value).strip():
                return str(value).replace("\\", "/").rsplit("/", 1)[-1]
    except Exception:
        pass
    return fallback


def _embedded_files(reader: Any) -> Iterator[tuple[str, Any]]:
    try:
        names = reader.trailer["/Root"].get_object().get("/Names")
        tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    except Exception:
        return
    if tree is None:
        return
    budget = [MAX_NAME_TREE_NODES]
    yield from _name_tree(tree, budget)


def _name_tree(node: Any, budget: list[int]) -> Iterator[tuple[str, Any]]:
    """The (key, value) pairs of a PDF name tree: /Names arrays in its leaves, /Kids below."""
    budget[0] -= 1
    if budget[0] < 0:
        return
    try:
        node = node.get_object()
        pairs = list(node.get("/Names") or [])
        kids = list(node.get("/Kids") or [])
    except Exception:
        return
    for i in range(0, len(pairs) - 1, 2):
        key = str(pairs[i])
        yield _spec_name(pairs[i + 1], key), pairs[i + 1]
    for kid in kids:
        yield from _name_tree(kid, budget)


def _page_files(pages: Any) -> Iterator[tuple[str, Any]]:
    for number in range(len(pages)):
        for ref in page_annotations(pages[number]):
            try:
                annotation = ref.get_object()
                if annotation.get("/Subtype") != "/FileAttachment" or annotation.get("/FS") is None:
                    continue
                spec = annotation["/FS"]
            except Exception:
                continue
            yield _spec_name(spec, f"attachment on page {number + 1}"), spec
