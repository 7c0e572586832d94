"""One factory per model; each creates through the service layer, so counters,
search text, totals and the event log are what production would have."""

import factory

from cloudfactory.customers import services as customer_services
from cloudfactory.customers.models import Customer
from cloudfactory.invoices import services as invoice_services
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders import services as order_services
from cloudfactory.orders.models import Order
from cloudfactory.staff.models import StaffUser
from cloudfactory.staff.services import staff_create_or_update
from cloudfactory.support import services as support_services
from cloudfactory.support.models import Ticket
from cloudfactory.users import services as user_services
from cloudfactory.users.models import TenantUser

STAFF_PASSWORD = "correct horse battery staple"


class ServiceFactory(factory.Factory):
    """Builds keyword arguments, then hands them to `_service`."""

    _service = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._service(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return model_class(**kwargs)


class CustomerFactory(ServiceFactory):
    class Meta:
        model = Customer

    _service = staticmethod(customer_services.customer_register)
    name = factory.Sequence(lambda n: f"Customer {n}")
    type = Customer.Type.COMPANY
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class TenantUserFactory(ServiceFactory):
    class Meta:
        model = TenantUser

    _service = staticmethod(user_services.tenant_user_add)
    customer_id = factory.LazyFunction(lambda: CustomerFactory().pk)
    name = factory.Sequence(lambda n: f"User {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")


class OrderFactory(ServiceFactory):
    class Meta:
        model = Order

    _service = staticmethod(order_services.order_place)
    customer_id = factory.LazyFunction(lambda: CustomerFactory().pk)
    total_minor = 12_500


class InvoiceFactory(ServiceFactory):
    class Meta:
        model = Invoice

    _service = staticmethod(invoice_services.invoice_issue)
    customer_id = factory.LazyFunction(lambda: CustomerFactory().pk)
    amount_minor = 12_500


class TicketFactory(ServiceFactory):
    class Meta:
        model = Ticket

    _service = staticmethod(support_services.ticket_open)
    customer_id = factory.LazyFunction(lambda: CustomerFactory().pk)
    subject = factory.Sequence(lambda n: f"Question {n}")


class StaffFactory(ServiceFactory):
    class Meta:
        model = StaffUser

    _service = staticmethod(lambda **kw: staff_create_or_update(**kw)[0])
    email = factory.Sequence(lambda n: f"staff{n}@cloudfactory.test")
    password = STAFF_PASSWORD
    role = "admin"
