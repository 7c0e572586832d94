from django.urls import path

from cloudfactory.customers import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/cards", views.cards, name="cards"),
    path("customers/export", views.export, name="export"),
    path("customers/<int:pk>", views.detail, name="detail"),
    path("customers/<int:pk>/panel", views.panel, name="panel"),
    path("customers/<int:pk>/history", views.history, name="history"),
    path("customers/<int:pk>/status", views.change_status, name="change_status"),
]
