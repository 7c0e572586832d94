from cloudfactory.invoices.lists import INVOICE_LIST_PAGE

invoice_list = INVOICE_LIST_PAGE.as_view()
panel = INVOICE_LIST_PAGE.panel_as_view()
export = INVOICE_LIST_PAGE.export_as_view()
