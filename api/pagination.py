"""Issue 14: long lists are paged by cursor — stable while rows are added, and no COUNT over a province."""
from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ListCursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
