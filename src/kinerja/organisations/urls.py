from django.urls import path

from . import account_views, import_views, reorg_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("unit/<str:code>/", views.unit_detail, name="unit-detail"),
    path("unit/<str:code>/cabang/", views.unit_children, name="unit-children"),
    path("unit/<str:code>/tambah-unit/", views.unit_create, name="unit-create"),
    path("unit/<str:code>/ubah/", views.unit_update, name="unit-update"),
    path("unit/<str:code>/pindah/", views.unit_move, name="unit-move"),
    path("unit/<str:code>/tambah-jabatan/", views.position_create, name="position-create"),
    path("jabatan/opsi/", views.position_options, name="position-options"),
    path("opsi-jabatan/", views.position_picker_options, name="position-picker-options"),
    path("opsi-unit/", views.unit_options, name="unit-options"),
    path("opsi-pegawai/", views.employee_options, name="employee-options"),
    path("jabatan/<str:code>/ubah/", views.position_update, name="position-update"),
    path("pegawai/", views.employee_list, name="employee-list"),
    path("pegawai/tambah/", views.employee_create, name="employee-create"),
    path("pegawai/<str:nip>/", views.employee_detail, name="employee-detail"),
    path("pegawai/<str:nip>/ubah/", views.employee_update, name="employee-update"),
    path("peran/", views.role_list, name="role-list"),
    path("peran/<int:pk>/cabut/", views.role_revoke, name="role-revoke"),
    path("akun/surel-kata-sandi/", account_views.password_mails, name="password-mails"),
    path("akun/surel-kata-sandi/<int:pk>/", account_views.password_mail_job, name="password-mail-job"),
]

# --- reorganisation (issue 15 item 4): move, merge, split with a preview (reorg_views.py)
urlpatterns += [
    path("reorganisasi/", reorg_views.reorg_list, name="reorg-list"),
    path("reorganisasi/baru/<str:kind>/", reorg_views.reorg_create, name="reorg-create"),
    path("reorganisasi/<int:pk>/", reorg_views.reorg_detail, name="reorg-detail"),
    path("reorganisasi/<int:pk>/terapkan/", reorg_views.reorg_apply, name="reorg-apply"),
    path("reorganisasi/<int:pk>/batalkan/", reorg_views.reorg_discard, name="reorg-discard"),
]

# the organisation file, uploaded (issue 15): preview, apply
urlpatterns += [
    path("impor/", import_views.import_start, name="import"),
    path("impor/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("impor/<int:pk>/terapkan/", import_views.import_apply, name="import-apply"),
    path("impor/<int:pk>/pratinjau/", import_views.import_repreview, name="import-repreview"),
]
