from django import template

from home.menu import menu_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu_items(context):
    """`{% main_menu_items as items %}`: the main menu of this request's site (see home.menu)."""
    request = context.get("request")
    return menu_items(request) if request is not None else []
