"""Pages of the work area, one module per topic, each with its own ``urlpatterns``."""
