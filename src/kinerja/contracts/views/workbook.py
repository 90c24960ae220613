from django.http import HttpResponse

def export_xlsx(request, unit_pk, year):  # placeholder
    return HttpResponse()

def import_view(request, unit_pk, year):
    return HttpResponse()
