from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe

from gongzhi.core.forms import BlankForm
from gongzhi.core.nav import render_community_nav
from gongzhi.core.phone import mask_phone

register = template.Library()

# the HTML of blank forms (core.forms.BlankForm), per process: a few forms x languages
_BLANK_FORMS: dict[tuple, SafeString] = {}


@register.simple_tag
def blank_form(form) -> SafeString:
    """``includes/form.html`` for ``form``. A :class:`BlankForm` with
    nothing typed and no initial values is rendered once per process, language, prefix and
    id scheme (a form's widgets cost ~0.4 ms each to render); any other form each time."""
    key = None
    if isinstance(form, BlankForm) and form.renders_blank():
        key = (type(form), form.prefix, form.auto_id, form.label_suffix,
               form.use_required_attribute, translation.get_language())
        html = _BLANK_FORMS.get(key)
        if html is not None:
            return html
    html = mark_safe(render_to_string("includes/form.html", {"form": form}))
    if key is not None:
        _BLANK_FORMS[key] = html
    return html


_nav_discovered = False


@register.simple_tag(takes_context=True)
def community_nav_html(context, community) -> SafeString:
    """The community menu drawn (``core.nav.render_community_nav``)."""
    global _nav_discovered
    if not _nav_discovered:  # import every app's nav.py once, not on every page
        autodiscover_modules("nav")
        _nav_discovered = True
    return render_community_nav(context["request"], community)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def masked(phone: str) -> str:
    return mask_phone(phone)


@register.filter
def percent(part, whole) -> str:
    try:
        return f"{100 * float(part) / float(whole):.0f}%"
    except (TypeError, ValueError, ZeroDivisionError):
        return "—"


@register.filter
def tenure_label(code: str) -> str:
    """A stored tenure code (``owner``) in the reader's words (业主)."""
    from gongzhi.places.models import Tenure

    try:
        return str(Tenure(code).label)
    except ValueError:
        return code or "—"


_FORM_HTML: dict[tuple, str] = {}


@register.simple_tag
def form_html(form):
    """``includes/form.html`` for ``form`` (what ``{% include %}`` of it with ``form``
    gives: the include reads nothing else of the page's context).

    An unbound form of a class marked ``static_html = True`` -- fixed fields and
    choices, nothing read from the database, no initial data -- renders the same HTML
    every time in a language, so it is rendered once per process and language and
    kept: the staff forms of a proposal page (answer, merge, moderate) cost the worker
    some forty template renders per page otherwise (docs/operations.md). Not kept with
    DEBUG, where templates change under a running server."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    cls = type(form)
    static = (getattr(cls, "static_html", False) and not form.is_bound and not form.initial
              and not settings.DEBUG)
    if not static:
        return render_to_string("includes/form.html", {"form": form})
    key = (cls, form.prefix, form.auto_id, get_language())
    html = _FORM_HTML.get(key)
    if html is None:
        html = _FORM_HTML[key] = render_to_string("includes/form.html", {"form": form})
    return mark_safe(html)  # noqa: S308 - the template's own output, escaped there
