"""Views of the feedback app, one module per area; each carries its own ``urlpatterns``."""
