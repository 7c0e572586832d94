from django.urls import path

from cloudfactory.customers import views
from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.web.converters import ROW_ID

app_name = "customers"

urlpatterns = [
    *CUSTOMER_LIST_PAGE.urls("customers/"),
    path("customers/cards", views.cards, name="cards"),
    path(f"customers/<{ROW_ID}:pk>/history", views.history, name="history"),
    path(f"customers/<{ROW_ID}:pk>/status", views.change_status, name="change_status"),
]
