"""LaTeX sources read as the typeset document reads: the Hagenberg thesis templates' English lab
report and a German tutorial chapter (real files, as TeX Live ships them in Debian, gzipped), and
small sources written here for what they do not hold."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.dispatch import choose_kind

DATA = Path(__file__).resolve().parents[1] / "data"
LAB_REPORT = DATA / "latex-hagenberg-lab-report.en.tex.gz"
CHAPTER_DE = DATA / "latex-hagenberg-tutorial-chapter.de.tex.gz"


def test_a_report_reads_under_its_title_and_sections_without_its_commands() -> None:
    extracted = extract_file(LAB_REPORT)
    assert extracted.kind == "latex"
    first = extracted.sections[0]
    assert first.heading == "MTD362 Digital Imaging – WS 2020/21 Lab Report"  # the preamble's \title
    assert "Alex A. Wiseguy" in first.text  # its \author, under it
    headings = [s.heading for s in extracted.sections]
    assert "The first assignment › Structuring" in headings
    text = extracted.text
    for markup in ("\\label", "\\begin{", "\\cite", "\\includegraphics", "\\footnote", "%%", "\\emph"):
        assert markup not in text
    # a wrapped paragraph is one line; a listing keeps its lines; a footnote's URL stays
    assert "Describe the goals of the assignment briefly in your own words (i.e., do not just" in text
    assert "import ij.ImagePlus;\nimport ij.plugin.filter.PlugInFilter;" in text
    assert "https://github.com/Digital-Media/HagenbergThesis" in text


def test_a_german_chapter_file_without_a_preamble() -> None:
    extracted = extract_file(CHAPTER_DE)
    assert extracted.kind == "latex"
    software = next(
        s for s in extracted.sections if s.heading == "Zum Arbeiten mit LaTeX › Einstieg › Software"
    )
    assert "Die aktuelle Version von LaTeX ist LaTeX2e" in software.text
    assert "Zum lokalen Arbeiten mit LaTeX werden zwei Dinge benötigt:" in software.text  # "\latex\ "
    assert "LaTeX-Installation (Distribution)," in software.text.splitlines()  # an \item, a line
    assert "z. B. Scientific WorkPlace" in extracted.text  # the tutorial's own \zB


def test_accents_babel_shorthands_tables_and_maths(tmp_path: Path) -> None:
    path = tmp_path / "paper.tex"
    path.write_text(
        "\\documentclass{article}\n\\usepackage[ngerman]{babel}\n\\newcommand{\\tool}{Okular}\n"
        '\\begin{document}\n\\section{Einf"uhrung}\\label{sec:intro}\n'
        'Die Gr"o"se der {\\"U}bung, \\\'etude -- siehe~\\ref{tab} und \\cite{knuth}. % a comment\n'
        "Wir lesen mit \\tool{} und $\\alpha$-Strahlen.\n\\[ E = mc^2 \\]\n"
        '\\begin{tabular}{|l|r|}\\hline Name & Wert \\\\ Gr"o"se & 3 \\\\ \\hline\\end{tabular}\n'
        "\\end{document}\n",
        encoding="utf-8",
    )
    extracted = extract_file(path)
    assert extracted.kind == "latex"
    assert extracted.sections[0].heading == "Einführung"
    lines = extracted.text.splitlines()
    assert "Die Größe der Übung, étude – siehe und . Wir lesen mit Okular und α-Strahlen." in lines
    assert "Name \tWert" in lines and "Größe \t3" in lines
    assert "mc" not in extracted.text and "comment" not in extracted.text


def test_what_is_not_latex_stays_text(tmp_path: Path) -> None:
    assert choose_kind("hyph-de.tex", b"\\patterns{\n.ab1a\n.abi4\n}\n") == "text"
    macros = tmp_path / "macros.tex"
    macros.write_text("% vectors\n\\newcommand{\\va}{\\bm{a}}\n\\newcommand{\\vb}{\\bm{b}}\n")
    extracted = extract_file(macros)  # definitions only: its source is what it says
    assert extracted.kind == "text" and "\\newcommand{\\va}" in extracted.text


def test_short_verbatim_is_read_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "guide.tex"
    path.write_text(
        "\\documentclass{article}\\usepackage{shortvrb}\\MakeShortVerb{\\|}\n\\begin{document}\n"
        "\\section{Chapters}\nA chapter begins with |\\chapter{<title>}|, not 18pt bold.\n\\end{document}\n",
        encoding="utf-8",
    )
    extracted = extract_file(path)
    assert [s.heading for s in extracted.sections] == ["Chapters"]
    assert "A chapter begins with \\chapter{<title>}, not 18pt bold." in extracted.text
