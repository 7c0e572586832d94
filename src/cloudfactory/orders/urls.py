from django.urls import path

from cloudfactory.orders import views

app_name = "orders"

urlpatterns = [
    path("orders", views.order_list, name="list"),
    path("orders/export", views.export, name="export"),
    path("orders/<int:pk>/panel", views.panel, name="panel"),
]
