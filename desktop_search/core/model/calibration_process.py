"""The real model's calibration in a spawned process, so its memory never adds to the app's.

Calibrating loads the model once per candidate precision (a few hundred MB each) while the app may
already hold its own copy for indexing: measured in the app's process, that peaked at 2.5 GB. Here the
candidates are loaded, timed and compared in a child process (``spawn``: no copy of the parent's
memory or threads), which sends back the :class:`~desktop_search.core.model.calibration.Calibration` as
plain data and exits, returning its memory to the OS. The processor is shared as before: calibration
is timed while the app indexes, as it always was.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

TIMEOUT_S = 900.0  # a busy 2-core CPU takes about a minute; this only stops a hung child


def _child_main(model_folder: str, precisions: tuple[str, ...], onnx_folder: str, pipe: Connection) -> None:
    from desktop_search.core.model.calibration import calibrate
    from desktop_search.core.model.candidates import model_candidates

    try:
        folder = Path(onnx_folder) if onnx_folder else None
        calibration = calibrate(model_candidates(Path(model_folder), precisions, folder), repeats=1)
        pipe.send(
            {
                "choice": calibration.choice,
                "results": [
                    [r.precision, r.passages_per_s, r.agreement, r.error] for r in calibration.results
                ],
            }
        )
    except BaseException as exc:  # the parent logs it and keeps float32
        pipe.send({"error": f"{type(exc).__name__}: {exc}"[:500]})
    finally:
        pipe.close()


def calibrate_in_subprocess(
    model_folder: Path, precisions: Sequence[str], onnx_folder: Path | None, timeout_s: float = TIMEOUT_S
) -> Any:
    """:func:`~desktop_search.core.model.calibration.calibrate` of the real model's ``precisions`` (int8
    needs ``onnx_folder``) in a spawned process; its Calibration, or RuntimeError with the reason."""
    from desktop_search.core.model.calibration import Calibration, CandidateResult

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        args=(str(model_folder), tuple(precisions), str(onnx_folder or ""), sender),
        name="desktop-search-calibration",
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise RuntimeError(f"calibration gave no answer in {timeout_s:.0f} s")
        payload = receiver.recv()
    except EOFError:
        raise RuntimeError("the calibration process ended without an answer") from None
    finally:
        receiver.close()
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()
    if "error" in payload:
        raise RuntimeError(payload["error"])
    results = tuple(
        CandidateResult(str(p), float(speed), float(agreement), str(error))
        for p, speed, agreement, error in payload["results"]
    )
    return Calibration(str(payload["choice"]), results)
