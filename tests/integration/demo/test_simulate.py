"""`cloudfactory simulate`: realistic changes through the services at a chosen rate."""

import re
from collections import Counter
from io import StringIO
from random import Random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.demo.loader import demo_load
from cloudfactory.demo.simulate import (
    MAX_LAG,
    SKIPPED,
    TRANSITIONS,
    Change,
    Simulator,
    random_row,
    run,
)
from cloudfactory.demo.vocabulary import STATUS_REASONS
from cloudfactory.errors import DomainError
from cloudfactory.overview import recount
from tests.factories import CustomerFactory

CHANGE_LINE = re.compile(r"^\d\d:\d\d:\d\d [a-z]+ [a-z]+ \S.*$")


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("simulate", "--rate", "1000", *args, stdout=out)
    return out.getvalue()


def change_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if CHANGE_LINE.match(line)]


def summary_counts(output: str) -> dict[str, int]:
    """{"order placed": 12, ...} from the summary's lines."""
    rows = re.findall(r"^ +([\d,]+)  (.+)$", output, re.MULTILINE)
    return {label: int(n.replace(",", "")) for n, label in rows}


def event_counts() -> dict[str, int]:
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    return {Event.LABELS[kind].lower(): n for kind, n in kinds.items()}


def assert_counters_and_totals_exact():
    assert recount.customer_drift() == []
    assert recount.totals_drift() == {}


@pytest.mark.django_db
def test_an_empty_database_gets_customers_first_then_changes_of_every_sort():
    output = simulate("--changes", "80", "--seed", "3")

    assert Customer.objects.exists()
    first = change_lines(output)[0]
    assert " customer created " in first
    # Each change is one service call, which appends one event.
    assert Event.objects.count() == 80
    assert len(change_lines(output)) == 80
    assert summary_counts(output) == event_counts()
    assert {"customer created", "user added", "order placed", "invoice issued"} <= set(
        event_counts()
    )
    assert len(event_counts()) >= 7
    assert_counters_and_totals_exact()


@pytest.mark.django_db
def test_existing_customers_and_records_are_picked_and_stay_consistent(now):
    demo_load(12, seed=2, now=now, progress=False)
    before = set(Customer.objects.values_list("id", flat=True))
    last_event = Event.objects.order_by("id").last().pk

    simulate("--changes", "150", "--seed", "11", "--quiet")

    events = Event.objects.filter(id__gt=last_event)
    assert events.count() == 150
    assert events.filter(customer_id__in=before).count() > 75
    kinds = set(events.values_list("kind", flat=True))
    assert {"invoice.paid", "ticket.closed", "customer.created"} <= kinds
    for change in events.filter(kind="customer.status_changed"):
        move = (change.payload["from"], change.payload["to"])
        assert move in TRANSITIONS
        assert change.payload["reason"] in STATUS_REASONS[move[1]]
    assert_counters_and_totals_exact()


@pytest.mark.django_db
def test_a_change_line_says_what_changed_and_for_whom():
    output = simulate("--changes", "30", "--seed", "3")

    orders = [line for line in change_lines(output) if " order placed " in line]
    assert orders
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d order placed ORD-\d+-\d{4} for .+, \$[\d,]+\.\d\d", orders[0]
    )
    assert output.startswith("Simulating 1000 changes a second with --seed 3.\n")
    assert "Made 30 changes in " in output


@pytest.mark.django_db
def test_quiet_prints_only_the_start_and_the_summary():
    output = simulate("--changes", "10", "--seed", "3", "--quiet")

    assert change_lines(output) == []
    assert sum(summary_counts(output).values()) == 10


def _lines_of_a_run_on_fresh_data(seed: int, now: int) -> list[str]:
    """The change lines, without their times, of a run on the same demo data
    loaded into emptied tables whose ids start again from 1."""
    call_command("flush", interactive=False, reset_sequences=True)
    demo_load(6, seed=2, now=now, progress=False)
    output = simulate("--changes", "30", "--seed", str(seed))
    return [line[9:] for line in change_lines(output)]


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_on_the_same_data_makes_the_same_changes(now):
    first = _lines_of_a_run_on_fresh_data(21, now)

    assert len(first) == 30
    assert _lines_of_a_run_on_fresh_data(21, now) == first
    assert _lines_of_a_run_on_fresh_data(22, now) != first


@pytest.mark.django_db
def test_a_duration_stops_the_run_on_time():
    output = simulate("--rate", "20", "--duration", "0.3", "--seed", "3")

    made = int(re.search(r"Made (\d+) changes in ([\d.]+) s", output).group(1))
    assert 3 <= made <= 6  # due at 0, 0.05, ... 0.25 s
    assert float(re.search(r"changes in ([\d.]+) s", output).group(1)) < 1.5


@pytest.mark.django_db
def test_ctrl_c_ends_the_run_with_its_summary(monkeypatch):
    real_step = Simulator.step
    calls = []

    def step_then_interrupt(self):
        calls.append(1)
        if len(calls) > 5:
            raise KeyboardInterrupt
        return real_step(self)

    monkeypatch.setattr(Simulator, "step", step_then_interrupt)

    output = simulate("--seed", "3")

    assert "Made 5 changes in " in output
    assert Event.objects.count() == 5
    assert_counters_and_totals_exact()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate", "0"], "--rate must be more than 0 and at most 1000 changes"),
        (["--rate", "-2"], "--rate must be more than 0 and at most 1000 changes"),
        (["--rate", "1001"], "--rate must be more than 0 and at most 1000 changes"),
        (["--rate", "nan"], "--rate must be more than 0 and at most 1000 changes"),
        (["--duration", "0"], "--duration must be a number of seconds more than 0"),
        (["--duration", "-1"], "--duration must be a number of seconds more than 0"),
        (["--duration", "inf"], "--duration must be a number of seconds more than 0"),
        (["--changes", "0"], "--changes must be at least 1"),
        (["--rate", "fast"], "invalid float value: 'fast'"),
        (["--only", "order.cancelled"], "--only: order.cancelled is not a kind"),
    ],
)
def test_bad_arguments_are_refused_with_a_sentence(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("simulate", *args, stdout=StringIO())
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_only_makes_the_kinds_it_names():
    simulate("--seed", "3", "--changes", "12", "--only", "customer.created")
    assert event_counts() == {"customer created": 12}
    simulate("--seed", "4", "--changes", "20", "--only", "order.placed,ticket.opened")
    made = set(event_counts()) - {"customer created"}
    assert made == {"order placed", "ticket opened"}
    assert_counters_and_totals_exact()


@pytest.mark.django_db
def test_a_random_row_is_one_of_the_filtered_rows_and_any_of_them():
    customers = [CustomerFactory(status="suspended") for _ in range(3)]
    CustomerFactory(status="active")
    suspended = Customer.objects.filter(status="suspended")
    rng = Random(1)

    picked = {random_row(suspended, "created_at", rng).pk for _ in range(60)}
    by_id = {random_row(suspended, "pk", rng).pk for _ in range(60)}

    assert picked == by_id == {c.pk for c in customers}
    assert random_row(Customer.objects.filter(status="inactive"), "pk", rng) is None


class FakeClock:
    """A monotonic clock that only moves when slept on or told to."""

    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def run_with(clock: FakeClock, cost: float, **options) -> list[float]:
    """When each change started, relative to the run's start; each takes `cost`."""
    started = []

    def step() -> Change:
        started.append(round(clock.now - 100.0, 6))
        clock.now += cost
        return Change("order.placed", "")

    run(step, clock=clock, sleep=clock.sleep, **options)
    return started


def test_changes_keep_to_the_schedule_however_long_each_takes():
    clock = FakeClock()

    started = run_with(clock, cost=0.07, rate=10, limit=5)

    assert started == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_a_run_that_is_behind_does_not_sleep_and_catches_up():
    clock = FakeClock()

    started = run_with(clock, cost=0.15, rate=10, limit=4)

    assert clock.slept == []
    assert started == [0.0, 0.15, 0.3, 0.45]


def test_after_a_long_stall_the_schedule_restarts_instead_of_bursting():
    clock = FakeClock()
    costs = iter([MAX_LAG + 2, 0.0, 0.0, 0.0])

    def step() -> Change:
        clock.now += next(costs)
        return Change("order.placed", "")

    starts = []
    run(
        lambda: starts.append(clock.now) or step(),
        rate=10,
        limit=4,
        clock=clock,
        sleep=clock.sleep,
    )

    after_stall = [round(t - starts[1], 6) for t in starts[1:]]
    assert after_stall == [0.0, 0.1, 0.2]


def test_a_duration_ends_the_run_without_sleeping_past_it():
    clock = FakeClock()

    started = run_with(clock, cost=0.0, rate=4, duration=1.1)

    assert started == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert round(clock.now - 100.0, 6) == 1.1


def test_a_change_another_writer_got_to_first_is_skipped_not_fatal():
    clock = FakeClock()
    reports = []

    def step() -> Change:
        raise DomainError("Invoice INV-1-0001 is paid; only open invoices can be paid.")

    run(
        step, rate=10, limit=2, on_change=reports.append, clock=clock, sleep=clock.sleep
    )

    assert [change.kind for change in reports] == [SKIPPED, SKIPPED]
    assert "is paid" in reports[0].text
