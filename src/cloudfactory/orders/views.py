from cloudfactory.orders.lists import ORDER_LIST_PAGE

order_list = ORDER_LIST_PAGE.as_view()
panel = ORDER_LIST_PAGE.panel_as_view()
export = ORDER_LIST_PAGE.export_as_view()
