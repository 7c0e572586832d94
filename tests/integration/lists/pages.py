"""Every list page of the platform, by its path."""

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.invoices.lists import INVOICE_LIST_PAGE
from cloudfactory.orders.lists import ORDER_LIST_PAGE
from cloudfactory.support.lists import TICKET_LIST_PAGE
from cloudfactory.users.lists import USER_LIST_PAGE

LIST_PAGES = {
    "/customers/": CUSTOMER_LIST_PAGE,
    "/users": USER_LIST_PAGE,
    "/orders": ORDER_LIST_PAGE,
    "/invoices": INVOICE_LIST_PAGE,
    "/support": TICKET_LIST_PAGE,
}
