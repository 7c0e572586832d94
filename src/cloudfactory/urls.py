from django.urls import include, path

# A 500 that the database caused is a 503 with a sentence (web/database.py).
handler500 = "cloudfactory.web.database.server_error"

urlpatterns = [
    path("", include("cloudfactory.web.urls")),
    path("", include("cloudfactory.overview.urls")),
    path("", include("cloudfactory.staff.urls")),
    path("", include("cloudfactory.customers.urls")),
    path("", include("cloudfactory.users.urls")),
    path("", include("cloudfactory.orders.urls")),
    path("", include("cloudfactory.invoices.urls")),
    path("", include("cloudfactory.support.urls")),
    path("", include("cloudfactory.search.urls")),
]
