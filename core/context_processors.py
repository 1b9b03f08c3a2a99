from core.navigation import links_for


def navigation(request):
    # Computed once per request, though included templates (tables) run the processors again.
    if not hasattr(request, "_navigation"):
        request._navigation = links_for(request.user) if hasattr(request, "user") else ()
    return {"navigation": request._navigation}
