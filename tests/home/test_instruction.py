from pathlib import Path

from home.instruction import instruction_blocks

INSTRUCTION = Path(__file__).resolve().parents[2] / "home" / "demo_files" / "instruction.txt"


def test_markdown_like_text_becomes_blocks():
    text = "# Заголовок страницы\n\n## Раздел\n\n- первый  \nпродолжение\n- второй\n\nСм. [форму](#).\n"
    blocks = instruction_blocks(text, form_page_id=7)
    assert blocks == [
        ("heading", "Раздел"),
        ("paragraph", "<ul><li>первый<br/>продолжение</li><li>второй</li></ul>"),
        ("paragraph", '<p>См. <a linktype="page" id="7">форму</a>.</p>'),
    ]


def test_tab_separated_lines_become_a_table_with_spanning_rows():
    text = "№\tПоказания\t\tРасход\n\tДень\tНочь\t\nМай 2022\t\t\t\n269\t9012\t2901\t520\n"
    ((kind, table),) = instruction_blocks(text)
    assert kind == "table"
    assert table["data"][0] == ["№", "Показания", "", "Расход"]
    assert {"row": 0, "col": 1, "rowspan": 1, "colspan": 2} in table["mergeCells"]
    assert {"row": 2, "col": 0, "rowspan": 1, "colspan": 4} in table["mergeCells"]
    assert {"row": 2, "col": 3, "hidden": True} in table["cell"]


def test_the_real_instruction_keeps_its_numbers_and_drops_english():
    blocks = instruction_blocks(INSTRUCTION.read_text(encoding="utf-8"))
    tables = [value for kind, value in blocks if kind == "table"]
    cells = {cell for table in tables for row in table["data"] for cell in row}
    assert {"4370.41", "4121.45", "7 200,00"} <= cells
    text = " ".join(str(value) for kind, value in blocks if kind != "table")
    assert "Внимание!" in text
    assert "The screenshot" not in text
