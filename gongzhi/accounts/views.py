"""Sign-in, consent, profile, joining a community, privacy export and deletion."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import services
from gongzhi.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    ConsentForm,
    DeleteAccountForm,
    EmailSignupForm,
    InviteRedeemForm,
    JoinForm,
    PasswordLoginForm,
    PhoneForm,
    ProfileForm,
)
from gongzhi.accounts.models import Membership, OneTimeCode
from gongzhi.core import ratelimit
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404
from gongzhi.core.middleware import form_reports_bad_input
from gongzhi.core.request_info import client_ip
from gongzhi.core.selectors import public_communities

LOGIN_TARGET = "gz_login_target"
NEXT_KEY = "gz_next"
BACKEND = "gongzhi.accounts.backends.LoginPasswordBackend"


def _remember_next(request: HttpRequest) -> None:
    nxt = request.GET.get("next") or request.POST.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        request.session[NEXT_KEY] = nxt


def _after_login(request: HttpRequest, user) -> HttpResponseRedirect:
    login(request, user, backend=BACKEND)
    if user.language:
        request.session["_language"] = user.language
    if not services.has_current_consent(user):
        return redirect("accounts:consent")
    return redirect(request.session.pop(NEXT_KEY, None) or reverse("core:home"))


def login_phone(request: HttpRequest) -> HttpResponse:
    _remember_next(request)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            ratelimit.hit("signin_code", request=request)
            services.otp_request(channel=OneTimeCode.Channel.SMS, target=phone,
                                 ip=client_ip(request))
        except (services.RateLimited, ratelimit.RateLimited) as exc:
            form.add_error("phone", exc.message)
        else:
            request.session[LOGIN_TARGET] = phone
            return redirect("accounts:login_code")
    return render(request, "accounts/login_phone.html", {"form": form})


def login_code(request: HttpRequest) -> HttpResponse:
    target = request.session.get(LOGIN_TARGET)
    if not target:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.otp_verify(target=target, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            request.session.pop(LOGIN_TARGET, None)
            return _after_login(request, user)
    from gongzhi.core.phone import mask_phone

    return render(request, "accounts/login_code.html",
                  {"form": form, "masked_target": mask_phone(target)})


@require_POST
def login_code_resend(request: HttpRequest) -> HttpResponse:
    target = request.session.get(LOGIN_TARGET)
    if not target:
        return redirect("accounts:login")
    try:
        ratelimit.hit("signin_code", request=request)
        services.otp_request(channel=OneTimeCode.Channel.SMS, target=target,
                             ip=client_ip(request))
        messages.success(request, _("A new code has been sent."))
    except (services.RateLimited, ratelimit.RateLimited) as exc:
        messages.error(request, exc.message)
    return redirect("accounts:login_code")


def login_password(request: HttpRequest) -> HttpResponse:
    _remember_next(request)
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_login(login=form.cleaned_data["login"],
                                           password=form.cleaned_data["password"],
                                           ip=client_ip(request))
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
        else:
            if user is None:
                form.add_error(None, _("The number / e-mail or the password is not right."))
            else:
                return _after_login(request, user)
    return render(request, "accounts/login_password.html", {"form": form})


def signup_email(request: HttpRequest) -> HttpResponse:
    form = EmailSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_signup_with_email(
            email=form.cleaned_data["email"], password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
        )
        return _after_login(request, user)
    return render(request, "accounts/signup_email.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:home")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html",
                  {"version": settings.PRIVACY_NOTICE_VERSION})


@login_required
def consent(request: AuthedRequest) -> HttpResponse:
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(user=request.user, ip=client_ip(request))
        return redirect(request.session.pop(NEXT_KEY, None) or reverse("core:home"))
    return render(request, "accounts/consent.html",
                  {"form": form, "version": settings.PRIVACY_NOTICE_VERSION})


def _consent_or_redirect(request: AuthedRequest) -> HttpResponse | None:
    if not services.has_current_consent(request.user):
        request.session[NEXT_KEY] = request.get_full_path()
        return redirect("accounts:consent")
    return None


@login_required
def join_choose(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    communities = public_communities()
    if q:
        communities = communities.filter(name__icontains=q)
    return render(request, "accounts/join_choose.html",
                  {"communities": communities[:50], "q": q})


@login_required
@form_reports_bad_input
def join(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    if (resp := _consent_or_redirect(request)) is not None:
        return resp
    membership = Membership.objects.filter(user=request.user, community=community).first()
    if membership and membership.status in (Membership.Status.PENDING,
                                            Membership.Status.VERIFIED):
        return render(request, "accounts/join_status.html",
                      {"community": community, "membership": membership})
    initial = {}
    if membership:
        initial = {"building": membership.claimed_building, "unit": membership.claimed_unit,
                   "room": membership.claimed_room, "tenure": membership.claimed_tenure,
                   "moved_in_year": membership.moved_in_year}
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_request(user=request.user, community=community,
                                                     **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["gz_community"] = community.pk
            return redirect("accounts:join", slug=community.slug)
    return render(request, "accounts/join.html",
                  {"community": community, "form": form, "membership": membership})


@login_required
def invite_redeem(request: AuthedRequest, code: str = "") -> HttpResponse:
    if (resp := _consent_or_redirect(request)) is not None:
        return resp
    form = InviteRedeemForm(request.POST or None, initial={"code": code})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invite_redeem(user=request.user,
                                                code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["gz_community"] = membership.community_id
            messages.success(request, _("Welcome! You are now a verified resident of "
                                        "%(community)s.") % {"community": membership.community})
            return redirect("core:community", slug=membership.community.slug)
    return render(request, "accounts/invite_redeem.html", {"form": form})


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, user=user, initial={
        "display_name": user.display_name, "real_name": user.real_name, "email": user.email,
        "language": user.language or request.LANGUAGE_CODE,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["_language"] = user.language
            messages.success(request, _("Saved."))
            response = redirect("accounts:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language,
                                max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
            return response
    memberships = (Membership.objects.filter(user=user)
                   .select_related("community", "household__building", "household__unit"))
    return render(request, "accounts/profile.html",
                  {"form": form, "memberships": memberships})


@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """Personal API tokens: create one (shown once), list and revoke."""
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and request.POST.get("revoke"):
        token_id = request.POST["revoke"]
        if not token_id.isdigit() or len(token_id) > 18:
            return render(request, "400.html", {"message": _("This token does not exist.")},
                          status=400)
        if services.api_token_revoke(user=request.user, token_id=int(token_id)):
            messages.success(request, _("Token revoked."))
        else:
            messages.error(request, _("This token does not exist."))
        return redirect("accounts:api_tokens")
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(user=request.user,
                                                      name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/api_tokens.html",
                  {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
def export_data(request: AuthedRequest) -> HttpResponse:
    data = services.user_export_data(user=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gongzhi-my-data.json"'
    return response


@login_required
def delete_account(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account has been deleted. What you contributed to "
                                    "public decisions stays, without your name."))
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
def membership_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, user=request.user)
    return redirect("accounts:join", slug=membership.community.slug)
