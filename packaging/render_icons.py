"""Render the app icon (SVG) into the raster files installers need, with Qt's own SVG renderer.

    python packaging/render_icons.py OUT_DIR

Writes OUT_DIR/hicolor/<N>x<N>/apps/desktop-search.png (+ scalable/apps/desktop-search.svg) for the
Linux icon theme, OUT_DIR/desktop-search.ico for Windows (PyInstaller and NSIS), and
OUT_DIR/desktop-search.iconset/ for macOS (`iconutil -c icns` turns it into an .icns there).
Uses desktop_search/resources/icon.svg, or packaging/placeholder-icon.svg when that is missing.
"""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ICON = ROOT / "desktop_search" / "resources" / "icon.svg"
PLACEHOLDER = ROOT / "packaging" / "placeholder-icon.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICONSET = {  # name in the .iconset → pixel size (Apple's iconutil naming)
    f"icon_{s}x{s}{suffix}.png": s * scale
    for s in (16, 32, 128, 256, 512)
    for suffix, scale in (("", 1), ("@2x", 2))
}


def _render(renderer, size: int, path: Path) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"could not encode a {size}px PNG")
    png = bytes(data.data())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return png


def _write_ico(pngs: dict[int, bytes], path: Path) -> None:
    """A multi-size .ico holding PNG images (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    path.write_bytes(header + entries + blobs)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    source = APP_ICON if APP_ICON.is_file() else PLACEHOLDER
    if source is PLACEHOLDER:
        print(f"warning: {APP_ICON} is missing; using the placeholder icon", file=sys.stderr)

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(["render_icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source} is not a valid SVG")
    hicolor = out / "hicolor"
    for size in HICOLOR_SIZES:
        _render(renderer, size, hicolor / f"{size}x{size}" / "apps" / "desktop-search.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, hicolor / "scalable" / "apps" / "desktop-search.svg")
    pngs = {size: _render(renderer, size, out / "ico" / f"{size}.png") for size in ICO_SIZES}
    _write_ico(pngs, out / "desktop-search.ico")
    for name, size in ICONSET.items():
        _render(renderer, size, out / "desktop-search.iconset" / name)
    del app
    print(f"icons from {source.relative_to(ROOT)} written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
