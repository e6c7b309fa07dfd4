"""Small helpers views share: fetch-or-404 with a permission check, community lookup."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from gongzhi.places.models import Community


def require_perm(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def community_or_404(slug: str) -> Community:
    return get_object_or_404(Community.objects.select_related("subdistrict"), slug=slug,
                             is_active=True)
