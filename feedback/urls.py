"""URLs of the feedback app, mounted at the site root: ``board/…`` is public, ``feedback/…`` is for staff.

This module has no ``app_name``: it nests the app's own patterns under the ``feedback`` namespace.
"""
from django.urls import include, path

from .views import board, digests, listening, messages

app_patterns = [*board.urlpatterns, *messages.urlpatterns, *digests.urlpatterns, *listening.urlpatterns]

urlpatterns = [
    path("", include((app_patterns, "feedback"))),
]
