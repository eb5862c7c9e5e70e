from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A site account. For a member the username is the plot number (the smallest one
    where a member has several); staff accounts may use any name."""

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        swappable = "AUTH_USER_MODEL"
