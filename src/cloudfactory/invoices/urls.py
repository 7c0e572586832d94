from cloudfactory.invoices.lists import INVOICE_LIST_PAGE

app_name = "invoices"

urlpatterns = INVOICE_LIST_PAGE.urls("invoices")
