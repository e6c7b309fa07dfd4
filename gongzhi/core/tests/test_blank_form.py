"""``{% blank_form %}``: a BlankForm rendered once per process, language and prefix gives
the HTML ``includes/form.html`` gives; typed, bound or pre-filled forms are never reused."""

from __future__ import annotations

from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from gongzhi.core.forms import BlankForm
from gongzhi.core.templatetags import gz
from gongzhi.projects.forms import TaskForm


class _Form(BlankForm):
    name = forms.CharField(label="名称", max_length=5)


def _tag(form) -> str:
    return Template("{% load gz %}{% blank_form form %}").render(Context({"form": form}))


def test_a_blank_form_is_rendered_once_and_gives_the_same_html():
    gz._BLANK_FORMS.clear()
    first = _tag(TaskForm())
    assert first == render_to_string("includes/form.html", {"form": TaskForm()})
    assert len(gz._BLANK_FORMS) == 1
    assert _tag(TaskForm()) == first and len(gz._BLANK_FORMS) == 1
    assert _tag(TaskForm(prefix="t2")) != first  # another prefix, other ids
    with translation.override("en"):
        english = _tag(TaskForm())
    assert "What" in english and english != first and len(gz._BLANK_FORMS) == 3


def test_typed_bound_and_prefilled_forms_are_rendered_each_time():
    gz._BLANK_FORMS.clear()
    bound = _Form({"name": "太长的名字不行"})
    assert not bound.is_valid()
    html = _tag(bound)
    assert "太长的名字不行" in html and 'class="error"' in html  # what was typed is kept
    assert _tag(_Form(initial={"name": "花园"})).count("花园") == 1
    assert not gz._BLANK_FORMS
    assert "太长" not in _tag(_Form()) and len(gz._BLANK_FORMS) == 1


def test_any_other_form_renders_as_the_include_does():
    class Plain(forms.Form):
        name = forms.CharField(label="名称")

    gz._BLANK_FORMS.clear()
    assert _tag(Plain()) == render_to_string("includes/form.html", {"form": Plain()})
    assert not gz._BLANK_FORMS
