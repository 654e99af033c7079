"""Views of the supervision app, one module per area; each carries its own ``urlpatterns``."""
