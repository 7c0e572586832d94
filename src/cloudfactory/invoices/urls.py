from django.urls import path

from cloudfactory.invoices import views

app_name = "invoices"

urlpatterns = [
    path("invoices", views.invoice_list, name="list"),
    path("invoices/export", views.export, name="export"),
    path("invoices/<int:pk>/panel", views.panel, name="panel"),
]
