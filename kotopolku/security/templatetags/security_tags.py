from django import template

from kotopolku.access.oidc import oidc_enabled

register = template.Library()


@register.simple_tag
def sso_enabled() -> bool:
    return oidc_enabled()
