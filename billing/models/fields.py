"""Fields that several settings share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def day_of_month_field(verbose_name: str, *, default: int, help_text: str = "") -> models.PositiveSmallIntegerField:
    """A day of the month from 1 to 28: every month has it, February too."""
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=help_text,
    )
