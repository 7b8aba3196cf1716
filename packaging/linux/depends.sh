#!/usr/bin/env bash
# Print the .deb's Depends and Recommends fields (two lines) for a PyInstaller bundle: the Debian
# packages holding the system libraries its ELF files link to (what dpkg-shlibdeps would find).
# Libraries needed only by optional Qt plugins (GTK theme, Wayland, EGL devices) become Recommends,
# so the package installs on a plain X11 desktop without pulling GTK.
#   packaging/linux/depends.sh BUNDLE_DIR
set -euo pipefail
bundle=$(readlink -f "$1")
# Sonames Qt's xcb plugin needs that a build machine may lack (then ldd says "not found").
declare -A KNOWN=(
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-image.so.0]=libxcb-image0 [libxcb-render-util.so.0]=libxcb-render-util0
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0 [libxcb-xkb.so.1]=libxcb-xkb1 [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-randr.so.0]=libxcb-randr0 [libxcb-xinerama.so.0]=libxcb-xinerama0
)
optional_re='/plugins/(platformthemes|wayland-|egldeviceintegrations|platforms/libqwayland|platforms/libqeglfs|platforms/libqlinuxfb|platforms/libqvnc|platforms/libqvkkhrdisplay|platforms/libqminimalegl|xcbglintegrations|platforminputcontexts)'
declare -A required=() optional=()
while IFS= read -r -d '' file; do
  head -c 4 "$file" 2>/dev/null | grep -q $'\x7fELF' || continue
  kind=required; [[ $file =~ $optional_re ]] && kind=optional
  while read -r soname path; do
    if [[ $path == "not" ]]; then
      pkg=${KNOWN[$soname]:-}
      [[ -n $pkg ]] || { echo "warning: $soname (needed by ${file#"$bundle"/}) not found" >&2; continue; }
    else
      [[ $path == "$bundle"/* ]] && continue
      real=$(readlink -f "$path")
      pkg=$( (dpkg -S "$path" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null) \
        | head -n1 | cut -d: -f1) || true
      [[ -n $pkg ]] || { echo "warning: no package owns $path" >&2; continue; }
    fi
    if [[ $kind == required ]]; then required[$pkg]=1; else optional[$pkg]=1; fi
  done < <(ldd "$file" 2>/dev/null | awk '$2 == "=>" {print $1, ($3 == "not" ? "not" : $3)}')
done < <(find "$bundle" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0)
# torch and the PySide6 wheels are built for glibc 2.28 (manylinux_2_28).
required[libc6]=1
deps=$(printf '%s\n' "${!required[@]}" | sort -u | sed 's/^libc6$/libc6 (>= 2.28)/' | paste -sd, | sed 's/,/, /g')
recs=$(for p in "${!optional[@]}"; do [[ -n ${required[$p]:-} ]] || echo "$p"; done | sort -u | paste -sd, | sed 's/,/, /g')
echo "$deps"
echo "$recs"
