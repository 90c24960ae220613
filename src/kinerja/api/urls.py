"""/api/: the REST API, its OpenAPI schema and its documentation pages (served from vendored files only)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from kinerja.appraisals import api as appraisals_api
from kinerja.contracts import api as contracts_api
from kinerja.meetings import action_api, endorsement_api, evaluation_api
from kinerja.meetings import api as meetings_api
from kinerja.notifications import api as notifications_api
from kinerja.organisations import api as organisations_api
from kinerja.organisations import import_api as organisations_import_api
from kinerja.planning.api import initiatives, kpis, maps, objectives, risks
from kinerja.reporting import api as reporting_api

from . import views

router = SimpleRouter()
router.register("units", organisations_api.UnitViewSet, basename="api-unit")
router.register("positions", organisations_api.PositionViewSet, basename="api-position")
router.register("employees", organisations_api.EmployeeViewSet, basename="api-employee")
router.register("reporting-periods", reporting_api.ReportingPeriodViewSet, basename="api-reporting-period")
router.register("realizations", reporting_api.RealizationViewSet, basename="api-realization")
router.register("scorecards", reporting_api.ScoreSnapshotViewSet, basename="api-scorecard")
router.register("strategy-maps", maps.StrategyMapViewSet, basename="api-strategy-map")
router.register("objectives", objectives.ObjectiveViewSet, basename="api-objective")
router.register("objective-links", objectives.ObjectiveLinkViewSet, basename="api-objective-link")
router.register("kpis", kpis.KpiViewSet, basename="api-kpi")
router.register("initiatives", initiatives.InitiativeViewSet, basename="api-initiative")
router.register("risks", risks.RiskViewSet, basename="api-risk")
router.register(
    "realization-imports", reporting_api.RealizationImportViewSet, basename="api-realization-import"
)
router.register("import-jobs", reporting_api.ImportJobViewSet, basename="api-import-job")
router.register("contracts", contracts_api.ContractViewSet, basename="api-contract")
router.register("contract-kpis", contracts_api.ContractKpiViewSet, basename="api-contract-kpi")
router.register("cascades", contracts_api.CascadeViewSet, basename="api-cascade")
router.register("cascade-links", contracts_api.CascadeLinkViewSet, basename="api-cascade-link")
router.register("appraisal-campaigns", appraisals_api.CampaignViewSet, basename="api-appraisal-campaign")
router.register(
    "appraisal-assignments", appraisals_api.AssignmentViewSet, basename="api-appraisal-assignment"
)
router.register("appraisal-scores", appraisals_api.ScoreRecordViewSet, basename="api-appraisal-score")
router.register(
    "appraisal-behaviour-scores",
    appraisals_api.BehaviourScoreViewSet,
    basename="api-appraisal-behaviour-score",
)
router.register("appraisal-sentences", appraisals_api.SentenceViewSet, basename="api-appraisal-sentence")
router.register(
    "appraisal-corrections", appraisals_api.CorrectionViewSet, basename="api-appraisal-correction"
)
router.register(
    "appraisal-calibrations", appraisals_api.CalibrationSessionViewSet, basename="api-appraisal-calibration"
)
router.register(
    "appraisal-calibration-adjustments",
    appraisals_api.CalibrationAdjustmentViewSet,
    basename="api-appraisal-calibration-adjustment",
)
router.register("appraisal-recaps", appraisals_api.RecapViewSet, basename="api-appraisal-recap")
# --- the yearly evaluation of performance management (issue 14)
router.register(
    "evaluation-questionnaires", evaluation_api.QuestionnaireViewSet, basename="api-evaluation-questionnaire"
)
router.register("evaluation-rounds", evaluation_api.RoundViewSet, basename="api-evaluation-round")
router.register("unit-evaluations", evaluation_api.EvaluationViewSet, basename="api-unit-evaluation")
router.register("actions", action_api.ActionViewSet, basename="api-action")
router.register("notifications", notifications_api.NotificationViewSet, basename="api-notification")
router.register("meetings", meetings_api.MeetingViewSet, basename="api-meeting")
router.register(
    "appraisal-nominations", appraisals_api.NominationViewSet, basename="api-appraisal-nomination"
)
router.register("nko-endorsements", endorsement_api.EndorsementViewSet, basename="api-nko-endorsement")
# --- the organisation file through the API (issue 15)
router.register(
    "organisation-imports",
    organisations_import_api.OrganisationImportViewSet,
    basename="api-organisation-import",
)

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path(
        "notification-preferences/",
        notifications_api.PreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "docs/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    *router.urls,
]
