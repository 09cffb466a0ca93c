"""How often a reader may triage: a paste of up to 1 MB costs the server up to a second or two,
so readers get ``PASTES_PER_MINUTE`` per address, counted by every worker and server together
(``analytics.limits``); staff (those who may edit) are not counted."""
from ..analytics.limits import client_address, within_budget
from ..editing.permissions import can_edit

PASTES_PER_MINUTE = 20
RETRY_AFTER = "60"


def allowed(request):
    if can_edit(request.user):
        return True
    return within_budget("triage", client_address(request), PASTES_PER_MINUTE, 60)
