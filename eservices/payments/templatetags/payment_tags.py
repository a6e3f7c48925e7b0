from django import template

from ..money import format_vnd, vnd_in_words

register = template.Library()
register.filter("vnd", format_vnd)
register.filter("vnd_words", vnd_in_words)
