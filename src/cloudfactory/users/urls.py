from django.urls import path

from cloudfactory.users import views

app_name = "users"

urlpatterns = [
    path("users", views.user_list, name="list"),
    path("users/export", views.export, name="export"),
    path("users/<int:pk>/panel", views.panel, name="panel"),
]
