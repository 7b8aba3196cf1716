#!/usr/bin/env bash
# Prove packaging/windows/installer.nsi is valid: build it with makensis (Linux) against a dummy
# bundle folder shaped like the PyInstaller output, and check the result is a Windows executable.
#   packaging/windows/test-nsis.sh            # installs nsis with apt-get when makensis is missing
# Output: packaging/build/nsis-test/desktop-search-test-setup.exe
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v makensis >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsis) >/dev/null
fi
work=packaging/build/nsis-test
rm -rf "$work" && mkdir -p "$work/bundle/_internal/models/intfloat--multilingual-e5-small"
bundle=$work/bundle
# Dummy bundle: the two executables, the internal folder and a model file, as PyInstaller lays them out.
printf 'MZ dummy console exe' >"$bundle/desktop-search.exe"
printf 'MZ dummy windowed exe' >"$bundle/desktop-search-gui.exe"
printf 'zip' >"$bundle/_internal/base_library.zip"
printf '{}' >"$bundle/_internal/models/intfloat--multilingual-e5-small/modules.json"
icon_args=()
if [[ -x packaging/build/venv/bin/python ]]; then
  packaging/build/venv/bin/python packaging/render_icons.py "$work/icons" >/dev/null 2>&1 \
    && icon_args=("-DICON=$PWD/$work/icons/desktop-search.ico")
fi
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop_search/__init__.py)
out=$PWD/$work/desktop-search-test-setup.exe
makensis -V2 -WX -DVERSION="$version" -DBUNDLE_DIR="$PWD/$bundle" -DOUTFILE="$out" "${icon_args[@]}" \
  packaging/windows/installer.nsi
file "$out" | tee /dev/stderr | grep -q 'PE32 executable (GUI) Intel 80386' \
  || { echo "makensis did not produce a Windows GUI executable" >&2; exit 1; }
# The installer must carry every bundle file (7-Zip, where installed, lists an NSIS archive).
if command -v 7z >/dev/null; then
  7z l "$out" | grep -q 'modules.json' || { echo "the model file is missing from the installer" >&2; exit 1; }
fi
echo "ok: $out ($(du -h "$out" | cut -f1))"
