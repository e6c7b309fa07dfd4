"""Ballot values as people read them: choices with option names, Art. 278 progress in
percentages and counts, receipt hashes in groups, engine notes and tie-break rules in the
reader's language. The engine speaks JSON and English; this is the display layer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

FIXED_LABELS = {
    "yes": gettext_lazy("Yes"), "no": gettext_lazy("No"),
    "abstain": gettext_lazy("Abstain"), "agree": gettext_lazy("Agree"),
    "disagree": gettext_lazy("Disagree"),
}

TIE_WORDS = {
    "min_cost": gettext_lazy("lower cost first"),
    "max_cost": gettext_lazy("higher cost first"),
    "max_votes": gettext_lazy("more supporters first"),
    "min_votes": gettext_lazy("fewer supporters first"),
    "max_score": gettext_lazy("higher score first"),
    "project_order": gettext_lazy("earlier in the list first"),
    "reverse_order": gettext_lazy("later in the list first"),
    "lexico": gettext_lazy("smaller project number first"),
    "explicit": gettext_lazy("in the order drawn by lot"),
}

# Notes the PB engine writes in English, matched and said again in the reader's language.
_NOTES = (
    (re.compile(r"^rule '?(?P<rule>[^']*)'? cannot be computed exactly"),
     gettext_lazy("The file's counting rule “%(rule)s” cannot be reproduced exactly; the "
                  "projects were counted by votes, skipping those that do not fit.")),
    (re.compile(r"^greedy-threshold without META"),
     gettext_lazy("No minimum score was given, so no project was excluded for a low "
                  "score.")),
    (re.compile(r"^leftover budget spent"),
     gettext_lazy("The budget left over was spent on further projects in order of votes.")),
)


def option_labels(ballot) -> dict[str, str]:
    """Key → label of a ballot's options, read once per ballot object."""
    labels = getattr(ballot, "_gz_labels", None)
    if labels is None:
        labels = {o.key: o.label for o in ballot.options.all()}
        ballot._gz_labels = labels
    return labels


def _label(key: Any, labels: Mapping[str, str]) -> str:
    key = str(key)
    if key in labels:
        return labels[key]
    if key in FIXED_LABELS:
        return str(FIXED_LABELS[key])
    return _("(unknown option)")


@register.filter
def row_label(row: Mapping[str, Any]) -> str:
    """The label of a result row; yes/no/agree rows in the reader's language."""
    key = str(row.get("key", ""))
    if key in FIXED_LABELS and row.get("label") in (key, None, ""):
        return str(FIXED_LABELS[key])
    return str(row.get("label") or key)


def choice_lines(content: Any, labels: Mapping[str, str]) -> list[str]:
    """One line per choice in a content, with option names, as a voter reads them."""
    if not isinstance(content, Mapping):
        return []
    lines: list[str] = []
    if content.get("choice") not in (None, ""):
        lines.append(_label(content["choice"], labels))
    for key in content.get("approve") or []:
        lines.append(_("✓ %(option)s") % {"option": _label(key, labels)})
    ranking = content.get("ranking")
    if isinstance(ranking, list):
        for n, key in enumerate(ranking, start=1):
            lines.append(_("%(n)s. %(option)s") % {"n": n, "option": _label(key, labels)})
    for key, value in (content.get("points") or {}).items():
        lines.append(_("%(option)s: %(n)s points") % {"option": _label(key, labels),
                                                     "n": value})
    for key, value in (content.get("scores") or {}).items():
        lines.append(_("%(option)s: score %(n)s") % {"option": _label(key, labels),
                                                    "n": value})
    if not lines:
        lines.append(_("Blank ballot (nothing chosen)"))
    return lines


@register.filter
def choices_of(content: Any, ballot) -> list[str]:
    """``{% for line in content|choices_of:ballot %}``."""
    return choice_lines(content, option_labels(ballot))


@register.filter
def choices_text(content: Any, ballot) -> str:
    return "；".join(choice_lines(content, option_labels(ballot)))


@register.filter
def hash_groups(digest: str | None, size: int = 4) -> list[str]:
    """A long hex hash in groups of four, so it wraps on a narrow screen and reads aloud."""
    text = str(digest or "")
    return [text[i:i + size] for i in range(0, len(text), size)]


@register.filter
def tie_break_text(spec: str | None) -> str:
    """``"min_cost,max_votes"`` → "Equal projects: lower cost first → more supporters first"."""
    keys = [k.strip() for k in str(spec or "min_cost,max_votes,project_order").split(",")
            if k.strip()]
    chain = " → ".join(str(TIE_WORDS.get(k, k)) for k in keys)
    return _("When projects are equal: %(chain)s.") % {"chain": chain}


@register.filter
def engine_note(note: str) -> str:
    for pattern, text in _NOTES:
        m = pattern.search(str(note))
        if m:
            return str(text) % m.groupdict() if "%(" in str(text) else str(text)
    return _("Technical note from the counting engine: %(note)s") % {"note": note}


def _split_value(value: str, ratio: list[int] | None) -> tuple[Fraction, Fraction] | None:
    """``"2537/2/4641/2"`` → (2537/2, 4641/2): the engine writes ``f"{num}/{den}"`` with
    fractions, so the split is the one whose quotient is the given ratio."""
    parts = str(value).split("/")
    target = Fraction(ratio[0], ratio[1]) if ratio and ratio[1] else None
    candidates = []
    for cut in range(1, len(parts)):
        try:
            num = Fraction("/".join(parts[:cut]))
            den = Fraction("/".join(parts[cut:]))
        except (ValueError, ZeroDivisionError):
            continue
        candidates.append((num, den))
    for num, den in candidates:
        if target is None or (den and num / den == target) or (not den and target == 0):
            return num, den
    return candidates[0] if candidates else None


def _num(value: Fraction, places: int = 1) -> str:
    if value.denominator == 1:
        return number_format(int(value), force_grouping=True)
    return number_format(round(float(value), places), decimal_pos=places, force_grouping=True)


@register.filter
def art278_step(step: Mapping[str, Any]) -> dict[str, Any]:
    """A progress bar's figures as people read them: percent, counts with units, the
    threshold as a fraction and a percentage."""
    split = _split_value(step.get("value", ""), step.get("ratio"))
    area = str(step.get("key", "")).endswith("area")
    count = total = ""
    if split:
        num, den = split
        if area:
            count = _("%(n)s m²") % {"n": _num(num)}
            total = _("%(n)s m²") % {"n": _num(den)}
        else:
            count = _("%(n)s owners") % {"n": _num(num)}
            total = _("%(n)s owners") % {"n": _num(den)}
    threshold = step.get("threshold") or [0, 1]
    frac = Fraction(threshold[0], threshold[1] or 1)
    return {
        "percent": number_format(round(float(step.get("percent", 0)), 1), decimal_pos=1),
        "count": count, "total": total,
        "need": _("%(cmp)s %(frac)s (%(pct)s%%)") % {
            "cmp": step.get("comparison", "≥"), "frac": f"{frac.numerator}/{frac.denominator}",
            "pct": number_format(round(float(frac * 100), 1), decimal_pos=1)},
    }


@register.simple_tag
def value_heading(result: Mapping[str, Any], ballot) -> str:
    """The heading of the figures column, by method (never the method's name)."""
    method = result.get("method") or ballot.method
    if method == "pb":
        kind = ballot.pb_vote_type
        return str({"approval": _("Approvals"), "cumulative": _("Points"),
                    "ordinal": _("Ranking points"), "choose-1": _("Votes")}.get(kind,
                                                                              _("Votes")))
    return str({"plurality": _("Votes"), "approval": _("Approvals"),
                "score": _("Total score"), "borda": _("Borda points"),
                "schulze": _("Head-to-head wins"), "irv": _("First choices"),
                "majority": _("Votes"), "art278": _("Owners")}.get(method, _("Votes")))


@register.filter
def option_name(key: Any, ballot) -> str:
    return _label(key, option_labels(ballot))


@register.filter
def pct(share: Any) -> str:
    """0.547 → "54.7"."""
    try:
        return number_format(round(float(share) * 100, 1), decimal_pos=1)
    except (TypeError, ValueError):
        return "—"


@register.simple_tag
def why_not_on_voter_list(ballot, user) -> dict[str, Any]:
    """Why a signed-in person is not on an open ballot's frozen voter list, and what they
    can do: the list was fixed when voting opened; say when, and when they were verified
    (or that they are not yet), and who to turn to."""
    from gongzhi.accounts.models import Membership

    membership = (Membership.objects.filter(user=user, community=ballot.community)
                  .only("status", "decided_at").first()) if user.is_authenticated else None
    verified_after = bool(
        membership and membership.status == Membership.Status.VERIFIED
        and membership.decided_at and ballot.opened_at
        and membership.decided_at > ballot.opened_at)
    return {
        "opened_at": ballot.opened_at,
        "verified_at": membership.decided_at if membership and verified_after else None,
        "verified_after": verified_after,
        "pending": bool(membership and membership.status == Membership.Status.PENDING),
        "member": membership is not None,
        "eligibility": ballot.get_eligibility_display(),
    }


PB_RULE_NAMES = {
    "greedy": gettext_lazy("most votes first"),
    "greedy-no-skip": gettext_lazy("most votes first, stopping at the first that does not fit"),
    "greedy-cost": gettext_lazy("most votes per yuan first"),
    "greedy-threshold": gettext_lazy("most votes first, above a minimum score"),
    "equalshares": gettext_lazy("equal shares"),
    "equalshares/add1": gettext_lazy("equal shares"),
    "phragmen": gettext_lazy("Phragmén's balanced shares"),
}


@register.filter
def pb_rule_label(rule: str) -> str:
    """A counting rule's name as people say it (never the code)."""
    key = str(rule or "").strip().lower()
    if key in PB_RULE_NAMES:
        return str(PB_RULE_NAMES[key])
    if key.startswith("equalshares"):
        return str(PB_RULE_NAMES["equalshares"])
    return _("another counting rule")
