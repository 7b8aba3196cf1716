"""Jupyter notebooks (``.ipynb``): their Markdown cells, code cells and text outputs, read as one
Markdown document, so the notebook's headings head its sections ("Density based retrieval relevance ›
Data loading").

Read as code, a notebook was its JSON: every cell quoted in ``"source": [...]`` lists, and outputs with
pictures as base64 lines of hundreds of thousands of characters, which made most notebooks "minified
code" that was not read at all. Here a code cell is a fenced block (its ``# comments`` are no headings);
a text output (a printed line, a result's plain-text form, an error's traceback without its terminal
colours) follows its cell, cut at :data:`MAX_OUTPUT_CHARS`; pictures, HTML and widget outputs are not
text. A file that is not a notebook's JSON is read as plain text.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.markdown import split_markdown
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import fold_heading_only
from desktop_search.core.extract.terminal import terminal_text

MAX_OUTPUT_CHARS = 2000  # of one output's text: a printed table or a traceback, not a dump


def _text(value: Any) -> str:
    """A notebook field that is a string or a list of lines."""
    if isinstance(value, list):
        return "".join(str(line) for line in value)
    return value if isinstance(value, str) else ""


def _output_text(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        text = _text(output.get("text"))
    elif kind in ("execute_result", "display_data"):
        data = output.get("data") or {}
        text = _text(data.get("text/plain")) if "text/plain" in data and len(data) == 1 else ""
        if not text and "text/markdown" in data:
            text = _text(data.get("text/markdown"))
    elif kind == "error":
        text = "\n".join(_text(line) for line in output.get("traceback") or [])
    else:
        text = ""
    text = terminal_text(text).strip()
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS].rstrip() + " …"


def notebook_markdown(notebook: dict[str, Any]) -> str:
    """The notebook as one Markdown document: Markdown cells as they are, code cells and their text
    outputs fenced."""
    cells = notebook.get("cells")
    if not isinstance(cells, list):  # nbformat 3 kept its cells in worksheets
        cells = [c for sheet in notebook.get("worksheets") or [] for c in sheet.get("cells") or []]
    blocks: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = _text(cell.get("source", cell.get("input"))).strip("\n")
        kind = cell.get("cell_type")
        if kind == "markdown" or kind == "heading":
            blocks.append(source)
        elif kind == "code":
            if source.strip():
                blocks.append(f"````\n{source}\n````")
            outputs = [_output_text(o) for o in cell.get("outputs") or [] if isinstance(o, dict)]
            blocks.extend(f"````\n{text}\n````" for text in outputs if text)
        elif source.strip():  # raw cells
            blocks.append(source)
    return "\n\n".join(block for block in blocks if block.strip())


def extract_notebook(data: bytes, deadline: Deadline) -> Extracted:
    text = decode_text(data)
    try:
        notebook = json.loads(text)
    except ValueError:
        notebook = None
    if not isinstance(notebook, dict):
        return assemble([Part(text)], "notebook")
    parts = fold_heading_only(split_markdown(notebook_markdown(notebook)))
    return assemble(parts, "notebook")
