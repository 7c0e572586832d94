from django.contrib.auth import views as auth_views
from django.urls import path

from cloudfactory.staff.views import LoginView, set_theme

app_name = "staff"

urlpatterns = [
    path("login", LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("me/theme", set_theme, name="theme"),
]
