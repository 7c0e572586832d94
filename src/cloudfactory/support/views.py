from cloudfactory.support.lists import TICKET_LIST_PAGE

ticket_list = TICKET_LIST_PAGE.as_view()
panel = TICKET_LIST_PAGE.panel_as_view()
export = TICKET_LIST_PAGE.export_as_view()
