"""{{ item.explanation|reason_lines }}: the engine's reasons for a match in the page's language."""

from django import template

from homeward import explanations

register = template.Library()


@register.filter
def reason_lines(explanation) -> list[str]:
    return explanations.lines(explanation)
