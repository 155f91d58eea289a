"""django-axes with a second lockout: one address failing for many usernames.

Axes counts failures per username+IP pair (AXES_LOCKOUT_PARAMETERS) against one limit,
AXES_FAILURE_LIMIT. Adding "ip_address" to the parameters would apply that same limit of 5
to all the failures from an address, so one colleague's typos would lock out a whole
newsroom behind one NAT address. Here the address is locked instead once it has failed
for LOGIN_USERNAMES_PER_IP_LIMIT different usernames within the cool-off time: password
spraying, which stays under the per-pair limit by trying few passwords on many accounts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings


class DeskAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures axes compares with AXES_FAILURE_LIMIT: the pair's own, or the limit
        itself when the address has tried too many usernames (axes then locks it out)."""
        failures = super().get_failures(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        usernames = attempts.values("username").distinct().count()
        if usernames >= settings.LOGIN_USERNAMES_PER_IP_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
