"""The API's own endpoints: the signed-in user (`/api/me/`) and tokens. The domain viewsets live in
each app's `api` module (organisations, planning, reporting) and are routed in `urls.py`.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from kinerja.accounts import lockout
from kinerja.accounts.models import User
from kinerja.accounts.tokens import issue_token
from kinerja.common.api import AUTHENTICATION, SafeJSONParser, documented, op
from kinerja.organisations.models import Employee

from .serializers import MeSerializer

# ---------------------------------------------------------------- the signed-in user and tokens


class MeView(APIView):
    # Who is signed in: the account, its roles on units and the linked employee.

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(summary=_("Pengguna yang sedang masuk"), responses=MeSerializer, tags=["akun"])
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated let only a signed-in user through
        employee = None
        if user.employee_id:
            employee = Employee.objects.select_related("unit", "position", "superior").get(
                pk=user.employee_id
            )
        data = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
            "is_superuser": user.is_superuser,
            "roles": user.roles.select_related("unit").order_by("unit__path", "role"),
            "employee": employee,
            "can_edit_people": user.has_perm("organisations.add_employee"),
        }
        return Response(MeSerializer(data).data)


@documented(
    "akun",
    post=op(
        _("Meminta token API"),
        description=_(
            "Kirim nama pengguna (atau NIP) dan kata sandi; pakai token yang diterima pada header "
            "`Authorization: Token <token>`."
        ),
    ),
)
class TokenView(ObtainAuthToken):
    # rest_framework.authtoken's obtain_auth_token, credentials only (no session, so no CSRF to send).

    authentication_classes = []
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]
    # DRF's ObtainAuthToken switches throttling off; a password endpoint needs it most.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            # django-axes refused the attempt before any password check: say so, as the login page does
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": lockout.locked_out_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS
                )
            raise
        # a new expiring key each time (accounts/tokens.py); the user sees and revokes them on /accounts/token/
        token, key = issue_token(
            user=serializer.validated_data["user"], name=str(_("Token API (lewat /api/auth/token/)"))
        )
        return Response({"token": key, "expires_at": token.expires_at})
