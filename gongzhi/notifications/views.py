from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.http import AuthedRequest
from gongzhi.notifications import selectors, services
from gongzhi.notifications.forms import PreferenceForm
from gongzhi.notifications.models import NotificationPreference


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.notification_mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications:inbox")


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own delivery choices (nobody else can see or change them)."""
    pref = (NotificationPreference.objects.filter(user=request.user).first()
            or NotificationPreference(user=request.user))
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your delivery settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "form": form, "has_phone": bool(request.user.phone),
        "has_email": bool(request.user.email),
    })
