from django.urls import path

from cloudfactory.customers import views
from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE

app_name = "customers"

urlpatterns = [
    *CUSTOMER_LIST_PAGE.urls("customers/"),
    path("customers/cards", views.cards, name="cards"),
    path("customers/<int:pk>", views.detail, name="detail"),
    path("customers/<int:pk>/history", views.history, name="history"),
    path("customers/<int:pk>/status", views.change_status, name="change_status"),
]
