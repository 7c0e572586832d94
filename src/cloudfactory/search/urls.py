from django.urls import path

from cloudfactory.search import views

app_name = "search"

urlpatterns = [
    path("palette", views.palette, name="palette"),
    path("palette/recent", views.remember, name="remember"),
]
