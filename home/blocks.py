"""StreamField blocks of the content pages: what an editor may put on Устав, Финансы, Помощь."""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

TABLE_OPTIONS = {
    "startRows": 3,
    "startCols": 3,
    "colHeaders": False,
    "rowHeaders": False,
    "contextMenu": True,
    "editor": "text",
    "stretchH": "all",
    "language": "ru-RU",
}


class HeadingBlock(blocks.CharBlock):
    class Meta:
        template = "home/blocks/heading.html"
        icon = "title"
        label = "Заголовок"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="изображение")
    alt = blocks.CharBlock(label="описание для незрячих (alt)", required=False)
    caption = blocks.CharBlock(label="подпись", required=False)

    class Meta:
        template = "home/blocks/image.html"
        icon = "image"
        label = "Изображение"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="документ")
    title = blocks.CharBlock(label="текст ссылки", required=False, help_text="По умолчанию — название документа.")

    class Meta:
        template = "home/blocks/document.html"
        icon = "doc-full"
        label = "Документ"


class FormFieldPreviewBlock(blocks.StructBlock):
    label = blocks.CharBlock(label="название поля")
    required = blocks.BooleanBlock(label="обязательное («*»)", required=False)
    has_help = blocks.BooleanBlock(label="есть подсказка («?»)", required=False)
    value = blocks.CharBlock(label="что в поле введено", required=False)
    placeholder = blocks.CharBlock(label="подсказка в пустом поле", required=False)
    note = blocks.CharBlock(label="пояснение под полем", required=False)


class FormPreviewBlock(blocks.StructBlock):
    """A picture of a form of the site drawn in its own styles: for instructions («нажмите
    «Войти»»), readable by a screen reader and at any width, unlike a screenshot."""

    title = blocks.CharBlock(label="заголовок формы", required=False)
    fields = blocks.ListBlock(FormFieldPreviewBlock(), label="поля", required=False)
    buttons = blocks.ListBlock(blocks.CharBlock(label="кнопка"), label="кнопки", required=False)

    class Meta:
        template = "home/blocks/form_preview.html"
        icon = "form"
        label = "Образец формы"


class ContentBlocks(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label="Текст",
        features=["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
        template="home/blocks/paragraph.html",
    )
    image = ImageBlock()
    document = DocumentBlock()
    table = TableBlock(label="Таблица", table_options=TABLE_OPTIONS, template="home/blocks/table.html")
    form_preview = FormPreviewBlock()
