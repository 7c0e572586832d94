from django.urls import path

from cloudfactory.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("activity", views.activity, name="activity"),
]
