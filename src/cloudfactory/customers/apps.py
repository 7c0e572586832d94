from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "cloudfactory.customers"
    label = "customers"

    def ready(self):
        from cloudfactory.activity.messages import describe
        from cloudfactory.customers import live

        describe(
            customers=live.customer_snapshots,
            figures=live.totals_figures,
            restricted={"customers.view_billing": live.BILLING_FIELDS},
        )
