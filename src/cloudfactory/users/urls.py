from cloudfactory.users.lists import USER_LIST_PAGE

app_name = "users"

urlpatterns = USER_LIST_PAGE.urls("users")
