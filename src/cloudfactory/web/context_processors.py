from django.urls import NoReverseMatch, reverse

# Sidebar entries: label, URL name, permission needed to see it.
NAVIGATION = (
    ("Overview", "overview:home", None),
    ("Customers", "customers:list", "customers.view_customer"),
    ("Users", "users:list", "users.view_tenantuser"),
    ("Orders", "orders:list", "orders.view_order"),
    ("Invoices", "invoices:list", "invoices.view_invoice"),
    ("Support", "support:list", "support.view_ticket"),
)


def navigation(request) -> dict:
    """The sidebar: each page that exists and that this staff member may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, url_name, permission in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if permission and not user.has_perm(permission):
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}
