"""The retrospectives pages."""

urlpatterns: list = []
