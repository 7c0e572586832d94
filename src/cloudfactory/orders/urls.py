from cloudfactory.orders.lists import ORDER_LIST_PAGE

app_name = "orders"

urlpatterns = ORDER_LIST_PAGE.urls("orders")
