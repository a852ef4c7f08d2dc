"""A small, format-neutral document tree that every renderer understands.

A domain app builds a `Document` of `Section`s holding blocks (paragraphs, lists, tables,
definition lists, charts); `render_html`, `render_docx` and `render_pdf` turn the same tree
into each format. Sections are numbered by the renderers, so a builder can add or leave out
a section without renumbering anything.
"""

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "", "lead" or "note"


@dataclass
class BulletList:
    items: list[str]
    numbered: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[int] | None = None  # relative column widths, for DOCX and PDF


@dataclass
class Facts:
    """Label–value pairs, a definition list in HTML and a two-column table in DOCX."""

    items: list[tuple[str, str]]


@dataclass
class Chart:
    """An SVG chart with its data table, which is always shown next to it (accessibility)."""

    svg: str
    title: str
    table: Table


Block = Paragraph | BulletList | Table | Facts | Chart


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)
    anchor: str = ""


@dataclass
class Document:
    title: str
    language: str
    subtitle: str = ""
    header: str = ""  # the running header of every PDF page
    contents_title: str = "Contents"
    page_label: str = "Page"
    sections: list[Section] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)  # shown under the title


def numbered(document: Document) -> list[tuple[str, int, Section]]:
    """Every section with its number ("3", "3.2") and depth, in reading order."""
    out: list[tuple[str, int, Section]] = []

    def walk(sections: list[Section], prefix: str, depth: int) -> None:
        for index, section in enumerate(sections, start=1):
            number = f"{prefix}{index}"
            if not section.anchor:
                section.anchor = "s-" + number.replace(".", "-")
            out.append((number, depth, section))
            walk(section.subsections, f"{number}.", depth + 1)

    walk(document.sections, "", 1)
    return out
