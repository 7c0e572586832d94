"""Fixed word lists of the demo data, with how often each value occurs."""

from cloudfactory.text import fold

CARD_BRANDS = (
    ("Visa", 50),
    ("Mastercard", 31),
    ("Amex", 10),
    ("Discover", 4),
    ("JCB", 2),
    ("Diners Club", 2),
    ("UnionPay", 1),
)

# Roles after the first user, who owns the tenant.
USER_ROLES = (("admin", 10), ("member", 64), ("billing", 8), ("read_only", 18))

TICKET_PRIORITIES = (("low", 20), ("normal", 55), ("high", 20), ("urgent", 5))

# Why a customer was moved to a status, by the status it was moved to.
STATUS_REASONS = {
    "active": (
        "Payment received",
        "Card updated after a decline",
        "Review closed, no violation found",
        "Chargeback resolved",
        "Customer came back",
    ),
    "suspended": (
        "Payment overdue",
        "Card declined three times",
        "Chargeback under review",
        "Suspected abuse reported by the network team",
        "Requested by the customer during an audit",
        "Terms of service violation under review",
    ),
    "inactive": (
        "Contract ended",
        "Customer closed the account",
        "Company dissolved",
        "Moved to another provider",
        "No activity for twelve months",
    ),
}

_PRODUCTS = (
    "Compute",
    "Object Storage",
    "Managed PostgreSQL",
    "Load Balancer",
    "DNS",
    "Kubernetes",
    "Backups",
    "CDN",
    "Mail Relay",
    "Billing portal",
    "API",
    "Single sign-on",
    "Audit log",
    "Dashboard",
)

_SUBJECT_TEMPLATES = (
    "{p}: cannot log in since this morning",
    "{p} is slow for our users in Europe",
    "Error 502 when calling {p}",
    "How do I export data from {p}?",
    "Please raise our {p} quota",
    "{p} invoice shows the wrong VAT number",
    "Question about {p} pricing",
    "{p} outage after the last maintenance",
    "Request to enable {p} for a new team",
    "{p}: permission denied for an admin user",
    "Cancel {p} at the end of the month",
    "{p} usage looks higher than expected",
)

_GENERAL_SUBJECTS = (
    "Update the billing address on our account",
    "Add a second payment card",
    "Change the owner of our tenant",
    "Two-factor codes are not arriving",
    "Refund request for a duplicate charge",
    "GDPR data processing agreement",
    "Invitation e-mail went to spam",
    "Café Müller: receipt needed for accounting",
    "Résumé of our support plan, please",
    "Our user Łukasz cannot reset his password",
)

# (subject, folded subject): folded once here instead of once per ticket.
TICKET_SUBJECTS = tuple(
    (subject, fold(subject))
    for subject in (
        *(t.format(p=p) for t in _SUBJECT_TEMPLATES for p in _PRODUCTS),
        *_GENERAL_SUBJECTS,
    )
)
