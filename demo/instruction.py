"""Turns the member instruction (markdown-like text) into ContentPage StreamField blocks.

Headings become heading blocks, tab-separated lines become tables (a short title line just
above one becomes its caption), bullet lists and paragraphs become rich text. The text of a
form's screenshot (lines «Пароль \\*», «например, 123», «Войти») becomes a «form_preview»
block: the form drawn in the site's styles. English screenshot descriptions are left out:
the page is Russian; `(#)` links point to the feedback form.
"""

import html
import re

LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
FIELD = re.compile(r"^(?P<label>.*\S)\s*\\\*\s*(?P<help>\?)?$")  # «Пароль \*», «Номер участка \* ?»
SHORT_TITLE = 45
BUTTON_MAX = 30
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


def _is_title(line: str) -> bool:
    """A short line that names what follows: no sentence, list, number or emphasis."""
    return (
        0 < len(line) <= SHORT_TITLE
        and not line.endswith((".", ":", "!"))
        and not line.startswith(("#", "-", "*", "\t"))
        and not re.match(r"\d+\.", line)
    )


def _is_button(line: str) -> bool:
    return (
        0 < len(line) <= BUTTON_MAX
        and line[0].isupper()
        and not line.endswith((".", ":"))
        and not any(c.isdigit() for c in line)
    )


def _is_value(line: str) -> bool:
    """What a screenshot shows typed into a field: «269,270», or its hint «например, 123»."""
    return len(line) <= SHORT_TITLE and (
        line.lower().startswith("например") or any(c.isdigit() or c == "@" for c in line)
    )


def _form_preview(lines: list[str], start: int, title: str) -> tuple[dict, int]:
    """The form whose first field is at `start`; returns its block value and the index after it."""
    fields: list[dict] = []
    buttons: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        field = FIELD.match(line)
        if field and not buttons:
            label = field.group("label").replace("\\*", "*")
            fields.append({"label": label, "required": True, "has_help": bool(field.group("help"))})
            fields[-1].update(value="", placeholder="", note="")
        elif fields and not buttons and _is_value(line) and not (fields[-1]["value"] or fields[-1]["placeholder"]):
            key = "placeholder" if line.lower().startswith("например") else "value"
            fields[-1][key] = line
        elif fields and not buttons and fields[-1]["value"] and not fields[-1]["note"] and line.endswith("."):
            fields[-1]["note"] = line
        elif _is_button(line):
            buttons.append(line)
        else:
            break
        index += 1
    return {"title": title, "fields": fields, "buttons": buttons}, index


def _table(rows: list[list[str]], caption: str = "") -> dict:
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
        "table_caption": caption,
        "mergeCells": [{"row": r, "col": c, "rowspan": 1, "colspan": span} for r, c, span in merges],
        "cell": [{"row": r, "col": c + i, "hidden": True} for r, c, span in merges for i in range(1, span)],
    }


def instruction_blocks(text: str, *, form_page_id: int | None = None) -> list[tuple[str, object]]:
    """(block type, value) pairs for `ContentPage.body`, in the order of the text."""
    form_link = f'<a linktype="page" id="{form_page_id}">' if form_page_id else ""
    return _loose_form_parts(_Reader(text.splitlines(), form_link).blocks())


class _Reader:
    """One pass over the instruction's lines: the paragraph, list or table being gathered is
    written out as a block when a line of another kind (or a blank line) ends it."""

    def __init__(self, lines: list[str], form_link: str):
        self.lines = lines
        self.form_link = form_link
        self.index = 0
        self.result: list[tuple[str, object]] = []
        self.paragraph: list[str] = []
        self.bullets: list[str] = []
        self.table: list[list[str]] = []
        self.table_caption = ""
        self.form_heading: str | None = None
        self.hard_break = False  # the previous line ended with two spaces: markdown's line break

    def blocks(self) -> list[tuple[str, object]]:
        while self.index < len(self.lines):
            raw = self.lines[self.index]
            self.index += 1
            stripped = raw.strip()
            if FIELD.match(stripped) and "\t" not in raw:
                self._form()
                continue
            continues = self.hard_break
            self.hard_break = raw.endswith("  ") and bool(stripped)
            if "\t" in raw:
                if not self.table:
                    self._flush()
                    self.table_caption = self._caption_from_last_paragraph()
                self.table.append(raw.split("\t"))
            else:
                self._line(stripped, continues=continues)
        self._flush()
        return self.result

    def _flush(self) -> None:
        if self.bullets:
            items = "".join(f"<li>{item}</li>" for item in self.bullets)
            self.result.append(("paragraph", f"<ul>{items}</ul>"))
            self.bullets.clear()
        if self.paragraph:
            self.result.append(("paragraph", f"<p>{'<br/>'.join(self.paragraph)}</p>"))
            self.paragraph.clear()
        if self.table:
            self.result.append(("table", _table(self.table, self.table_caption)))
            self.table.clear()

    def _caption_from_last_paragraph(self) -> str:
        """A lone short line right above a table (or a form) is its title."""
        blocks = self.result
        if blocks and blocks[-1][0] == "paragraph":
            match = re.fullmatch(r"<p>([^<]*)</p>", blocks[-1][1])
            if match and _is_title(html.unescape(match.group(1))):
                blocks.pop()
                return html.unescape(match.group(1))
        return ""

    def _form(self) -> None:
        """The screenshot of a form starts at the current line: titled by the heading or the short line above."""
        self._flush()
        blocks = self.result
        if blocks and blocks[-1][0] == "heading" and blocks[-1][1] == self.form_heading:
            title = blocks.pop()[1]
        else:
            title = self._caption_from_last_paragraph()
        if blocks and blocks[-1][0] == "paragraph" and re.fullmatch(r"<p>\d+</p>", blocks[-1][1]):
            blocks.pop()  # the plot number on the screenshot's user card, not a line of the text
        value, self.index = _form_preview(self.lines, self.index - 1, title)
        blocks.append(("form_preview", value))
        self.hard_break = False

    def _line(self, stripped: str, *, continues: bool) -> None:
        """A line without tabs: a heading, a list item or its continuation, or paragraph text."""
        if self.table:
            self._flush()
        if not stripped or stripped.startswith("The screenshot"):
            self._flush()
        elif stripped.startswith("#"):
            self._flush()
            self._heading(stripped)
        elif stripped.startswith("- "):
            if self.paragraph:
                self._flush()
            self.bullets.append(_inline(stripped[2:], self.form_link))
        elif self.bullets and continues:
            self.bullets[-1] += "<br/>" + _inline(stripped, self.form_link)
        else:
            if self.bullets or (
                self.paragraph and (len(stripped) > SHORT_LINE or len(self.paragraph[-1]) > SHORT_LINE)
            ):
                self._flush()
            self.paragraph.append(_inline(stripped, self.form_link))

    def _heading(self, stripped: str) -> None:
        level = len(stripped) - len(stripped.lstrip("#"))
        if level == 1 and not self.result:
            return  # the page title already says it
        title = BOLD.sub(r"\1", LINK.sub(r"\1", stripped.lstrip("#").strip()))
        self.result.append(("heading", title.replace("\\*", "*")))
        self.form_heading = title if level == 1 else None  # a form's title on its screenshot


def _plain(block: tuple[str, object]) -> str | None:
    """The text of a one-line plain paragraph block, else None."""
    if block[0] != "paragraph":
        return None
    match = re.fullmatch(r"<p>([^<]*)</p>", str(block[1]))
    return html.unescape(match.group(1)).strip() if match else None


def _loose_field(blocks: list[tuple[str, object]], index: int) -> dict | None:
    """A label paragraph over a typed number (« Мобильный », «89031221105»): a field without «*»."""
    text = _plain(blocks[index])
    following = _plain(blocks[index + 1]) if index + 1 < len(blocks) else None
    if not (text and following and _is_title(text) and not _is_value(text) and re.fullmatch(r"\d{5,}", following)):
        return None
    return {"label": text, "required": False, "has_help": False, "value": following, "placeholder": "", "note": ""}


def _loose_form_parts(blocks: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Screenshot text outside a form with «*» fields: a label over a typed number is a field;
    buttons named after «нажмите …» («Сохранить», «Отмена») are buttons."""
    result: list[tuple[str, object]] = []
    index = 0
    while index < len(blocks):
        if field := _loose_field(blocks, index):
            result.append(("form_preview", {"title": "", "fields": [field], "buttons": []}))
            index += 2
            continue
        text = _plain(blocks[index])
        previous = str(result[-1][1]) if result and result[-1][0] == "paragraph" else ""
        if text and _is_button(text) and re.search(r"нажм|нажат", previous, re.IGNORECASE):
            buttons = []
            while index < len(blocks) and (button := _plain(blocks[index])) and _is_button(button):
                if _loose_field(blocks, index):
                    break
                buttons.append(button)
                index += 1
            result.append(("form_preview", {"title": "", "fields": [], "buttons": buttons}))
            continue
        result.append(blocks[index])
        index += 1
    return result
