"""`{{ text|statement_html }}`: an administrator's plain text as paragraphs, headings (a line
starting with ##) and lists (lines starting with -). Everything is escaped first."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def statement_html(text: str) -> SafeString:
    parts: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            parts.append(f"<h2>{escape(lines[0][3:])}</h2>")
            lines = lines[1:]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if lines and len(items) == len(lines):
            parts.append(str(format_html_join("", "<li>{}</li>", ((i,) for i in items))))
            parts[-1] = f"<ul>{parts[-1]}</ul>"
        elif lines:
            parts.append(f"<p>{escape(' '.join(lines))}</p>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
