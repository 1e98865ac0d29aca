"""The cases pages."""

urlpatterns: list = []
