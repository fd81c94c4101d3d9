"""URLs of the classifiers area: every topic module in ``views`` brings its own ``urlpatterns``."""

from tugi.classifiers.views import changes, classifiers, dictionary

app_name = "classifiers"

urlpatterns = [*classifiers.urlpatterns, *changes.urlpatterns, *dictionary.urlpatterns]
