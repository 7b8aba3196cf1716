#!/usr/bin/env bash
# Smoke test of a built Linux installer, as a user would meet it:
#   packaging/smoke-test.sh [deb|tar|dir] [ARTIFACT]
#
# deb: unpacks the .deb into a temporary root (dpkg -x) and checks the package's files (launcher,
#      desktop entry, icons, control fields); tar: unpacks the portable tarball. Then, with a fresh
#      data folder, no Hugging Face cache and the network switched off for the model (dir: a bundle
#      folder, default packaging/build/pyi-dist/desktop-search, before packaging):
#   1. the bundled CLI indexes a small folder and a search finds the right file (also across languages,
#      and on a scanned page that only the bundled OCR can read);
#   2. the model came from the bundle: nothing was converted or downloaded into the data folder;
#   3. the bundled app starts hidden under Xvfb with a tray host (trayer), its tray icon appears in
#      the tray, and choosing Quit in the tray icon's menu ends it with exit code 0.
# Needs Xvfb, trayer, xdotool and xwininfo (../shared/scripts/virtual-desktop.sh installs them).
# Exit code 0 when every check passes; the last line says "smoke test passed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
kind=${1:-deb}
artifact=${2:-}
DIST=$ROOT/packaging/dist
T=$(mktemp -d "${TMPDIR:-/tmp}/ds-smoke.XXXXXX")
keep=${KEEP_SMOKE_DIR:-0}
cleanup() { [[ $keep == 1 ]] && echo "kept $T" || rm -rf "$T"; }
trap cleanup EXIT
ok() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; for f in "$T"/*.log "$T"/home/logs/*.log; do [[ -f $f ]] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }; done; exit 1; }

# --- unpack -------------------------------------------------------------------------------------------
case $kind in
  deb)
    artifact=${artifact:-$(ls -t "$DIST"/*.deb 2>/dev/null | head -n1)}
    [[ -f $artifact ]] || fail "no .deb in $DIST (run packaging/build-linux.sh)"
    dpkg-deb -x "$artifact" "$T/root"
    APP=$T/root/opt/desktop-search/desktop-search
    control=$(dpkg-deb -f "$artifact")
    grep -q '^Package: desktop-search$' <<<"$control" || fail "control: Package"
    grep -q '^Depends: .*libc6' <<<"$control" || fail "control: Depends lacks libc6"
    [[ -x $T/root/usr/bin/desktop-search ]] || fail "/usr/bin/desktop-search missing"
    grep -q '^exec /opt/desktop-search/desktop-search "\$@"' "$T/root/usr/bin/desktop-search" || fail "launcher"
    desktop=$T/root/usr/share/applications/desktop-search.desktop
    grep -q '^Exec=desktop-search' "$desktop" && grep -q '^Icon=desktop-search' "$desktop" || fail "desktop entry"
    for size in 16 22 24 32 48 64 128 256 512; do
      [[ -s $T/root/usr/share/icons/hicolor/${size}x${size}/apps/desktop-search.png ]] || fail "icon ${size}px missing"
    done
    [[ -s $T/root/usr/share/icons/hicolor/scalable/apps/desktop-search.svg ]] || fail "scalable icon missing"
    # Removing the package must not touch users' data: postrm names no home folder.
    dpkg-deb -e "$artifact" "$T/control"
    ! grep -Eq 'rm -rf? .*(HOME|~|/home|\.local|\.config|\.cache)' "$T/control/postrm" || fail "postrm deletes user data"
    ok "package layout: launcher, desktop entry, icons in 9 sizes + SVG, control, postrm keeps user data"
    ;;
  tar)
    artifact=${artifact:-$(ls -t "$DIST"/*.tar.gz 2>/dev/null | head -n1)}
    [[ -f $artifact ]] || fail "no .tar.gz in $DIST (run packaging/build-linux.sh)"
    mkdir -p "$T/root" && tar -xzf "$artifact" -C "$T/root"
    APP=$T/root/desktop-search/desktop-search
    ;;
  dir)  # a bundle folder as PyInstaller left it (quick check before packaging)
    artifact=${artifact:-$ROOT/packaging/build/pyi-dist/desktop-search}
    APP=$artifact/desktop-search
    ;;
  *) echo "usage: packaging/smoke-test.sh [deb|tar|dir] [ARTIFACT]" >&2; exit 2 ;;
esac
[[ -x $APP ]] || fail "bundled executable $APP missing"
ok "$(basename "$artifact") ($(du -sh "$artifact" | cut -f1)); bundle $(du -sh "$(dirname "$APP")" | cut -f1)"

# --- a clean user: fresh data folder, no model cache, no network for models --------------------------
export DESKTOP_SEARCH_HOME=$T/home HF_HOME=$T/hf HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export ANONYMIZED_TELEMETRY=False XDG_CONFIG_HOME=$T/xdg-config XDG_DATA_HOME=$T/xdg-data
unset DESKTOP_SEARCH_CACHE_DIR DESKTOP_SEARCH_PACKAGED_MODELS PYTHONPATH PYTHONHOME VIRTUAL_ENV
export PATH=/usr/local/bin:/usr/bin:/bin  # nothing from a development venv

mkdir -p "$T/docs/garden" "$T/docs/work"
cat >"$T/docs/garden/cactus.txt" <<'EOF'
Cacti store water in their stems. Water a cactus only when the soil has dried out completely,
about once a month in winter, and give it as much direct sunlight as you can.
EOF
cat >"$T/docs/work/invoice.md" <<'EOF'
# Rechnung 2024-117

Die Rechnung ist innerhalb von dreißig Tagen nach Erhalt ohne Abzug zu bezahlen.
Bei verspäteter Zahlung berechnen wir Verzugszinsen.
EOF
cat >"$T/docs/work/notes.html" <<'EOF'
<html><body><h1>Team offsite</h1><p>The offsite takes place in Lisbon in May; we travel by train
and stay three nights near the river.</p></body></html>
EOF

# RTF is extracted in the worker pool (a 'spawn' child: this bundle's executable started again), so
# indexing it proves multiprocessing works in the frozen app.
cat >"$T/docs/work/recipe.rtf" <<'EOF'
{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}}
\f0 Sourdough bread needs a starter of flour and water, fed daily for a week before baking.\par
}
EOF

# A scanned page (an image-only PDF, no text layer): the bundled Tesseract and its language models
# must recognise it, in the worker, so that a question finds it.
mkdir -p "$T/docs/scans" && cp "$ROOT/tests/data/debian-reference.en.scanned-page.pdf" "$T/docs/scans/scan.pdf"

"$APP" --version >"$T/version.log" 2>&1 || fail "--version"
ok "$(cat "$T/version.log")"

t0=$SECONDS
"$APP" index "$T/docs" >"$T/index.log" 2>&1 || fail "index exited with $?"
grep -q '5 indexed' "$T/index.log" || fail "index did not index the 5 files: $(cat "$T/index.log")"
ok "index: $(tail -n1 "$T/index.log") (wall $((SECONDS - t0)) s, model load included)"

search() {  # search QUERY EXPECTED_FILE
  "$APP" search --json -k 3 "$1" >"$T/search.json" 2>"$T/search.log" || fail "search '$1' exited with $?"
  top=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["path"] if r else "")' \
    "$T/search.json")
  [[ $top == *"/$2" ]] || fail "search '$1': top result is '$top', expected $2"
  ok "search '$1' → $(basename "$top")"
}
search "how often should I water my succulent plants" cactus.txt
search "when do I have to pay the bill" invoice.md  # English query, German passage
search "viagem de comboio para Lisboa" notes.html  # Portuguese query, English passage
search "baking bread with a starter" recipe.rtf  # extracted by a spawned worker
search "where is the official policy of the Debian archive defined" scan.pdf  # recognised by OCR

"$APP" status --json >"$T/status.json" 2>"$T/status.log" || fail "status"
python3 - "$T/status.json" <<'EOF' || fail "status does not report 5 files"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["files"]["indexed"] == 5, s
EOF
ok "status: 5 files indexed (one a scanned page)"

# The model must be the bundled one: no conversion into the cache, no hub download.
if find "$T/home" "$T/hf" -name 'model.safetensors' 2>/dev/null | grep -q .; then
  fail "a model was converted or downloaded at first run: $(find "$T/home" "$T/hf" -name model.safetensors)"
fi
ok "the model came from the bundle (nothing converted or downloaded)"

# --- the app in a desktop session with a tray --------------------------------------------------------
cat >"$T/gui-check.sh" <<'EOF'
#!/usr/bin/env bash
# Runs inside the virtual desktop: start the app hidden, find its icon in trayer, quit from its menu.
set -u
APP=$1 T=$2
"$APP" --hidden >"$T/gui.log" 2>&1 & pid=$!
icon=""
for _ in $(seq 240); do  # up to 120 s on a loaded machine
  kill -0 "$pid" 2>/dev/null || { echo "the app exited early"; exit 1; }
  for panel in $(xdotool search --classname '^panel$' 2>/dev/null); do
    # trayer's panel holds one embedded window per tray icon; Qt names ours after the application.
    icon=$(xwininfo -children -tree -id "$panel" 2>/dev/null | awk '/"Desktop Search"/ {print $1; exit}')
    [[ -n $icon ]] && break 2
  done
  sleep 0.5
done
[[ -n $icon ]] || { echo "no tray icon in trayer"; xwininfo -root -tree >"$T/xtree.log"; kill "$pid"; exit 1; }
echo "tray icon window $icon in trayer panel $panel"
sleep 2  # let the engine finish starting, so Quit also proves the indexer shuts down cleanly
# Right-click opens the tray menu; Up selects its last entry (Quit); Return chooses it.
xdotool mousemove --window "$icon" 8 8 click 3
sleep 1
xdotool key Up Return
for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then echo "still running 60 s after Quit"; kill "$pid"; exit 1; fi
wait "$pid"; code=$?
echo "exit code after Quit: $code"
exit "$code"
EOF
VD=$ROOT/../shared/scripts/virtual-desktop.sh
[[ -x $VD ]] || VD=/work/shared/scripts/virtual-desktop.sh
if [[ -x $VD ]]; then
  "$VD" -- bash "$T/gui-check.sh" "$APP" "$T" >"$T/tray.log" 2>&1 || fail "tray check: $(tail -n3 "$T/tray.log")"
else  # CI without shared/: the same desktop, started here (Xvfb + trayer from the distribution)
  Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
  export DISPLAY=:97; sleep 1
  trayer --edge top --align right --widthtype request --height 24 >/dev/null 2>&1 & tray=$!
  sleep 1
  bash "$T/gui-check.sh" "$APP" "$T" >"$T/tray.log" 2>&1 || { kill $tray $xvfb; fail "tray check: $(tail -n3 "$T/tray.log")"; }
  kill $tray $xvfb 2>/dev/null || true
fi
ok "$(grep 'tray icon window' "$T/tray.log")"
ok "$(grep 'exit code after Quit' "$T/tray.log")"
if grep -E 'Traceback|Error|CRITICAL' "$T/gui.log" >/dev/null; then
  echo "note: the app wrote errors to stderr:" && grep -E 'Traceback|Error|CRITICAL' "$T/gui.log" | head -n 5
fi
echo "smoke test passed ($kind)"
