app_name = "mutualisation"
urlpatterns: list = []
