from cloudfactory.users.lists import USER_LIST_PAGE

user_list = USER_LIST_PAGE.as_view()
panel = USER_LIST_PAGE.panel_as_view()
export = USER_LIST_PAGE.export_as_view()
