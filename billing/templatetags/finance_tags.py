from django import template

from billing.formatting import format_rub

register = template.Library()
register.filter("rub", format_rub, is_safe=True)
