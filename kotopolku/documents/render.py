"""Render a `Document` as HTML, DOCX (python-docx) or PDF (WeasyPrint).

HTML comes in two forms: `render_html(doc)` is a complete, self-contained file (its own CSS);
`render_html_body(doc)` is the fragment that a page of the application embeds, styled by
`documents/document.css`. The PDF is the standalone HTML plus print rules: a running header and
page numbers on every page and a table of contents with page numbers.
"""

import io
from html import escape

from django.contrib.staticfiles import finders

from kotopolku.documents.fetcher import html_to_pdf
from kotopolku.documents.model import (
    BulletList,
    Chart,
    Document,
    Facts,
    Paragraph,
    Section,
    Table,
    numbered,
)

FORMATS = ("html", "docx", "pdf")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(document: Document, fmt: str, progress=None) -> bytes:
    """`progress(percent)`, when given, is told how far a slow PDF has come (background jobs)."""
    if fmt == "html":
        return render_html(document).encode()
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document, progress=progress)
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- HTML


def _text(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f'<table class="doc-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _block_html(block) -> str:
    if isinstance(block, Paragraph):
        cls = f' class="{block.style}"' if block.style else ""
        return f"<p{cls}>{_text(block.text)}</p>"
    if isinstance(block, BulletList):
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_text(i)}</li>" for i in block.items) + f"</{tag}>"
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Facts):
        return (
            '<dl class="doc-facts">'
            + "".join(f"<dt>{escape(k)}</dt><dd>{_text(v)}</dd>" for k, v in block.items)
            + "</dl>"
        )
    if isinstance(block, Chart):
        return (
            f'<figure class="doc-chart">{block.svg}<figcaption>{escape(block.title)}</figcaption>'
            f"</figure>{_table_html(block.table)}"
        )
    raise TypeError(type(block))


def render_html_body(document: Document, *, heading_offset: int = 0) -> str:
    """The document without <html>: title, table of contents and numbered sections."""
    entries = numbered(document)
    h1 = 1 + heading_offset
    parts = [f'<article class="programme-document" lang="{escape(document.language)}">']
    parts.append(f'<h{h1} class="doc-title">{escape(document.title)}</h{h1}>')
    if document.subtitle:
        parts.append(f'<p class="doc-subtitle">{escape(document.subtitle)}</p>')
    if document.meta:
        parts.append(_block_html(Facts(document.meta)))
    parts.append(
        f'<nav class="doc-toc" aria-labelledby="doc-toc-title"><h{h1 + 1} id="doc-toc-title">'
        f"{escape(document.contents_title)}</h{h1 + 1}><ol>"
    )
    for number, depth, section in entries:
        parts.append(
            f'<li class="toc-{depth}"><a href="#{section.anchor}">'
            f"{number} {escape(section.title)}</a></li>"
        )
    parts.append("</ol></nav>")

    def walk(sections: list[Section], prefix: str, depth: int) -> None:
        for index, section in enumerate(sections, start=1):
            number = f"{prefix}{index}"
            level = min(h1 + depth, 6)
            parts.append(f'<section aria-labelledby="{section.anchor}">')
            parts.append(
                f'<h{level} id="{section.anchor}">{number} {escape(section.title)}</h{level}>'
            )
            parts.extend(_block_html(b) for b in section.blocks)
            walk(section.subsections, f"{number}.", depth + 1)
            parts.append("</section>")

    walk(document.sections, "", 1)
    parts.append("</article>")
    return "".join(parts)


def _css() -> str:
    path = finders.find("documents/document.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_html(document: Document, *, extra_css: str = "", running_header: bool = False) -> str:
    """The standalone document. `extra_css` is the program's own CSS, never user text: text
    that a print header shows reaches the page as an escaped HTML element (`running_header`)
    that the print CSS moves into the page margin."""
    header = ""
    if running_header:
        header = (
            '<div class="doc-running-header" aria-hidden="true">'
            f"{escape(document.header or document.title)}</div>"
        )
    return (
        f'<!DOCTYPE html><html lang="{escape(document.language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(document.title)}</title><style>{_css()}{extra_css}</style></head>"
        f"<body>{header}{render_html_body(document)}</body></html>"
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character but letters, digits and spaces as a hex
    escape, so that no quote, newline, backslash or `</style>` can end the string or the
    stylesheet."""
    out = []
    for char in text:
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return '"' + "".join(out) + '"'


def html_csp(html: str) -> str:
    """A Content-Security-Policy for a standalone document: no scripts at all, and only its own
    inline stylesheet, allowed by hash (the site's policy forbids inline styles)."""
    import base64
    import hashlib
    import re

    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in styles
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


# ---------------------------------------------------------------- PDF


def _print_css(document: Document) -> str:
    # The running header (user text: a group's name, a region's name) is an HTML element, see
    # `render_html(running_header=True)`; the page label is a translation, escaped all the same.
    label = css_string(document.page_label + " ")
    return f"""
.doc-running-header {{ position: running(docheader); font-size: 9pt; color: #4a4a4a;
  text-align: center; }}
@page {{
  size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-center {{ content: element(docheader); }}
  @bottom-right {{ content: {label} counter(page) " / " counter(pages); font-size: 9pt; }}
}}
body {{ background: #fff; }}
.programme-document {{ max-width: none; }}
.doc-toc a::after {{ content: leader('.') target-counter(attr(href), page); }}
.doc-toc a {{ color: inherit; text-decoration: none; }}
.doc-toc {{ page-break-after: always; }}
h2 {{ page-break-after: avoid; }}
.doc-table {{ page-break-inside: auto; }}
.doc-table tr {{ page-break-inside: avoid; }}
.doc-table thead {{ display: table-header-group; }}
"""


def render_pdf(document: Document, progress=None) -> bytes:
    html = render_html(document, extra_css=_print_css(document), running_header=True)
    return html_to_pdf(html, progress=progress)


# ---------------------------------------------------------------- DOCX


def _docx_field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC) that Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _docx_toc(doc, lines: list[str]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(paragraph, kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        paragraph.add_run()._r.append(element)

    first = doc.add_paragraph()
    char(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    first.add_run()._r.append(instr)
    char(first, "separate")
    paragraph = first
    for index, line in enumerate(lines):
        if index:
            paragraph = doc.add_paragraph()
        paragraph.add_run(line)
    char(paragraph, "end")


def _docx_table(doc, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if table.caption:
        doc.add_paragraph(table.caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    header = grid.rows[0]
    # Repeat the header row on each page.
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(header.cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.add_paragraph()


def _docx_block(doc, block) -> None:
    if isinstance(block, Paragraph):
        paragraph = doc.add_paragraph(block.text)
        if block.style == "note":
            for run in paragraph.runs:
                run.italic = True
    elif isinstance(block, BulletList):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            doc.add_paragraph(item, style=style)
    elif isinstance(block, Table):
        _docx_table(doc, block)
    elif isinstance(block, Facts):
        grid = doc.add_table(rows=0, cols=2)
        grid.style = "Table Grid"
        for label, value in block.items:
            cells = grid.add_row().cells
            cells[0].text = ""
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].text = value
        doc.add_paragraph()
    elif isinstance(block, Chart):
        # Word cannot show SVG reliably; the chart's data table carries the same figures.
        doc.add_paragraph(block.title, style="Caption")
        _docx_table(doc, block.table)
    else:
        raise TypeError(type(block))


def render_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Docx()
    doc.core_properties.title = document.title
    doc.core_properties.language = document.language
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = document.header or document.title
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run(f"{document.page_label} ")
    _docx_field(foot, "PAGE", "1")
    foot.add_run(" / ")
    _docx_field(foot, "NUMPAGES", "1")

    doc.add_heading(document.title, level=0)
    if document.subtitle:
        doc.add_paragraph(document.subtitle)
    for label, value in document.meta:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    entries = numbered(document)
    doc.add_heading(document.contents_title, level=1)
    # A real TOC field; its result, spanning one paragraph per heading, lists the headings so
    # that the contents show even before Word or LibreOffice updates the field.
    lines = [f"{'    ' * (depth - 1)}{number} {entry.title}" for number, depth, entry in entries]
    _docx_toc(doc, lines)
    doc.add_page_break()

    for number, depth, entry in entries:
        doc.add_heading(f"{number} {entry.title}", level=min(depth, 9))
        for block in entry.blocks:
            _docx_block(doc, block)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
