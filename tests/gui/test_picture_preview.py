"""The real window previews a picture hit with the picture above its recognised text: an image file,
and a picture inside a mail (FuzzyOcr's real spam message: its text is only in the picture, whose GIF
data breaks off, so Pillow read it leniently and Qt reads what it can). A text hit shows no picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument

from desktop_search.gui.engine_bridge import ModelState
from desktop_search.gui.preview_controller import PICTURE_URL, preview_picture
from tests.core.test_ocr import text_image
from tests.gui.test_window_end_to_end import WAIT_MS, ProgressLog, engine_factory

SPAM = Path(__file__).resolve().parents[1] / "data" / "mail-fuzzyocr-broken-gif.eml"


def test_pictures_are_decoded_small_for_the_preview(tmp_path: Path) -> None:
    big = text_image(tmp_path / "wide.png", ["x"] * 60)  # 1,400 × 3,680: scaled to fit 1,600
    image = preview_picture(big.read_bytes())
    assert image is not None and max(image.width(), image.height()) == 1600
    assert preview_picture(b"not a picture") is None and preview_picture(None) is None


def _picture_shown(ctx) -> bool:
    document = ctx.window.search_view.preview.text.document()
    picture = document.resource(QTextDocument.ResourceType.ImageResource, PICTURE_URL)
    return picture is not None and "<img" in document.toHtml() and ctx.preview._picture is not None


@pytest.mark.model
def test_a_picture_hit_shows_its_picture(make_context, real_embedder, tmp_path, qtbot):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "spam.eml").write_bytes(SPAM.read_bytes())
    text_image(docs / "receipt.png", ["Invoice 4471 from Hansen Plumbing", "Repair of the kitchen boiler"])
    (docs / "notes.txt").write_text("The plumber comes on Monday to look at the boiler.\n")
    ctx = make_context(engine_factory(real_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    qtbot.waitUntil(lambda: log.done_with(3), timeout=WAIT_MS * 2)
    view = ctx.window.search_view

    for query, name, part in (
        ("Frankfurt stock exchange listing", "spam.eml", "sbillet.jpeg"),
        ("kitchen boiler invoice", "receipt.png", None),
    ):
        with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS) as got:
            view.box.setText(query)
            ctx.search.search_now()
        row = next(i for i, h in enumerate(got.args[0].hits) if h.path.endswith(name) and h.part == part)
        view.results.setCurrentIndex(view.model.index(row))
        qtbot.waitUntil(lambda: _picture_shown(ctx), timeout=WAIT_MS)
        assert view.preview.text.verticalScrollBar().value() == 0  # the picture in view, not scrolled by
        text = view.preview.text.toPlainText()
        assert ("Frankfurt" in text) if part else ("Hansen Plumbing" in text)  # the text, under it

    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS) as got:
        view.box.setText("when does the plumber come")
        ctx.search.search_now()
    row = next(i for i, h in enumerate(got.args[0].hits) if h.path.endswith("notes.txt"))
    view.results.setCurrentIndex(view.model.index(row))
    qtbot.waitUntil(lambda: "Monday" in view.preview.text.toPlainText(), timeout=WAIT_MS)
    assert ctx.preview._picture is None and "<img" not in view.preview.text.document().toHtml()
