from core.navigation import links_for


def navigation(request):
    return {"navigation": links_for(request.user) if hasattr(request, "user") else []}
