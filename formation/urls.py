app_name = "formation"
urlpatterns: list = []
