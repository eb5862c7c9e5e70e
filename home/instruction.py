"""Turns the member instruction (markdown-like text) into ContentPage StreamField blocks.

Headings become heading blocks, tab-separated lines become tables, bullet lists and
paragraphs become rich text. English screenshot descriptions are left out: the page
is Russian; `(#)` links point to the feedback form.
"""

import html
import re

LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
SHORT_LINE = 45


def _inline(text: str, form_link: str) -> str:
    text = html.escape(text.replace("\\*", "*").strip(), quote=False)

    def link(match: re.Match) -> str:
        label, url = match.group(1), match.group(2)
        if url in ("", "#"):
            return f"{form_link}{label}</a>" if form_link else label
        return f'<a href="{html.escape(url)}">{label}</a>'

    text = LINK.sub(link, text)
    return BOLD.sub(r"<b>\1</b>", text)


def _table(rows: list[list[str]]) -> dict:
    """A TableBlock value; a group title in the header row and a row with only its first cell
    filled (a period such as «01 Мая 2022 года - 01 Июня 2022 года») span the empty cells after them."""
    width = max(len(row) for row in rows)
    data = [[cell.strip() for cell in row] + [""] * (width - len(row)) for row in rows]
    merges = []
    for col, cell in enumerate(data[0]):
        if cell:
            span = 1
            while col + span < width and not data[0][col + span]:
                span += 1
            if span > 1:
                merges.append((0, col, span))
    for row_index, row in enumerate(data[1:], start=1):
        if row[0] and not any(row[1:]) and width > 1:
            merges.append((row_index, 0, width))
    return {
        "data": data,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": "",
        "mergeCells": [{"row": r, "col": c, "rowspan": 1, "colspan": span} for r, c, span in merges],
        "cell": [{"row": r, "col": c + i, "hidden": True} for r, c, span in merges for i in range(1, span)],
    }


def instruction_blocks(text: str, *, form_page_id: int | None = None) -> list[tuple[str, object]]:
    """(block type, value) pairs for `ContentPage.body`, in the order of the text."""
    form_link = f'<a linktype="page" id="{form_page_id}">' if form_page_id else ""
    blocks: list[tuple[str, object]] = []
    paragraph: list[str] = []
    bullets: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if bullets:
            items = "".join(f"<li>{item}</li>" for item in bullets)
            blocks.append(("paragraph", f"<ul>{items}</ul>"))
            bullets.clear()
        if paragraph:
            blocks.append(("paragraph", f"<p>{'<br/>'.join(paragraph)}</p>"))
            paragraph.clear()
        if table:
            blocks.append(("table", _table(table)))
            table.clear()

    hard_break = False  # the previous line ended with two spaces: markdown's line break
    for raw in text.splitlines():
        stripped = raw.strip()
        continues = hard_break
        hard_break = raw.endswith("  ") and bool(stripped)
        if "\t" in raw:
            if not table:
                flush()
            table.append(raw.split("\t"))
            continue
        if table:
            flush()
        if not stripped or stripped.startswith("The screenshot"):
            flush()
            continue
        if stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            if level == 1 and not blocks:
                continue  # the page title already says it
            title = BOLD.sub(r"\1", LINK.sub(r"\1", stripped.lstrip("#").strip()))
            blocks.append(("heading", title.replace("\\*", "*")))
            continue
        if stripped.startswith("- "):
            if paragraph:
                flush()
            bullets.append(_inline(stripped[2:], form_link))
            continue
        if bullets and continues:
            bullets[-1] += "<br/>" + _inline(stripped, form_link)
            continue
        if bullets or (paragraph and (len(stripped) > SHORT_LINE or len(paragraph[-1]) > SHORT_LINE)):
            flush()
        paragraph.append(_inline(stripped, form_link))
    flush()
    return blocks
