"""A Jupyter notebook reads as its Markdown, code and text outputs, its headings heading its sections:
chromadb's density_relevance.ipynb (as installed with chromadb), whose pictures in base64 made it
"minified code" that was not read at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.kinds import kind_by_name
from desktop_search.core.extract.notebook import extract_notebook
from desktop_search.core.extract.results import Deadline
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
NOTEBOOK = DATA / "notebook-chromadb-density-relevance.ipynb"


def test_the_notebook_reads_as_sections_of_prose_code_and_output() -> None:
    notebook = extract_file(NOTEBOOK)
    check_offsets(notebook)
    assert notebook.kind == "notebook" and kind_by_name("analysis.ipynb") == "notebook"
    by_heading = {s.heading: s.text for s in notebook.sections}
    data_loading = by_heading["Density based retrieval relevance › Preliminaries › Data loading"]
    assert "We load the dataset into a local persistent instance of Chroma" in data_loading
    assert "chroma_client = chromadb.PersistentClient(" in data_loading  # its code cell
    assert "Number of questions with support:  10481" in notebook.text  # a printed output
    assert '"cell_type"' not in notebook.text and "image/png" not in notebook.text
    assert "# Install required packages" in notebook.text  # a code comment, not a heading


def test_outputs_errors_and_files_that_are_not_notebooks() -> None:
    cells = [
        {"cell_type": "code", "source": ["1 / 0"], "outputs": [
            {"output_type": "error", "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}
        ]},
        {"cell_type": "code", "source": "print('x' * 5000)", "outputs": [
            {"output_type": "stream", "text": "x" * 5000},
            {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}},
        ]},
    ]  # fmt: skip
    text = extract_notebook(json.dumps({"cells": cells}).encode(), Deadline(10)).text
    assert "ZeroDivisionError: division by zero" in text and "\x1b" not in text
    assert "x" * 2000 + " …" in text and "x" * 2001 not in text and "<Figure>" not in text
    assert extract_notebook(b"not json at all", Deadline(10)).text == "not json at all"


@pytest.mark.model
def test_a_notebook_is_found_by_its_prose(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(NOTEBOOK, docs / "density.ipynb")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "how was the relevance score evaluated")
    assert hits[0].path.endswith("density.ipynb") and hits[0].heading.startswith("Density based retrieval")
