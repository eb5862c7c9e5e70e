"""The feedback form's fields: answers that cannot forge lines of the board's email."""

import re

from django import forms
from wagtail.contrib.forms.forms import FormBuilder

# Everything str.splitlines() breaks a line on, besides the CR LF pair.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class SingleLineField(forms.CharField):
    """A one-line answer: line breaks become spaces, so it cannot add lines to the board's email."""

    def to_python(self, value):
        value = super().to_python(value)
        return LINE_BREAK.sub(" ", value).strip() if value else value


class MultiLineField(forms.CharField):
    """A multi-line answer with every kind of line break turned into a plain newline."""

    def to_python(self, value):
        value = super().to_python(value)
        return LINE_BREAK.sub("\n", value) if value else value


class ContactFormBuilder(FormBuilder):
    """Wagtail's form builder with the text fields above."""

    def create_singleline_field(self, field, options):
        options["max_length"] = 255
        return SingleLineField(**options)

    def create_multiline_field(self, field, options):
        options.setdefault("widget", forms.Textarea)
        return MultiLineField(**options)

    def create_hidden_field(self, field, options):
        options.setdefault("widget", forms.HiddenInput)
        return SingleLineField(**options)
