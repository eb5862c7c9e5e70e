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
