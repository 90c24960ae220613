"""Forms of the evaluation pages (`views/evaluation.py`). They read and shape input; the rules are in
`evaluation.py`, whose errors come back onto these forms by field name (`common.web.service_errors_on`)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.common.forms import DecimalInputField
from kinerja.organisations import unit_picker
from kinerja.organisations.models import Unit, UnitKind, UnitLevel

from . import evaluation as ev
from .evaluation_models import BandTone, Questionnaire, QuestionnaireItem, QuestionnaireKind, UnitEvaluation


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


ROUND_ORGANISER_PICKER = "meetings.evaluation-organiser"
unit_picker.register(ROUND_ORGANISER_PICKER, ev.units_for_rounds)
ROUND_SCOPE_PICKER = "meetings.evaluation-scope"
unit_picker.register(ROUND_SCOPE_PICKER, ev.units_for_scope)

EXCLUDE_MAX = 100
"""At most this many unit codes excluded by hand: the rule chooses, the list only trims."""


def _codes(text: str) -> list[str]:
    """Unit codes typed in a box, separated by commas, semicolons, spaces or lines; each once, in order."""
    return list(dict.fromkeys(c for c in re.split(r"[\s,;]+", text or "") if c))


class RoundForm(forms.Form):
    """A round's organiser, year and window, and the units it evaluates chosen by rule: a subtree (the
    organiser's, or one unit under it), the level(s), the kind(s), map owners only, minus a few codes.

    `selection()` is that rule as one queryset over the units the user manages (`ev.scoped_units`); the page
    shows its COUNT, never the units themselves."""

    unit = UnitChoice(label=_("Unit penyelenggara"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Judul"), max_length=255, required=False)
    opens_on = forms.DateField(label=_("Mulai"), widget=DateInput(), required=False)
    closes_on = forms.DateField(label=_("Berakhir"), widget=DateInput(), required=False)
    root = UnitChoice(label=_("Cakupan: unit dan seluruh unit di bawahnya"), queryset=Unit.objects.none())
    levels = forms.MultipleChoiceField(
        label=_("Level"),
        choices=UnitLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tanpa pilihan: semua level."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Jenis unit"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tanpa pilihan: semua jenis."),
    )
    map_owners = forms.BooleanField(label=_("Hanya unit pemilik peta strategi"), required=False)
    exclude = forms.CharField(
        label=_("Kecualikan unit"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("Kode unit yang tidak dievaluasi, dipisah koma, spasi atau baris baru."),
    )

    SCOPE_FIELDS = ("root", "levels", "kinds", "map_owners", "exclude")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # search-as-you-type pickers over ev.units_for_rounds(user) / ev.units_for_scope(user), checked on save
        self.fields["unit"] = unit_picker.unit_field(
            ROUND_ORGANISER_PICKER, user, label=_("Unit penyelenggara")
        )
        self.fields["root"] = unit_picker.unit_field(
            ROUND_SCOPE_PICKER,
            user,
            label=_("Cakupan: unit dan seluruh unit di bawahnya"),
            required=False,
            help_text=_("Kosong: seluruh unit di bawah unit penyelenggara."),
        )
        self.order_fields(list(self.base_fields))
        self.excluded: list[str] = []
        if not self.is_bound:
            year = dt.date.today().year
            self.initial.setdefault("year", year)
            self.initial.setdefault("opens_on", dt.date(year, 4, 1))
            self.initial.setdefault("closes_on", dt.date(year, 9, 30))
            self.initial.setdefault("map_owners", True)
            first = ev.units_for_rounds(user).first()
            if first is not None:
                self.initial.setdefault("unit", first.pk)

    def scope_errors(self) -> list[str]:
        """The messages that keep the rule from being counted (the organiser's and the rule's fields)."""
        if not self.is_bound:
            return []
        return [str(m) for name in ("unit", *self.SCOPE_FIELDS) for m in self.errors.get(name, [])]

    def choice_fields(self) -> list[Any]:
        return [self["levels"], self["kinds"]]

    def general_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.SCOPE_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        organiser, root = data.get("unit"), data.get("root")
        if organiser is not None and root is not None and not root.path.startswith(organiser.path):
            self.add_error(
                "root",
                _("%(root)s berada di luar unit penyelenggara %(organiser)s.")
                % {"root": root.code, "organiser": organiser.code},
            )
            return data
        codes = _codes(data.get("exclude", ""))
        if len(codes) > EXCLUDE_MAX:
            self.add_error(
                "exclude",
                _("Paling banyak %(n)d unit dikecualikan; persempit aturannya.") % {"n": EXCLUDE_MAX},
            )
            return data
        if organiser is None or self.has_error("root"):
            return data
        chosen = self._rule(organiser, root or organiser, data)
        known = set(chosen.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
        unknown = [c for c in codes if c not in known]
        if unknown:
            self.add_error(
                "exclude",
                _("Unit %(codes)s tidak termasuk dalam pilihan di atas.") % {"codes": ", ".join(unknown)},
            )
            return data
        self.excluded = codes
        return data

    def _rule(self, organiser: Unit, root: Unit, data: dict[str, Any]) -> QuerySet[Unit]:
        return ev.scoped_units(
            self.user,
            organiser,
            root=root,
            levels=data.get("levels") or (),
            kinds=data.get("kinds") or (),
            map_owners=bool(data.get("map_owners")),
        )

    def selection(self) -> QuerySet[Unit] | None:
        """The units the valid rule covers (None while the rule itself is not valid)."""
        if not self.is_bound:
            organiser = self._initial_unit()
            if organiser is None:
                return None
            return self._rule(organiser, organiser, {"map_owners": self.initial.get("map_owners")})
        if not hasattr(self, "cleaned_data") or any(self.has_error(f) for f in ("unit", *self.SCOPE_FIELDS)):
            return None
        data = self.cleaned_data
        organiser = data.get("unit")
        if organiser is None:
            return None
        chosen = self._rule(organiser, data.get("root") or organiser, data)
        return chosen.exclude(code__in=self.excluded) if self.excluded else chosen

    def _initial_unit(self) -> Unit | None:
        pk = self.initial.get("unit")
        return ev.units_for_rounds(self.user).filter(pk=pk).first() if pk else None


class AddUnitsForm(forms.Form):
    """Units added to an open round by their codes (a round's candidates can be a thousand: no checkbox per
    unit); each code must be one of `candidates` (in reach, under the organiser, not yet in the round)."""

    codes = forms.CharField(
        label=_("Tambah unit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("Kode unit, dipisah koma, spasi atau baris baru."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_codes(self) -> list[Unit]:
        codes = _codes(self.cleaned_data.get("codes", ""))
        if len(codes) > EXCLUDE_MAX:
            raise forms.ValidationError(
                _("Paling banyak %(n)d unit sekaligus.") % {"n": EXCLUDE_MAX}, code="too_many"
            )
        found = {u.code: u for u in self.candidates.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _(
                    "Unit %(codes)s tidak dapat ditambahkan: di luar jangkauan atau unit penyelenggara, atau sudah ada."
                )
                % {"codes": ", ".join(unknown)},
                code="not_candidate",
            )
        return [found[c] for c in codes]


class WindowForm(forms.Form):
    opens_on = forms.DateField(label=_("Mulai"), widget=DateInput(), required=False)
    closes_on = forms.DateField(label=_("Berakhir"), widget=DateInput(), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pengembalian"), widget=forms.Textarea(attrs={"rows": 3}))


def _scale_choices(q: Questionnaire) -> list[tuple[str, str]]:
    labels = list(q.scale_labels or [])
    out = [("", "—")]
    for n, value in enumerate(range(q.scale_min, q.scale_max + 1)):
        label = labels[n] if n < len(labels) else ""
        out.append((str(value), f"{value} — {label}" if label else str(value)))
    return out


class AnswerForm(forms.Form):
    """The unit's self-assessment (explanation, evidence, own score per criterion) and readiness scores.
    Field names are those the service's errors use: `explanation_<id>`, `self_score_<id>`, `evidence_<id>`,
    `remove_<id>`, `readiness_<id>`."""

    def __init__(
        self, *args: Any, evaluation: UnitEvaluation, view: ev.EvaluationView, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.view = view
        readiness = evaluation.round.readiness
        for block in view.aspects:
            for row in block.rows:
                pk, answer = row.item.pk, row.answer
                self.fields[f"explanation_{pk}"] = forms.CharField(
                    label=_("Penjelasan"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=answer.explanation if answer else "",
                )
                self.fields[f"self_score_{pk}"] = DecimalInputField(
                    label=_("Nilai mandiri (0–100)"),
                    required=False,
                    max_digits=5,
                    decimal_places=2,
                    initial=answer.self_score if answer else None,
                )
                self.fields[f"evidence_{pk}"] = forms.FileField(label=_("Data dukung"), required=False)
                if answer and answer.evidence:
                    self.fields[f"remove_{pk}"] = forms.BooleanField(label=_("Hapus berkas"), required=False)
        choices = _scale_choices(readiness)
        for item, score in view.readiness_items:
            self.fields[f"readiness_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=str(score) if score is not None else "",
            )

    def blocks(self) -> list[dict[str, Any]]:
        """The criteria grouped by aspect with their bound fields, for the template."""
        return [
            {
                "block": block,
                "rows": [
                    {
                        "row": row,
                        "explanation": self[f"explanation_{row.item.pk}"],
                        "self_score": self[f"self_score_{row.item.pk}"],
                        "evidence": self[f"evidence_{row.item.pk}"],
                        "remove": self[f"remove_{row.item.pk}"]
                        if f"remove_{row.item.pk}" in self.fields
                        else None,
                    }
                    for row in block.rows
                ],
            }
            for block in self.view.aspects
        ]

    def readiness_fields(self) -> list[Any]:
        return [self[f"readiness_{item.pk}"] for item, _s in self.view.readiness_items]

    def answers(self) -> dict[int, ev.AnswerInput]:
        data = self.cleaned_data
        out: dict[int, ev.AnswerInput] = {}
        for block in self.view.aspects:
            for row in block.rows:
                pk = row.item.pk
                out[pk] = ev.AnswerInput(
                    explanation=data.get(f"explanation_{pk}", ""),
                    self_score=data.get(f"self_score_{pk}"),
                    upload=data.get(f"evidence_{pk}") or None,
                    remove_evidence=bool(data.get(f"remove_{pk}")),
                )
        return out

    def readiness(self) -> dict[int, int | None]:
        return {
            item.pk: self.cleaned_data.get(f"readiness_{item.pk}") for item, _s in self.view.readiness_items
        }


class ReviewForm(forms.Form):
    findings = forms.CharField(label=_("Temuan"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    recommendations = forms.CharField(
        label=_("Rekomendasi"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, view: ev.EvaluationView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = view
        for block in view.aspects:
            for row in block.rows:
                pk, answer = row.item.pk, row.answer
                self.fields[f"review_score_{pk}"] = DecimalInputField(
                    label=_("Nilai reviu (0–100)"),
                    required=False,
                    max_digits=5,
                    decimal_places=2,
                    initial=(answer.review_score if answer and answer.review_score is not None else None),
                )
                self.fields[f"review_note_{pk}"] = forms.CharField(
                    label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
                )

    def blocks(self) -> list[dict[str, Any]]:
        return [
            {
                "block": block,
                "rows": [
                    {
                        "row": row,
                        "score": self[f"review_score_{row.item.pk}"],
                        "note": self[f"review_note_{row.item.pk}"],
                    }
                    for row in block.rows
                ],
            }
            for block in self.view.aspects
        ]

    def scores(self) -> dict[int, Decimal | None]:
        return {
            row.item.pk: self.cleaned_data.get(f"review_score_{row.item.pk}")
            for block in self.view.aspects
            for row in block.rows
        }

    def notes(self) -> dict[int, str]:
        return {
            row.item.pk: self.cleaned_data.get(f"review_note_{row.item.pk}", "")
            for block in self.view.aspects
            for row in block.rows
        }


class SurveyForm(forms.Form):
    def __init__(
        self, *args: Any, survey: Questionnaire, items: list[QuestionnaireItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        choices = [c for c in _scale_choices(survey) if c[0]]
        for item in items:
            self.fields[f"sfo_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=choices, widget=forms.RadioSelect, required=False
            )

    def groups(self) -> list[tuple[Any, list[Any]]]:
        """The statements grouped by aspect (an SFO principle), with their bound fields."""
        out: list[tuple[Any, list[Any]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.aspect:
                out.append((item.aspect, []))
            out[-1][1].append((item, self[f"sfo_{item.pk}"]))
        return out

    def values(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"sfo_{item.pk}") for item in self.items}


# --------------------------------------------------------------------------- questionnaire editing


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=255)
    instructions = forms.CharField(
        label=_("Petunjuk pengisian"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scale_min = forms.IntegerField(label=_("Skala terendah"), min_value=0, max_value=100)
    scale_max = forms.IntegerField(label=_("Skala tertinggi"), min_value=1, max_value=100)
    scale_labels = forms.CharField(
        label=_("Label skala"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu label per baris, dari skala terendah."),
    )

    def header(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["scale_labels"] = [x.strip() for x in data.get("scale_labels", "").splitlines() if x.strip()]
        return data


class AspectRowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Kode"), max_length=10, required=False)
    name = forms.CharField(label=_("Aspek"), max_length=255, required=False)
    weight = DecimalInputField(label=_("Bobot (%)"), max_digits=5, decimal_places=2, required=False)
    DELETE = forms.BooleanField(label=_("Hapus"), required=False)


class ItemRowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    aspect_code = forms.CharField(label=_("Aspek"), max_length=10, required=False)
    code = forms.CharField(label=_("Kode"), max_length=10, required=False)
    text = forms.CharField(
        label=_("Kriteria / pernyataan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weight = DecimalInputField(label=_("Bobot"), max_digits=5, decimal_places=2, required=False)
    guide = forms.CharField(
        label=_("Panduan penilaian"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    DELETE = forms.BooleanField(label=_("Hapus"), required=False)


class BandRowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minimum = DecimalInputField(label=_("Nilai terendah"), max_digits=6, decimal_places=2, required=False)
    label = forms.CharField(label=_("Klasifikasi"), max_length=100, required=False)
    meaning = forms.CharField(label=_("Makna"), max_length=255, required=False)
    tone = forms.ChoiceField(label=_("Warna"), choices=BandTone.choices)
    DELETE = forms.BooleanField(label=_("Hapus"), required=False)


AspectFormSet = forms.formset_factory(AspectRowForm, extra=1)
ItemFormSet = forms.formset_factory(ItemRowForm, extra=2)
BandFormSet = forms.formset_factory(BandRowForm, extra=1)


def _blank(row: dict[str, Any], *names: str) -> bool:
    return not row.get("pk") and all(not row.get(n) for n in names)


class QuestionnaireEditor:
    """The header form and the three row formsets of one questionnaire, read into the service's inputs."""

    def __init__(self, questionnaire: Questionnaire, data: Any = None) -> None:
        q = questionnaire
        self.questionnaire = q
        self.form = QuestionnaireForm(
            data,
            initial={
                "title": q.title,
                "instructions": q.instructions,
                "scale_min": q.scale_min,
                "scale_max": q.scale_max,
                "scale_labels": "\n".join(q.scale_labels or []),
            },
        )
        self.aspects = AspectFormSet(
            data,
            prefix="aspects",
            initial=[
                {"pk": a.pk, "code": a.code, "name": a.name, "weight": a.weight} for a in q.aspects.all()
            ],
        )
        self.items = ItemFormSet(
            data,
            prefix="items",
            initial=[
                {
                    "pk": i.pk,
                    "aspect_code": i.aspect.code if i.aspect else "",
                    "code": i.code,
                    "text": i.text,
                    "weight": i.weight,
                    "guide": i.guide,
                }
                for i in q.items.all()
            ],
        )
        self.bands = BandFormSet(
            data,
            prefix="bands",
            initial=[
                {"pk": b.pk, "minimum": b.minimum, "label": b.label, "meaning": b.meaning, "tone": b.tone}
                for b in q.bands.all()
            ],
        )
        self.has_bands = q.kind == QuestionnaireKind.READINESS

    def is_valid(self) -> bool:
        return all(
            [self.form.is_valid(), self.aspects.is_valid(), self.items.is_valid(), self.bands.is_valid()]
        )

    def inputs(self) -> dict[str, Any]:
        aspects = [
            ev.AspectInput(
                code=(r.get("code") or "").strip(),
                name=(r.get("name") or "").strip(),
                weight=Decimal(r["weight"]) if r.get("weight") is not None else Decimal(0),
                pk=r.get("pk"),
                delete=bool(r.get("DELETE")),
            )
            for r in self.aspects.cleaned_data
            if r and not _blank(r, "code", "name")
        ]
        items = [
            ev.ItemInput(
                code=(r.get("code") or "").strip(),
                text=(r.get("text") or "").strip(),
                weight=Decimal(r["weight"]) if r.get("weight") is not None else Decimal(1),
                guide=r.get("guide") or "",
                aspect_code=(r.get("aspect_code") or "").strip(),
                pk=r.get("pk"),
                delete=bool(r.get("DELETE")),
            )
            for r in self.items.cleaned_data
            if r and not _blank(r, "code", "text")
        ]
        bands = [
            ev.BandInput(
                minimum=Decimal(r["minimum"]) if r.get("minimum") is not None else Decimal(0),
                label=(r.get("label") or "").strip(),
                meaning=r.get("meaning") or "",
                tone=r.get("tone") or "yellow",
                pk=r.get("pk"),
                delete=bool(r.get("DELETE")),
            )
            for r in self.bands.cleaned_data
            if r and not _blank(r, "label")
        ]
        return {"header": self.form.header(), "aspects": aspects, "items": items, "bands": bands}
