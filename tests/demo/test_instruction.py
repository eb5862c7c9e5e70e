from pathlib import Path

from demo.instruction import instruction_blocks

INSTRUCTION = Path(__file__).resolve().parents[2] / "demo" / "files" / "instruction.txt"


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


def test_a_forms_screenshot_text_becomes_a_form_preview():
    text = (
        "1. Введите логин и пароль.\n\nНомер участка (логин) \\* ?\n\nнапример, 123\n\nПароль \\*\n\n"
        "Войти\n\nЗабыли пароль?\n\n2. Дальше.\n"
    )
    blocks = instruction_blocks(text)
    assert blocks[1] == (
        "form_preview",
        {
            "title": "",
            "fields": [
                {
                    "label": "Номер участка (логин)",
                    "required": True,
                    "has_help": True,
                    "value": "",
                    "placeholder": "например, 123",
                    "note": "",
                },
                {"label": "Пароль", "required": True, "has_help": False, "value": "", "placeholder": "", "note": ""},
            ],
            "buttons": ["Войти", "Забыли пароль?"],
        },
    )
    assert blocks[2] == ("paragraph", "<p>2. Дальше.</p>")


def test_a_form_title_a_typed_value_and_loose_buttons():
    text = (
        "# Инструкция\n\nТекст.\n\n# Вход\n\nПароль \\*\n\nВойти\n\n"
        "И потом нажать сохранить.\n\nСохранить\n\nОтмена\n\n"
        " Мобильный \n\n89031221105\n\nСтатус оплат\n\n№\tСумма\n269\t7 200,00\n"
    )
    blocks = instruction_blocks(text)
    kinds = [kind for kind, _ in blocks]
    assert kinds == ["paragraph", "form_preview", "paragraph", "form_preview", "form_preview", "table"]
    assert blocks[1][1]["title"] == "Вход"
    assert blocks[3][1] == {"title": "", "fields": [], "buttons": ["Сохранить", "Отмена"]}
    assert blocks[4][1]["fields"][0]["label"] == "Мобильный" and blocks[4][1]["fields"][0]["value"] == "89031221105"
    assert blocks[5][1]["table_caption"] == "Статус оплат"


def test_the_real_instruction_has_its_three_forms_and_table_titles():
    blocks = instruction_blocks(INSTRUCTION.read_text(encoding="utf-8"))
    forms = [value for kind, value in blocks if kind == "form_preview"]
    assert [f["title"] for f in forms if f["fields"] and f["fields"][0]["required"]] == [
        "",
        "Зарегистрироваться",
        "Номера Ваших участков",
    ]
    assert forms[2]["fields"][0]["value"] == "269,270"
    captions = [value["table_caption"] for kind, value in blocks if kind == "table"]
    assert captions == ["Статус моих оплат от 26 апреля 2022", "", "Мое электричество"]
    paragraphs = " ".join(str(value) for kind, value in blocks if kind == "paragraph")
    for loose in ("<p>Войти</p>", "<p>Пароль *</p>", "<p>Сохранить</p>", "<p>269</p>"):
        assert loose not in paragraphs
