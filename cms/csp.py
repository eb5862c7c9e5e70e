"""Content-Security-Policy: strict on the public site and the cabinet, relaxed in Wagtail's admin.

Wagtail 8's admin still runs inline scripts (date pickers, inline panels, choosers), so only
paths under ADMIN_CONTENT_SECURITY_POLICY_PREFIXES get ADMIN_CONTENT_SECURITY_POLICY_UPDATE
added to the policy of CONTENT_SECURITY_POLICY; members' pages keep `script-src 'self'`.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _as_list(values: object) -> list:
    """django-csp accepts one source as a plain string or several as any iterable."""
    if values is None:
        return []
    return [values] if isinstance(values, str) else list(values)


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefixes = tuple(getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY_PREFIXES", ()))
        if not report_only and prefixes and request.path_info.startswith(prefixes):
            update = {key: _as_list(values) for key, values in (parts.update or {}).items()}
            for key, values in getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY_UPDATE", {}).items():
                update[key] = [*update.get(key, []), *_as_list(values)]
            parts.update = update
        return parts
