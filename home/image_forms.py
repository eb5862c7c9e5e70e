"""The editors' image form: Wagtail's, with the pixel limit explained in Russian."""

from wagtail.images.forms import BaseImageForm

TOO_MANY_PIXELS = (
    "Изображение слишком большое: %(num_pixels)s пикселей, допускается не больше %(max_pixels_count)s. "
    "Уменьшите его (например, до 5000 × 5000) и загрузите снова."
)


class ImageForm(BaseImageForm):
    """Wagtail leaves this message untranslated; WAGTAILIMAGES_IMAGE_FORM_BASE points here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].error_messages["file_too_many_pixels"] = TOO_MANY_PIXELS
