from .scoping import grants_of


def roles(request):
    """The user's role rows for the header and the home page (one query, cached on the user)."""
    user = getattr(request, "user", None)
    grants = grants_of(user) if user is not None else ()
    return {"user_grants": grants, "user_roles": {g.role for g in grants}}
