"""The product's settings plus `django.contrib.admin` at /django-admin/."""

from cloudfactory.settings import *  # noqa: F403
from cloudfactory.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]
ROOT_URLCONF = "stock_admin.urls"
# The admin's count and OFFSET at 1M rows take seconds: let them finish, so
# the comparison times them rather than the deadline.
DATABASE_QUERY_DEADLINE = 120
