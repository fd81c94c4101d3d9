"""Pages of the access area, one module per topic; each module defines its ``urlpatterns``."""
