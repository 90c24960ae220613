"""The supports of a map's SS (rule 5): which SS of the maps above each one supports, added and removed by the
performance manager of the map's unit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.common.web import service_errors_on, visible_or_404
from kinerja.planning import selectors as planning_selectors
from kinerja.planning.models import Objective, StrategyMap

from .. import support as services
from ..models import ObjectiveSupport, SupportKind


class _ObjectiveField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class _ParentField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.map.unit.code} · {obj.code} {obj.name}"


class SupportForm(forms.Form):
    child = _ObjectiveField(queryset=Objective.objects.none(), label=gettext_lazy("SS peta ini"))
    parent = _ParentField(queryset=Objective.objects.none(), label=gettext_lazy("mendukung SS peta atasan"))
    kind = forms.ChoiceField(choices=SupportKind.choices, label=gettext_lazy("jenis"))

    def __init__(self, *args: Any, objectives: Any, parents: list[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child, parent = self.fields["child"], self.fields["parent"]
        assert isinstance(child, forms.ModelChoiceField) and isinstance(parent, forms.ModelChoiceField)
        child.queryset = objectives
        parent.queryset = Objective.objects.filter(pk__in=[p.pk for p in parents]).select_related("map__unit")


def _map(request: HttpRequest, map_pk: int) -> StrategyMap:
    return visible_or_404(
        request,
        planning_selectors.maps_readable_by(request.user),
        "contracts.view_cascade",
        of=lambda m: m.unit,
        pk=map_pk,
    )


@login_required
def supports(request: HttpRequest, map_pk: int) -> HttpResponse:
    strategy_map = _map(request, map_pk)
    may_manage = request.user.has_perm("contracts.manage_cascade", strategy_map.unit)
    objectives = (
        Objective.objects.filter(map=strategy_map)
        .select_related("perspective")
        .order_by("perspective__order", "code")
    )
    parents = services.candidate_parents(strategy_map)
    form = SupportForm(objectives=objectives, parents=parents)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if request.POST.get("remove"):
            support = get_object_or_404(
                ObjectiveSupport.objects.select_related("child__map__unit", "parent"),
                pk=request.POST["remove"] if request.POST["remove"].isdigit() else 0,
                child__map=strategy_map,
            )
            services.remove_support(support, request.user)
            messages.success(request, _("Dukungan %(support)s dihapus.") % {"support": str(support)})
            return redirect("contracts:supports", strategy_map.pk)
        form = SupportForm(request.POST, objectives=objectives, parents=parents)
        if form.is_valid():
            data = form.cleaned_data
            with service_errors_on(form):
                added = services.add_support(data["child"], data["parent"], data["kind"], request.user)
                messages.success(request, _("Dukungan %(support)s disimpan.") % {"support": str(added)})
                return redirect("contracts:supports", strategy_map.pk)
    given: dict[int, list[ObjectiveSupport]] = {}
    for support in services.supports_of_map(strategy_map):
        given.setdefault(support.child_id, []).append(support)
    rows = [(o, given.get(o.pk, [])) for o in objectives]
    return render(
        request,
        "contracts/supports.html",
        {
            "map": strategy_map,
            "rows": rows,
            "form": form,
            "may_manage": may_manage,
            "parent_maps": list(services.parent_maps(strategy_map)),
        },
    )
