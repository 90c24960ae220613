"""API of strategy planning: maps (nested read, workflow, health findings, SVG), objectives, links,
initiatives and risks. KPIs are in `kinerja.planning.kpi_api`.

Thin, like the pages: lists come from the selectors (limited to the maps the
user may see, so anything else is a 404), writes go through the services (a
missing permission is a 403, a broken rule a 400 naming it). `RulesPermission`
asks the same rules as the pages; a write on an approved map is a 403 there, or
a 400 from the service saying it changes only through a revision. Routes are
registered in `kinerja.api.urls`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from kinerja.common.api import HumanDecimalsMixin, RulesViewSet, documented, op, service_errors
from kinerja.organisations.models import Position

from . import drawing, selectors, services
from .models import (
    Initiative,
    MapState,
    Milestone,
    Objective,
    ObjectiveLink,
    Perspective,
    PerspectiveCode,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StrategyMap,
    Theme,
)
from .validation import validate_map

TAG = "strategi"


def visible_maps(user: Any) -> QuerySet[StrategyMap]:
    return StrategyMap.objects.filter(selectors.visible_maps_filter(user)).select_related("unit", "plan_year")


def visible_objectives(user: Any) -> QuerySet[Objective]:
    """The SS on the maps the user may see: what a write may name as its SS."""
    return Objective.objects.filter(map__in=visible_maps(user)).select_related("map__unit", "map__plan_year")


def _position(strategy_map: StrategyMap, code: str | None, field: str) -> Position | None:
    if not code:
        return None
    found = Position.objects.filter(unit=strategy_map.unit_id, code=code).first()
    if found is None:
        raise serializers.ValidationError(
            {field: [_gettext("Jabatan %(code)s tidak ada pada unit pemilik peta.") % {"code": code}]}
        )
    return found


class VisibleChoicesMixin(serializers.Serializer):
    # A write serializer whose related fields offer only what the requesting user may see: `visible`
    # maps a field name to `scope(user) -> queryset`; a field the serializer lacks is skipped.
    # (Comments, not a docstring: the schema would take a docstring as the description of every subclass.)

    visible: ClassVar[dict[str, Callable[[Any], QuerySet[Any]]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, scope in self.visible.items():
                if name in self.fields:
                    self.fields[name].queryset = scope(request.user)  # type: ignore[attr-defined]


class ServiceWritesMixin(GenericViewSet):
    # `create` and `update` of a viewset whose writes go through a service. The write serializer names
    # the parent (`parent_field`: the map or the SS) a new object goes to; an update starts from
    # `_current(instance)`, the instance's values shaped as a write, overlaid with what the (partial)
    # request sends. `_save(parent, data, instance)` calls the service, `_respond` answers.
    # (Comments, not a docstring: the schema would take a docstring as the description of every subclass.)

    write_serializer_class: type[serializers.Serializer]
    update_serializer_class: type[serializers.Serializer]
    parent_field: str

    def _current(self, instance: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _save(self, parent: Any, data: dict[str, Any], instance: Any) -> Any:
        raise NotImplementedError

    def _respond(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = self.write_serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._respond(self._save(data[self.parent_field], data, None), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        payload = self.update_serializer_class(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = self._current(instance)
        data.update(payload.validated_data)
        return self._respond(self._save(getattr(instance, self.parent_field), data, instance))


# ---------------------------------------------------------------- serializers (read)


class PerspectiveSerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        read_only=True, help_text=_("stakeholder, customer, internal_process atau learning_growth.")
    )

    class Meta:
        model = Perspective
        fields = ["id", "code", "order", "name_id", "name_en", "weight"]
        read_only_fields = fields


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "name_id", "name_en"]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    perspective = serializers.CharField(source="perspective.code", read_only=True)
    theme = serializers.CharField(source="theme.code", read_only=True, allow_null=True, default=None)
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "map",
            "code",
            "perspective",
            "name_id",
            "name_en",
            "description",
            "theme",
            "owner_position",
            "weight",
        ]
        read_only_fields = fields


class LinkSerializer(serializers.ModelSerializer):
    cause_code = serializers.CharField(source="cause.code", read_only=True)
    effect_code = serializers.CharField(source="effect.code", read_only=True)

    class Meta:
        model = ObjectiveLink
        fields = ["id", "map", "cause", "effect", "cause_code", "effect_code"]
        read_only_fields = fields


class MapSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    rule_set = serializers.CharField(source="plan_year.rule_set", read_only=True)
    map_state = serializers.ChoiceField(
        source="state",
        choices=MapState.choices,
        read_only=True,
        help_text=_("draft (konsep), submitted (diajukan), approved (disetujui), revised (dalam revisi)."),
    )

    class Meta:
        model = StrategyMap
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "rule_set",
            "map_state",
            "revision",
            "vision",
            "mission",
            "updated_at",
        ]
        read_only_fields = fields


class MapDetailSerializer(MapSerializer):
    perspectives = PerspectiveSerializer(many=True, read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)
    links = LinkSerializer(many=True, read_only=True)

    class Meta(MapSerializer.Meta):
        fields = [*MapSerializer.Meta.fields, "perspectives", "themes", "objectives", "links"]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    rule = serializers.IntegerField(help_text=_("Nomor aturan validasi (domain.md §5)."))
    severity = serializers.ChoiceField(
        choices=[("block", "block"), ("warn", "warn")],
        help_text=_("block menghalangi pengajuan; warn peringatan."),
    )
    code = serializers.CharField()
    message = serializers.CharField()


class MapReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Alasan (wajib)."))


# ---------------------------------------------------------------- serializers (write)


class ObjectiveWriteSerializer(HumanDecimalsMixin, VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"map": visible_maps}

    map = serializers.PrimaryKeyRelatedField(
        queryset=StrategyMap.objects.none(), help_text=_("Id peta strategi.")
    )
    perspective = serializers.ChoiceField(choices=PerspectiveCode.choices)
    theme = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode tema.")
    )
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan penanggung jawab.")
    )

    class Meta:
        model = Objective
        fields = [
            "map",
            "code",
            "perspective",
            "name_id",
            "name_en",
            "description",
            "theme",
            "owner_position",
            "weight",
        ]
        validators: list[Any] = []


class ObjectiveUpdateSerializer(ObjectiveWriteSerializer):
    class Meta(ObjectiveWriteSerializer.Meta):
        fields = [f for f in ObjectiveWriteSerializer.Meta.fields if f != "map"]


class LinkWriteSerializer(VisibleChoicesMixin):
    visible = {
        "cause": visible_objectives,
        "effect": visible_objectives,
    }

    cause = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.none(), help_text=_("Id SS sebab."))
    effect = serializers.PrimaryKeyRelatedField(
        queryset=Objective.objects.none(), help_text=_("Id SS akibat.")
    )


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_date", "done", "done_on"]
        read_only_fields = ["id"]


class ProgressReportSerializer(HumanDecimalsMixin, serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ProgressReport
        fields = ["id", "date", "percent", "note", "by", "created_at"]
        read_only_fields = ["id", "by", "created_at"]


class InitiativeSerializer(serializers.ModelSerializer):
    objectives = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)  # type: ignore[var-annotated]
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        choices=[(selectors.ON_TRACK, selectors.ON_TRACK), (selectors.LATE, selectors.LATE)],
        read_only=True,
        help_text=_("Diturunkan dari tonggak: late bila ada tonggak lewat batas waktu dan belum selesai."),
    )
    progress = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True, help_text=_("Kemajuan terakhir (%).")
    )
    milestones = MilestoneSerializer(many=True, read_only=True, source="milestone_list")
    progress_reports = ProgressReportSerializer(many=True, read_only=True, source="report_list")

    class Meta:
        model = Initiative
        fields = [
            "id",
            "map",
            "code",
            "name_id",
            "name_en",
            "description",
            "objectives",
            "owner_position",
            "owner_text",
            "budget",
            "start",
            "end",
            "status",
            "progress",
            "milestones",
            "progress_reports",
        ]
        read_only_fields = fields


INITIATIVE_FIELDS = ["code", "name_id", "name_en", "description", "owner_text", "budget", "start", "end"]


class InitiativeWriteSerializer(HumanDecimalsMixin, VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"map": visible_maps}

    map = serializers.PrimaryKeyRelatedField(
        queryset=StrategyMap.objects.none(), help_text=_("Id peta strategi.")
    )
    objectives = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Kode SS yang didukung (peta yang sama).")
    )
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan penanggung jawab.")
    )

    class Meta:
        model = Initiative
        fields = ["map", *INITIATIVE_FIELDS, "objectives", "owner_position"]
        validators: list[Any] = []


class InitiativeUpdateSerializer(InitiativeWriteSerializer):
    class Meta(InitiativeWriteSerializer.Meta):
        fields = [f for f in InitiativeWriteSerializer.Meta.fields if f != "map"]


class MonitoringSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = RiskMonitoring
        fields = ["id", "date", "note", "by", "created_at"]
        read_only_fields = ["id", "by", "created_at"]


class RiskSerializer(serializers.ModelSerializer):
    map = serializers.IntegerField(source="objective.map_id", read_only=True)
    objective_code = serializers.CharField(source="objective.code", read_only=True)
    level = serializers.IntegerField(read_only=True, help_text=_("Kemungkinan × dampak (1–25)."))
    band = serializers.ChoiceField(
        choices=[("low", "low"), ("medium", "medium"), ("high", "high"), ("extreme", "extreme")],
        read_only=True,
    )
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )
    monitoring = MonitoringSerializer(many=True, read_only=True, source="monitoring_list")

    class Meta:
        model = Risk
        fields = [
            "id",
            "map",
            "objective",
            "objective_code",
            "code",
            "description",
            "likelihood",
            "impact",
            "level",
            "band",
            "mitigation",
            "owner_position",
            "owner_text",
            "monitoring",
        ]
        read_only_fields = fields


RISK_FIELDS = ["code", "description", "likelihood", "impact", "mitigation", "owner_text"]


class RiskWriteSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"objective": visible_objectives}

    objective = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.none(), help_text=_("Id SS."))
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    impact = serializers.IntegerField(min_value=1, max_value=5)
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan pemilik risiko.")
    )

    class Meta:
        model = Risk
        fields = ["objective", *RISK_FIELDS, "owner_position"]
        validators: list[Any] = []


class RiskUpdateSerializer(RiskWriteSerializer):
    class Meta(RiskWriteSerializer.Meta):
        fields = [f for f in RiskWriteSerializer.Meta.fields if f != "objective"]


# ---------------------------------------------------------------- maps


@documented(
    TAG,
    list=_("Daftar peta strategi yang dapat dilihat pengguna"),
    retrieve=op(
        _("Satu peta strategi dengan perspektif, tema, SS, dan hubungan"), responses=MapDetailSerializer
    ),
)
class StrategyMapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Strategy maps: read (nested), the workflow as POST actions, health findings, the SVG picture.

    rules_model = StrategyMap
    serializer_class = MapSerializer

    def get_queryset(self) -> QuerySet[StrategyMap]:
        return visible_maps(self.request.user).order_by("-plan_year__year", "unit__path")

    def get_serializer_class(self) -> Any:
        return MapDetailSerializer if self.action == "retrieve" else MapSerializer

    service_checked_actions = frozenset({"submit", "approve", "return_", "revise"})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        strategy_map = self.get_object()
        data = selectors.load_map_data(strategy_map)
        strategy_map_data = MapSerializer(strategy_map).data
        return Response(
            {
                **strategy_map_data,
                "perspectives": PerspectiveSerializer(data.perspectives, many=True).data,
                "themes": ThemeSerializer(strategy_map.themes.order_by("code"), many=True).data,
                "objectives": ObjectiveSerializer(data.objectives, many=True).data,
                "links": LinkSerializer(data.links, many=True).data,
            }
        )

    def _step(self, request: Request, name: str, **kwargs: Any) -> Response:
        strategy_map = self.get_object()
        with service_errors():
            getattr(services, f"{name}_map")(strategy_map=strategy_map, by=request.user, **kwargs)
        return Response(MapSerializer(selectors.map_for_page(strategy_map.pk)).data)

    @extend_schema(
        summary=_("Mengajukan peta untuk persetujuan"),
        description=_("Oleh pengelola kinerja unit; ditolak selama ada temuan yang memblokir."),
        request=None,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "submit")

    @extend_schema(
        summary=_("Menyetujui peta"),
        description=_("Oleh pimpinan unit."),
        request=None,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "approve")

    @extend_schema(
        summary=_("Mengembalikan peta untuk diperbaiki"),
        description=_("Oleh pimpinan unit; alasan wajib."),
        request=MapReasonSerializer,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        payload = MapReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._step(request, "return", reason=payload.validated_data["reason"])

    @extend_schema(
        summary=_("Membuka revisi peta yang disetujui"),
        description=_("Alasan wajib; nomor revisi bertambah dan peta dapat diubah kembali."),
        request=MapReasonSerializer,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        payload = MapReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._step(request, "revise", reason=payload.validated_data["reason"])

    @extend_schema(
        summary=_("Temuan kesehatan peta"),
        description=_("Temuan aturan validasi: block menghalangi pengajuan, warn hanya peringatan."),
        responses=FindingSerializer(many=True),
        tags=[TAG],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def findings(self, request: Request, pk: str | None = None) -> Response:
        strategy_map = self.get_object()
        found = validate_map(selectors.load_map_data(strategy_map))
        rows = [{"rule": f.rule, "severity": f.severity, "code": f.code, "message": f.message} for f in found]
        return Response(FindingSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("Gambar peta strategi (SVG)"),
        responses={
            (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY, description=_("Berkas SVG."))
        },
        tags=[TAG],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def svg(self, request: Request, pk: str | None = None) -> HttpResponse:
        strategy_map = self.get_object()
        picture = drawing.draw_map(selectors.load_map_data(strategy_map))
        response = HttpResponse(picture.encode("utf-8"), content_type="image/svg+xml")
        name = f"peta-strategi-{strategy_map.unit.code.lower()}-{strategy_map.plan_year.year}.svg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# ---------------------------------------------------------------- objectives


@documented(
    TAG,
    list=_("Daftar SS pada peta yang dapat dilihat"),
    retrieve=_("Satu SS"),
    create=op(
        _("Menambah SS"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=ObjectiveWriteSerializer,
        responses={201: ObjectiveSerializer},
    ),
    update=op(_("Mengubah SS"), request=ObjectiveUpdateSerializer, responses=ObjectiveSerializer),
    partial_update=op(
        _("Mengubah sebagian SS"), request=ObjectiveUpdateSerializer, responses=ObjectiveSerializer
    ),
    destroy=_("Menghapus SS"),
)
class ObjectiveViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # Strategic objectives (SS). Writes go through strategy.services.save_objective / delete_objective.

    rules_model = Objective
    serializer_class = ObjectiveSerializer
    write_serializer_class = ObjectiveWriteSerializer
    update_serializer_class = ObjectiveUpdateSerializer
    parent_field = "map"

    def get_queryset(self) -> QuerySet[Objective]:
        return (
            Objective.objects.filter(map__in=visible_maps(self.request.user))
            .select_related("map__unit", "map__plan_year", "perspective", "theme", "owner_position")
            .order_by("map", "perspective__order", "code")
        )

    def _save(
        self, strategy_map: StrategyMap, data: dict[str, Any], objective: Objective | None
    ) -> Objective:
        perspective = strategy_map.perspectives.get(code=data["perspective"])
        theme = None
        if data.get("theme"):
            theme = strategy_map.themes.filter(code=data["theme"]).first()
            if theme is None:
                raise serializers.ValidationError({"theme": [_gettext("Tema tidak ada pada peta ini.")]})
        with service_errors():
            return services.save_objective(
                strategy_map=strategy_map,
                objective=objective,
                perspective=perspective,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data.get("name_en") or "",
                description=data.get("description") or "",
                theme=theme,
                owner_position=_position(strategy_map, data.get("owner_position"), "owner_position"),
                weight=data.get("weight"),
                by=self.request.user,
            )

    def _current(self, objective: Objective) -> dict[str, Any]:
        return {
            "code": objective.code,
            "perspective": objective.perspective.code,
            "name_id": objective.name_id,
            "name_en": objective.name_en,
            "description": objective.description,
            "theme": objective.theme.code if objective.theme is not None else None,
            "owner_position": objective.owner_position.code if objective.owner_position is not None else None,
            "weight": objective.weight,
        }

    def _respond(self, objective: Objective, code: int = status.HTTP_200_OK) -> Response:
        fresh = Objective.objects.select_related("perspective", "theme", "owner_position").get(
            pk=objective.pk
        )
        return Response(ObjectiveSerializer(fresh).data, status=code)

    def perform_destroy(self, instance: Objective) -> None:
        with service_errors():
            services.delete_objective(objective=instance, by=self.request.user)


# ---------------------------------------------------------------- links


@documented(
    TAG,
    list=_("Daftar hubungan sebab-akibat"),
    retrieve=_("Satu hubungan sebab-akibat"),
    create=op(
        _("Menambah hubungan sebab-akibat"),
        description=_("Kedua SS harus berada pada satu peta; hubungan ke bawah dan siklus hanya peringatan."),
        request=LinkWriteSerializer,
        responses={201: LinkSerializer},
    ),
    destroy=_("Menghapus hubungan sebab-akibat"),
)
class ObjectiveLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # Cause-effect links between SS of one map.

    rules_model = ObjectiveLink
    serializer_class = LinkSerializer

    def get_queryset(self) -> QuerySet[ObjectiveLink]:
        return (
            ObjectiveLink.objects.filter(map__in=visible_maps(self.request.user))
            .select_related("map__unit", "map__plan_year", "cause", "effect")
            .order_by("map", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = LinkWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with service_errors():
            link = services.add_link(
                cause=payload.validated_data["cause"],
                effect=payload.validated_data["effect"],
                by=request.user,
            )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ObjectiveLink) -> None:
        with service_errors():
            services.delete_link(link=instance, by=self.request.user)


# ---------------------------------------------------------------- initiatives


@documented(
    TAG,
    list=_("Daftar inisiatif strategis"),
    retrieve=_("Satu inisiatif strategis dengan tonggak dan laporan kemajuan"),
    create=op(
        _("Menambah inisiatif strategis"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=InitiativeWriteSerializer,
        responses={201: InitiativeSerializer},
    ),
    update=op(
        _("Mengubah inisiatif strategis"), request=InitiativeUpdateSerializer, responses=InitiativeSerializer
    ),
    partial_update=op(
        _("Mengubah sebagian inisiatif strategis"),
        request=InitiativeUpdateSerializer,
        responses=InitiativeSerializer,
    ),
    destroy=_("Menghapus inisiatif strategis"),
)
class InitiativeViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # Strategic initiatives with milestones and progress reports; the status is derived from the milestones.

    rules_model = Initiative
    serializer_class = InitiativeSerializer
    write_serializer_class = InitiativeWriteSerializer
    update_serializer_class = InitiativeUpdateSerializer
    parent_field = "map"

    def get_queryset(self) -> QuerySet[Initiative]:
        return selectors.initiatives_visible_to(self.request.user).order_by("map", "code")

    service_checked_actions = frozenset({"progress", "milestones"})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        for initiative in page or []:
            selectors._annotate_initiative(initiative)
        return self.get_paginated_response(InitiativeSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    def _save(
        self, strategy_map: StrategyMap, data: dict[str, Any], initiative: Initiative | None
    ) -> Initiative:
        codes = data.get("objectives") or []
        supported = list(Objective.objects.filter(map=strategy_map, code__in=codes))
        missing = sorted(set(codes) - {o.code for o in supported})
        if missing:
            raise serializers.ValidationError(
                {
                    "objectives": [
                        _gettext("SS tidak ada pada peta ini: %(codes)s") % {"codes": ", ".join(missing)}
                    ]
                }
            )
        with service_errors():
            return services.save_initiative(
                strategy_map=strategy_map,
                initiative=initiative,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data.get("name_en") or "",
                description=data.get("description") or "",
                owner_position=_position(strategy_map, data.get("owner_position"), "owner_position"),
                owner_text=data.get("owner_text") or "",
                budget=data.get("budget"),
                start=data.get("start"),
                end=data.get("end"),
                objectives=supported,
                by=self.request.user,
            )

    def _current(self, initiative: Initiative) -> dict[str, Any]:
        current = {name: getattr(initiative, name) for name in INITIATIVE_FIELDS}
        current["objectives"] = [o.code for o in initiative.objectives.all()]
        current["owner_position"] = (
            initiative.owner_position.code if initiative.owner_position is not None else None
        )
        return current

    def _respond(self, initiative: Initiative, code: int = status.HTTP_200_OK) -> Response:
        return Response(InitiativeSerializer(selectors.initiative_for_page(initiative.pk)).data, status=code)

    def perform_destroy(self, instance: Initiative) -> None:
        with service_errors():
            services.delete_initiative(initiative=instance, by=self.request.user)

    @extend_schema(
        summary=_("Mencatat laporan kemajuan"),
        description=_("Pemantauan: pengelola kinerja unit dapat mencatatnya juga setelah peta disetujui."),
        request=ProgressReportSerializer,
        responses={201: ProgressReportSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        initiative = self.get_object()
        payload = ProgressReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with service_errors():
            report = services.add_progress_report(
                initiative=initiative,
                date=data["date"],
                percent=data["percent"],
                note=data.get("note", ""),
                by=request.user,
            )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Menambah tonggak capaian"),
        description=_("Perencanaan: hanya selama peta berstatus konsep atau revisi."),
        request=MilestoneSerializer,
        responses={201: MilestoneSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def milestones(self, request: Request, pk: str | None = None) -> Response:
        initiative = self.get_object()
        payload = MilestoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with service_errors():
            milestone = services.save_milestone(
                initiative=initiative,
                name=data["name"],
                due_date=data["due_date"],
                done=data.get("done", False),
                done_on=data.get("done_on"),
                by=request.user,
            )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- risks


@documented(
    TAG,
    list=_("Daftar risiko"),
    retrieve=_("Satu risiko dengan catatan pemantauannya"),
    create=op(
        _("Menambah risiko pada SS"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=RiskWriteSerializer,
        responses={201: RiskSerializer},
    ),
    update=op(_("Mengubah risiko"), request=RiskUpdateSerializer, responses=RiskSerializer),
    partial_update=op(_("Mengubah sebagian risiko"), request=RiskUpdateSerializer, responses=RiskSerializer),
    destroy=_("Menghapus risiko"),
)
class RiskViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # Risks of SS: likelihood × impact gives the level and its band; monitoring entries as a POST action.

    rules_model = Risk
    serializer_class = RiskSerializer
    write_serializer_class = RiskWriteSerializer
    update_serializer_class = RiskUpdateSerializer
    parent_field = "objective"

    def get_queryset(self) -> QuerySet[Risk]:
        return selectors.risks_visible_to(self.request.user).order_by(
            "objective__map", "objective__code", "code"
        )

    service_checked_actions = frozenset({"monitoring"})

    def _save(self, objective: Objective, data: dict[str, Any], risk: Risk | None) -> Risk:
        with service_errors():
            return services.save_risk(
                objective=objective,
                risk=risk,
                code=data["code"],
                description=data["description"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                mitigation=data.get("mitigation") or "",
                owner_position=_position(objective.map, data.get("owner_position"), "owner_position"),
                owner_text=data.get("owner_text") or "",
                by=self.request.user,
            )

    def _current(self, risk: Risk) -> dict[str, Any]:
        current = {name: getattr(risk, name) for name in RISK_FIELDS}
        current["owner_position"] = risk.owner_position.code if risk.owner_position is not None else None
        return current

    def _respond(self, risk: Risk, code: int = status.HTTP_200_OK) -> Response:
        return Response(RiskSerializer(selectors.risk_for_page(risk.pk)).data, status=code)

    def perform_destroy(self, instance: Risk) -> None:
        with service_errors():
            services.delete_risk(risk=instance, by=self.request.user)

    @extend_schema(
        summary=_("Mencatat pemantauan risiko"),
        description=_("Pemantauan: pengelola kinerja unit dapat mencatatnya juga setelah peta disetujui."),
        request=MonitoringSerializer,
        responses={201: MonitoringSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def monitoring(self, request: Request, pk: str | None = None) -> Response:
        risk = self.get_object()
        payload = MonitoringSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with service_errors():
            entry = services.add_risk_monitoring(
                risk=risk, date=data["date"], note=data["note"], by=request.user
            )
        return Response(MonitoringSerializer(entry).data, status=status.HTTP_201_CREATED)
