from django.utils.functional import SimpleLazyObject

from hienmau.orgs.models import Membership
from hienmau.orgs.scoping import build_scope, superuser_scope

ACTIVE_MEMBERSHIP_SESSION_KEY = "hienmau.active_membership"


def acting_membership(request) -> Membership | None:
    """The membership the signed-in user acts as: the one chosen in this session, else the first granted."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.for_user(user)
    chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    membership = memberships.filter(pk=chosen).first() if chosen else None
    return membership or memberships.order_by("pk").first()  # first granted, until the user switches


def resolve_scope(request):
    membership = acting_membership(request)
    if membership is not None:
        return build_scope(membership)
    if request.user.is_authenticated and request.user.is_superuser:
        return superuser_scope()
    return None


class ActiveUnitMiddleware:
    """Puts `request.scope` (the acting membership's reach) on every request, computed on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: resolve_scope(request))
        return self.get_response(request)
