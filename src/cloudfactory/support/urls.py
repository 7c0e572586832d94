from cloudfactory.support.lists import TICKET_LIST_PAGE

app_name = "support"

urlpatterns = TICKET_LIST_PAGE.urls("support")
