"""API of the organisation: units (and their tree), positions, employees. Thin: reads come from the organisation selectors, writes go through its services.

Every list is limited to the units the user's roles reach (a role on a unit
reaches its subtree), so anything outside is a 404; the rules layer decides
each action (`kinerja.common.api`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated

from . import services
from .filters import EmployeeApiFilter, PositionApiFilter, UnitApiFilter
from .models import AssignmentKind, Employee, Position, Unit
from .selectors import employees_for, positions_for, unit_children, units_for
from .serializers import (
    EmployeeCreateSerializer,
    EmployeeSerializer,
    EmployeeUpdateSerializer,
    PositionSerializer,
    UnitSerializer,
    UnitTreeSerializer,
)

MAX_TREE_DEPTH = 10

# ---------------------------------------------------------------- units


class TreeQuerySerializer(serializers.Serializer):
    depth = serializers.IntegerField(required=False, min_value=0, max_value=MAX_TREE_DEPTH)


@documented(
    "organisasi",
    list=_("Daftar unit dalam jangkauan pengguna"),
    retrieve=_("Satu unit menurut kodenya"),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Organisation units, in tree order, named by their code.

    rules_model = Unit
    serializer_class = UnitSerializer
    filterset_class = UnitApiFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Unit]:
        parent_code = Unit.objects.filter(
            path=Left(OuterRef("path"), Length(OuterRef("path")) - Unit.steplen)
        ).values("code")[:1]
        return units_for(self.request.user).annotate(parent_code=Subquery(parent_code))

    @extend_schema(
        summary=_("Subpohon unit, bersarang"),
        description=_("Unit beserta seluruh unit di bawahnya dalam satu struktur bersarang."),
        parameters=[
            OpenApiParameter(
                "depth", OpenApiTypes.INT, description=_("Batas kedalaman di bawah unit (0: unit itu saja).")
            )
        ],
        responses=UnitTreeSerializer,
        tags=["organisasi"],
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def tree(self, request: Request, code: str | None = None) -> Response:
        unit = self.get_object()
        query = TreeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # A role on a unit reaches its whole subtree, so the subtree of a unit in reach is in reach.
        nodes = Unit.objects.filter(path__startswith=unit.path).order_by("path")
        depth = query.validated_data.get("depth")
        if depth is not None:
            nodes = nodes.filter(depth__lte=unit.depth + depth)
        by_path: dict[str, Unit] = {}
        root = unit
        for node in nodes:  # one query; paths in order put every parent before its children
            node.tree_children = []
            by_path[node.path] = node
            if node.path == unit.path:
                root = node
            else:
                parent = by_path.get(node.path[: -Unit.steplen])
                if parent is not None:
                    parent.tree_children.append(node)
        return Response(UnitTreeSerializer(root, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("Unit anak langsung"),
        responses=UnitSerializer(many=True),
        tags=["organisasi"],
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def children(self, request: Request, code: str | None = None) -> Response:
        unit = self.get_object()
        context = {**self.get_serializer_context(), "parent_code": unit.code}
        return Response(
            UnitSerializer(unit_children(unit, user=request.user), many=True, context=context).data
        )


# ---------------------------------------------------------------- positions


@documented(
    "organisasi",
    list=_("Daftar jabatan dalam jangkauan pengguna"),
    retrieve=_("Satu jabatan menurut kodenya"),
)
class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Positions (jabatan), named by their code.

    rules_model = Position
    serializer_class = PositionSerializer
    filterset_class = PositionApiFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Position]:
        return positions_for(self.request.user)


# ---------------------------------------------------------------- employees


@documented(
    "pegawai",
    list=_("Daftar pegawai dalam jangkauan pengguna"),
    retrieve=_("Satu pegawai menurut NIP"),
    create=op(
        _("Mendaftarkan pegawai"),
        description=_(
            "Untuk administrator dan pengelola kinerja pada unit tujuan; membuka penugasan pertama."
        ),
        request=EmployeeCreateSerializer,
        responses={201: EmployeeSerializer},
    ),
    update=op(
        _("Mengubah pegawai"),
        description=_(
            "Unit atau jabatan yang berubah adalah mutasi: penugasan lama ditutup, yang baru dibuka."
        ),
        request=EmployeeUpdateSerializer,
        responses=EmployeeSerializer,
    ),
    partial_update=op(
        _("Mengubah sebagian data pegawai"), request=EmployeeUpdateSerializer, responses=EmployeeSerializer
    ),
)
class EmployeeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RulesViewSet,
):
    # Employees, named by NIP. Writes go through the organisation services.

    rules_model = Employee
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeApiFilter
    lookup_field = "nip"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Employee]:
        return employees_for(self.request.user).select_related("superior")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(EmployeeCreateSerializer, request, context=self.get_serializer_context())
        with service_errors():
            employee = services.create_employee(
                nip=data["nip"],
                name=data["name"],
                email=data["email"],
                unit=data["unit"],
                position=data["position"],
                superior=data["superior"],
                kind=data["kind"],
                start=data.get("start") or timezone.localdate(),
                by=request.user,
            )
        return Response(EmployeeSerializer(employee).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        employee = self.get_object()
        data = validated(
            EmployeeUpdateSerializer, request, partial=partial, context=self.get_serializer_context()
        )
        values = {
            "nip": employee.nip,
            "name": employee.name,
            "email": employee.email,
            "unit": employee.unit,
            "position": employee.position,
            "superior": employee.superior,
            "is_active": employee.is_active,
        }
        values.update({key: data[key] for key in values if key in data})
        with service_errors():
            employee = services.update_employee(
                employee=employee,
                **values,
                move_start=data.get("move_start"),
                move_kind=data.get("move_kind", AssignmentKind.DEFINITIVE),
                by=request.user,
            )
        return Response(EmployeeSerializer(employee).data)
