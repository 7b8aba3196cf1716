"""Image files (PNG, JPEG, TIFF, WebP, BMP, GIF) through Pillow, their text recognised by :mod:`.ocr`.

A multi-page TIFF gives one section per page, numbered from 1; a GIF or an animated WebP is read by
its first frame. An image with more than :data:`MAX_IMAGE_PAGES` pages is skipped with a reason, and
a damaged or oversized one fails with a reason: neither stops the other files.

An image whose data breaks off or goes wrong part way (a cut-off download; the pictures of image spam,
built to break filters but still shown by mail programs) is read for what decodes, as a browser or a
mail program shows it, with :data:`results.CUT_OFF_IMAGE_NOTE`; only an image of which nothing decodes
is damaged.
"""

from __future__ import annotations

import io
import threading
import warnings

from desktop_search.core.extract import ocr
from desktop_search.core.extract.ocr_reasons import IMAGE_OCR_OFF
from desktop_search.core.extract.results import (
    CUT_OFF_IMAGE_NOTE,
    NO_TEXT_IN_PICTURE,
    OCR_PAGE_BUDGET_S,
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    NeedsOcr,
    Part,
    assemble,
)

MAX_IMAGE_PAGES = 500
MAX_PIXELS = 80_000_000  # per frame: a 10,000 × 8,000 scan; beyond it is a decompression bomb
MULTI_PAGE_FORMATS = frozenset({"TIFF", "MPO"})
OCR_OFF_REASON = IMAGE_OCR_OFF
_LENIENT = threading.Lock()  # Pillow's leniency is a module setting: one lenient decode at a time


def _open(data: bytes):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.size  # noqa: B018 - read the header now
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExtractionFailed("The image is too large to read (over 80 megapixels).") from None
    except UnidentifiedImageError:
        raise ExtractionFailed("The image is damaged or in a format that is not recognised.") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ExtractionFailed("The image is damaged and cannot be read.") from None
    if image.width * image.height > MAX_PIXELS:
        raise ExtractionFailed("The image is too large to read (over 80 megapixels).")
    return image


DECORATION_PIXELS = 40_000  # below it (a 200 × 200 square, a 400 × 100 banner) a picture is a logo
DECORATION_SIDE = 40  # or an icon, a rule, a spacer or a tracking pixel: too small for text worth reading


def decoration(data: bytes) -> bool:
    """Whether a picture is too small to hold text worth a run of OCR (a signature's logo, an icon, a
    tracking pixel); False when its size cannot be told (it is read, and fails with a reason)."""
    try:
        width, height = _open(data).size
    except ExtractionFailed:
        return False
    return width * height < DECORATION_PIXELS or min(width, height) < DECORATION_SIDE


def page_count(image) -> int:
    if image.format not in MULTI_PAGE_FORMATS:
        return 1
    try:
        image.seek(MAX_IMAGE_PAGES)  # frames are found one by one: stop counting past the limit
        return MAX_IMAGE_PAGES + 1
    except EOFError:
        return max(1, int(getattr(image, "n_frames", 1)))
    except (OSError, ValueError, SyntaxError):
        raise ExtractionFailed("The image is damaged: its pages cannot be counted.") from None


def _frame(data: bytes, image, number: int) -> tuple[object, bool]:
    """Page ``number`` of ``image`` decoded, and whether only part of it decoded (read leniently after a
    strict read failed). Raises OSError, ValueError, SyntaxError or EOFError when nothing decodes (a
    lenient read that gives one flat colour decoded nothing: the rest is filled with zeros)."""
    try:
        image.seek(number)
        frame = image.copy()
        frame.load()
        return frame, False
    except (OSError, ValueError, SyntaxError, EOFError):
        pass
    from PIL import ImageFile

    with _LENIENT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = True
        try:
            fresh = _open(data)  # the failed decode may have left the first object half-read
            fresh.seek(number)
            frame = fresh.copy()
            frame.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before
    if all(low == high for low, high in _extrema(frame)):
        raise OSError("nothing of the image decodes")
    return frame, True


def _extrema(frame) -> list[tuple[float, float]]:
    """Each band's (lowest, highest) value."""
    found = frame.getextrema()
    return list(found) if isinstance(found[0], tuple) else [found]


def extract_image(data: bytes, deadline: Deadline, ocr_mode: str = "on") -> Extracted:
    """Recognise the text of each page of an image; ``ocr_mode`` is 'on', 'off' or 'defer'."""
    if ocr_mode == "off":
        raise FileSkipped(OCR_OFF_REASON)
    image = _open(data)
    count = page_count(image)
    if count > MAX_IMAGE_PAGES:
        raise FileSkipped(f"The image has more than {MAX_IMAGE_PAGES} pages; such images are not read.")
    if ocr_mode == "defer":
        raise NeedsOcr
    if not ocr.available():
        raise FileSkipped(ocr.UNAVAILABLE_REASON)
    parts: list[Part] = []
    partial = False
    for number in range(count):
        deadline.extend(OCR_PAGE_BUDGET_S)
        deadline.check()
        try:
            frame, cut_off = _frame(data, image, number)
        except (OSError, ValueError, SyntaxError, EOFError, ExtractionFailed):
            if number == 0:
                raise ExtractionFailed("The image is damaged and cannot be read.") from None
            partial = True
            break  # a truncated multi-page file: keep the pages read so far
        partial = partial or cut_off
        parts.append(Part(ocr.recognise(frame), page=number + 1 if count > 1 else None))
    notes = (CUT_OFF_IMAGE_NOTE,) if partial else ()
    result = assemble(
        parts, "image", page_count=count if count > 1 else None, notes=notes, ocr_pages=len(parts)
    )
    if not result.text:
        raise FileSkipped(NO_TEXT_IN_PICTURE)
    return result
