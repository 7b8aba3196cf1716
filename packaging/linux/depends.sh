#!/usr/bin/env bash
# Print the .deb's Depends and Recommends fields (two lines) for a PyInstaller bundle: the Debian
# packages holding the system libraries its ELF files link to (what dpkg-shlibdeps would find).
# Libraries needed only by optional Qt plugins (GTK theme, Wayland, EGL devices) become Recommends,
# so the package installs on a plain X11 desktop without pulling GTK.
#   packaging/linux/depends.sh BUNDLE_DIR
set -euo pipefail
bundle=$(readlink -f "$1")
# Sonames a build machine may lack (ldd then says "not found"), with the Debian/Ubuntu package.
declare -A KNOWN=(
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-image.so.0]=libxcb-image0 [libxcb-render-util.so.0]=libxcb-render-util0
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0 [libxcb-xkb.so.1]=libxcb-xkb1 [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-randr.so.0]=libxcb-randr0 [libxcb-xinerama.so.0]=libxcb-xinerama0
  [libwayland-cursor.so.0]=libwayland-cursor0 [libwayland-client.so.0]=libwayland-client0
  [libwayland-egl.so.1]=libwayland-egl1 [libgtk-3.so.0]=libgtk-3-0 [libgdk-3.so.0]=libgtk-3-0
)
optional='/plugins/(platformthemes|wayland-|egldeviceintegrations|platforms/libq(wayland|eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)|xcbglintegrations|platforminputcontexts)|/libQt6(Wayland|Wl|EglFs)'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Libraries the bundle carries itself (the bootloader puts _internal on the search path at run time,
# even where ldd, run here without it, resolves them to the system's copy).
declare -A bundled=()
while IFS= read -r name; do bundled[$name]=1; done < <(find "$bundle" -name '*.so*' -printf '%f\n')
# 1. "kind soname path" for every library an ELF file of the bundle links to, outside the bundle.
while IFS= read -r -d '' file; do
  [[ $(head -c 4 "$file" 2>/dev/null | od -An -c | tr -d ' ') == '177ELF' ]] || continue
  kind=required; [[ $file =~ $optional ]] && kind=optional
  ldd "$file" 2>/dev/null | awk -v k="$kind" -v b="$bundle/" \
    '$2 == "=>" { p = ($3 == "not" ? "-" : $3); if (index(p, b) != 1) print k, $1, p }'
done < <(find "$bundle" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0) | sort -u >"$work/links"
# 2. One dpkg -S for all the paths found (by the path ldd gives, or its real path on merged /usr).
awk '$3 != "-" {print $3}' "$work/links" | sort -u >"$work/paths"
declare -A owner=()
while read -r path; do
  for candidate in "$path" "$(readlink -f "$path")"; do
    for p in "$candidate" "${candidate#/usr}" "/usr$candidate"; do echo "$p"; done
  done
done <"$work/paths" | sort -u >"$work/candidates"
xargs -a "$work/candidates" dpkg -S 2>/dev/null | sed 's/^\([^:,]*\)[^ ]* \(.*\)$/\1 \2/' >"$work/owners" || true
while read -r pkg file; do owner[$file]=$pkg; done <"$work/owners"
declare -A required=() recommended=()
while read -r kind soname path; do
  [[ -n ${bundled[$soname]:-} ]] && continue
  pkg=""
  if [[ $path == - ]]; then
    pkg=${KNOWN[$soname]:-}
  else
    real=$(readlink -f "$path")
    for p in "$path" "$real" "${path#/usr}" "${real#/usr}" "/usr$path" "/usr$real"; do
      [[ -n ${owner[$p]:-} ]] && { pkg=${owner[$p]}; break; }
    done
  fi
  [[ -n $pkg ]] || { echo "warning: no package known for $soname ($path)" >&2; continue; }
  if [[ $kind == required ]]; then required[$pkg]=1; else recommended[$pkg]=1; fi
done <"$work/links"
# torch and the PySide6 wheels are built for glibc 2.28 (manylinux_2_28).
required[libc6]=1
deps=$(printf '%s\n' "${!required[@]}" | sort -u | sed 's/^libc6$/libc6 (>= 2.28)/' | paste -sd, | sed 's/,/, /g')
recs=$(for p in "${!recommended[@]}"; do [[ -n ${required[$p]:-} ]] || echo "$p"; done | sort -u | paste -sd, \
  | sed 's/,/, /g')
echo "$deps"
echo "$recs"
