from hienmau.orgs.models import Membership


def active_unit(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = request.scope
    return {
        "scope": scope if scope else None,
        "memberships": Membership.objects.for_user(user),
    }
