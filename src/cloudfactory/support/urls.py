from django.urls import path

from cloudfactory.support import views

app_name = "support"

urlpatterns = [
    path("support", views.ticket_list, name="list"),
    path("support/export", views.export, name="export"),
    path("support/<int:pk>/panel", views.panel, name="panel"),
]
