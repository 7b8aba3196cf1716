"""Text a program formatted for a terminal, reduced to the letters a terminal shows.

Two kinds of such text are saved to files as they are: colour and style escapes (a build or test log
captured with colours forced, ``\\x1b[1;31mFAILED\\x1b[0m``; groff's output, as in man-db's manual in
``/usr/share/doc``, ``\\x1b[1mman-db\\x1b[0m``) and overstrikes, nroff's bold and underline (``N\\bNA\\bA``,
``_\\bf_\\bi_\\bl_\\be``: a manual page formatted to a file). Read as they are, the escapes split words
("[4mGraeme[24m") and overstruck text was too full of control bytes to be read at all.
"""

from __future__ import annotations

import re

# Control Sequence Introducer: colours, styles, cursor moves ("\x1b[1;31m", "\x1b[2K")
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# Operating System Commands: window titles, hyperlinks ("\x1b]8;;https://…\x1b\\"), ended by BEL or ST
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
# the rest: character set selection ("\x1b(B"), keypad modes, a lone ESC
_OTHER_ESCAPE = re.compile(r"\x1b(?:[()*+][0-9A-Za-z]|[@-Z\\-_=>]|)")
# a letter struck over by the one after the backspace: "N\bN" is a bold N, "_\bN" an underlined one
_STRUCK_OVER = re.compile(r"[^\n\x08]\x08")
# the same in bytes, for telling such text from binary data (see encoding.looks_binary)
STRUCK_OVER_BYTES = re.compile(rb"[^\x00-\x1f]\x08")


def terminal_text(text: str) -> str:
    """``text`` without terminal escapes and with overstruck letters as the letter shown."""
    if "\x1b" in text:
        text = _OTHER_ESCAPE.sub("", _OSC.sub("", _CSI.sub("", text)))
    if "\x08" in text:
        text = _STRUCK_OVER.sub("", text).replace("\x08", "")
    return text
