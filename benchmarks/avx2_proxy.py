"""Run a benchmark with the kernels an AVX2-only x86 CPU would run, on a CPU that has AVX-512 or AVX-VNNI.

    python benchmarks/avx2_proxy.py benchmarks/indexing.py --precision float32,auto
    python benchmarks/avx2_proxy.py benchmarks/encoder.py --passages 96

Most laptops and many servers (AMD Zen 2/3, Intel before Ice Lake) have AVX2 and no AVX-512, AVX-VNNI
or native bfloat16. Their int8 and float32 matmuls run other kernels than a newer CPU's, so the int8
speed-up measured on a newer CPU says little about them. This runs the given script in a child process
that picks the AVX2 kernels everywhere:

* torch: its documented switches (``ATEN_CPU_CAPABILITY=avx2``, ``MKL_ENABLE_INSTRUCTIONS=AVX2``,
  ``ONEDNN_MAX_CPU_ISA=AVX2``);
* ONNX Runtime has no switch: its kernel library reads the processor at load time. A copy of the
  installed ``onnxruntime`` package is made in a temporary folder and put first on ``PYTHONPATH``; in
  its binaries each ``xgetbv`` reports only the x87, SSE and AVX register state as enabled (so no
  AVX-512 kernel is chosen) and the AVX-VNNI test is skipped. The original package is not touched.
* the app's calibration signature (:mod:`desktop_search.core.model.precision`) loses its AVX-512, AMX
  and AVX-VNNI flags (a ``sitecustomize`` in the same folder), so calibration measures what it would
  measure there (bfloat16 is not native, so not timed) and stores its choice under a name marked
  "(AVX2 proxy)". Use a cache dir of its own (``DESKTOP_SEARCH_CACHE_DIR``) to keep that choice
  apart from this machine's.

A proxy, not the machine: the kernels are the AVX2 ones, the core running them is still this one
(clock, caches, how many 256-bit operations it issues per cycle). Compare ratios measured in the same
session, and name the CPU when reporting them. The patch is checked: the script stops if the
instructions it expects are not found (another ONNX Runtime build), rather than run unpatched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TORCH_ENV = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "DESKTOP_SEARCH_AVX2_PROXY": "1",
}
XGETBV = bytes.fromhex("0f01d0")
# push 7; pop rax: XCR0 = x87 | SSE | AVX state (3 bytes, as xgetbv); the code reads eax (and edx for
# the bits above 31, none of which a kernel choice between AVX2 and AVX-512 depends on)
XCR0_AVX_ONLY = bytes.fromhex("6a0758")
# mov eax,7; mov ecx,1; cpuid; test al,0x10 (AVX-VNNI); je …  -> the je becomes jmp (skip the VNNI kernels)
AVX_VNNI_TEST = bytes.fromhex("b807000000b9010000000fa2a81074")
JMP_SHORT = 0xEB

SITECUSTOMIZE = '''"""AVX2 proxy (benchmarks/avx2_proxy.py): the CPU signature without AVX-512 / AVX-VNNI."""
import os

try:
    from desktop_search.core.model import precision as _precision
except ImportError:  # another interpreter on the same PYTHONPATH
    _precision = None

if _precision is not None and os.environ.get("DESKTOP_SEARCH_AVX2_PROXY"):
    _read = _precision._cpu_model_and_flags

    def _avx2_only():
        name, flags = _read()
        kept = [f for f in flags if not f.startswith(("avx512", "amx")) and f != "avx_vnni"]
        return name + " (AVX2 proxy)", kept

    _precision._cpu_model_and_flags = _avx2_only
'''


def _sections(binary: Path) -> list[tuple[int, int, int]]:
    """(address, size, file offset) of each section, from ``objdump -h``."""
    out = subprocess.run(["objdump", "-h", str(binary)], capture_output=True, text=True, check=True).stdout
    sections = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit():
            sections.append((int(parts[3], 16), int(parts[2], 16), int(parts[5], 16)))
    return sections


def patch_binary(binary: Path) -> tuple[int, int]:
    """Patch ``binary`` in place; the number of xgetbv and AVX-VNNI sites changed."""
    data = bytearray(binary.read_bytes())
    sections = _sections(binary)
    out = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    xgetbv = 0
    for match in re.finditer(r"^\s*([0-9a-f]+):\s+xgetbv\s*$", out, re.M):
        address = int(match.group(1), 16)
        offset = next(address - s + o for s, size, o in sections if s <= address < s + size)
        if data[offset : offset + 3] != XGETBV:
            raise SystemExit(f"{binary.name}: no xgetbv at {address:#x}; not patched")
        data[offset : offset + 3] = XCR0_AVX_ONLY
        xgetbv += 1
    vnni = 0
    at = data.find(AVX_VNNI_TEST)
    while at != -1:
        data[at + len(AVX_VNNI_TEST) - 1] = JMP_SHORT
        vnni += 1
        at = data.find(AVX_VNNI_TEST, at + 1)
    binary.write_bytes(bytes(data))
    return xgetbv, vnni


def proxy_folder(target: Path | None = None) -> Path:
    """A folder holding the patched ``onnxruntime`` copy and the ``sitecustomize`` (made once, reused)."""
    import onnxruntime

    source = Path(onnxruntime.__file__).parent
    folder = target or Path(tempfile.gettempdir()) / f"desktop-search-avx2-proxy-{onnxruntime.__version__}"
    marker = folder / "patched.txt"
    if marker.exists():
        return folder
    if shutil.which("objdump") is None:
        raise SystemExit("objdump (binutils) is needed to find the instructions to patch")
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder / "onnxruntime")
    report = []
    for binary in sorted((folder / "onnxruntime" / "capi").glob("*.so*")):
        if binary.stat().st_size < 1_000_000:
            continue
        xgetbv, vnni = patch_binary(binary)
        if xgetbv == 0 or vnni == 0:
            raise SystemExit(
                f"{binary.name}: expected xgetbv and the AVX-VNNI test, found {xgetbv} and {vnni}"
            )
        report.append(f"{binary.name}: {xgetbv} xgetbv, {vnni} AVX-VNNI test")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    marker.write_text("\n".join(report) + "\n", encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, help="where to keep the patched copy (default: a temp folder)")
    parser.add_argument("script", help="the benchmark to run, e.g. benchmarks/indexing.py")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    args = parser.parse_args()
    folder = proxy_folder(args.folder)
    patched = (folder / "patched.txt").read_text(encoding="utf-8").strip()
    print(f"AVX2 proxy: {folder} ({patched})", flush=True)
    env = dict(os.environ, **TORCH_ENV)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder), env.get("PYTHONPATH", "")) if p)
    return subprocess.call([sys.executable, args.script, *args.args], env=env, cwd=REPO)


if __name__ == "__main__":
    sys.exit(main())
