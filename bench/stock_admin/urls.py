from django.urls import path

from cloudfactory.urls import handler500
from cloudfactory.urls import urlpatterns as product_urlpatterns
from stock_admin.admin import site

urlpatterns = [path("django-admin/", site.urls), *product_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
