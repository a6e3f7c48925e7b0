"""Statement import: matched, unmatched, short, over, duplicate; nothing is paid twice; an
overlapping statement is harmless; staff resolve what is left."""

from decimal import Decimal

import pytest

from eservices.payments.constants import PaymentStatus, StatementOutcome
from eservices.payments.exceptions import StatementUnreadable
from eservices.payments.models import PaymentEvent, StatementLine
from eservices.payments.services import statement_import, statement_line_resolve
from portal.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db

HEADER = "Ngày giao dịch;Số tham chiếu;Số tiền ghi có;Nội dung\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_every_outcome_and_nothing_paid_twice(
    make_payment, accountant, settled, django_capture_on_commit_callbacks
):
    exact = make_payment(amount=150000, order_code="DK-261201-0001", checkout=False)
    short = make_payment(amount=150000, order_code="DK-261201-0002", checkout=False)
    over = make_payment(amount=150000, order_code="DK-261201-0003", checkout=False)
    content = csv(
        "01/12/2026;FT01;150.000;MBVCB DK 261201 0001 tien an",
        "01/12/2026;FT02;100.000;DK2612010002",
        "01/12/2026;FT03;200.000;dk-261201-0003 hoc phi",
        "02/12/2026;FT04;150.000;DK-261201-0001 chuyen lan 2",
        "02/12/2026;FT05;90.000;ung ho quy lop",
    )
    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_import(content=content, file_name="saoke.csv", actor=accountant)
    outcomes = dict(
        StatementLine.objects.filter(statement=statement).values_list("bank_reference", "outcome")
    )
    assert outcomes == {
        "FT01": StatementOutcome.MATCHED,
        "FT02": StatementOutcome.SHORT,
        "FT03": StatementOutcome.OVER,
        "FT04": StatementOutcome.DUPLICATE,
        "FT05": StatementOutcome.UNMATCHED,
    }
    for payment, status in ((exact, "paid"), (short, "pending"), (over, "pending")):
        payment.refresh_from_db()
        assert payment.status == status
    assert (exact.channel, exact.provider_reference) == ("bank_transfer", "FT01")
    assert [s.purpose_ref for s in settled.calls] == [exact.purpose_ref]
    assert PaymentEvent.objects.filter(payment=exact, to_status="paid").count() == 1

    # The next statement overlaps the first: known lines are skipped, nothing changes.
    again = statement_import(
        content=content + b"03/12/2026;FT06;150.000;DK-261201-0002 bu\n",
        file_name="saoke2.csv",
        actor=accountant,
    )
    assert (again.lines_read, again.lines_already_known) == (6, 5)
    assert StatementLine.objects.get(bank_reference="FT06").outcome == StatementOutcome.MATCHED
    short.refresh_from_db()
    assert short.status == PaymentStatus.PAID
    assert StatementLine.objects.filter(bank_reference="FT01").count() == 1
    assert len(settled.calls) == 1  # not executed on commit here; no second credit for FT01


def test_a_payment_paid_through_vnpay_then_by_transfer_is_a_duplicate(
    client, make_payment, accountant
):
    from .conftest import gateway_result

    payment = make_payment(amount=50000, order_code="DK-261201-0009")
    assert client.get("/thanh-toan/vnpay/ipn/", gateway_result(payment)).json()["RspCode"] == "00"
    statement_import(
        content=csv("05/12/2026;FT09;50.000;DK-261201-0009"), file_name="s.csv", actor=accountant
    )
    line = StatementLine.objects.get(bank_reference="FT09")
    assert (line.outcome, line.payment_id) == (StatementOutcome.DUPLICATE, payment.pk)
    payment.refresh_from_db()
    assert (payment.channel, payment.refunded_amount) == ("vnpay", Decimal(0))


def test_two_identical_lines_without_bank_reference_stay_two(make_payment, accountant):
    make_payment(amount=10000, order_code="DK-261201-0010", checkout=False)
    content = (
        "Ngày;Ghi có;Nội dung\n06/12/2026;10.000;DK-261201-0010\n06/12/2026;10.000;DK-261201-0010\n"
    ).encode()
    statement_import(content=content, file_name="s.csv", actor=accountant)
    outcomes = sorted(StatementLine.objects.values_list("outcome", flat=True))
    assert outcomes == ["duplicate", "matched"]
    statement_import(content=content, file_name="s.csv", actor=accountant)
    assert StatementLine.objects.count() == 2


def test_an_unreadable_statement_changes_nothing(accountant):
    with pytest.raises(StatementUnreadable) as caught:
        statement_import(
            content=csv("31/02/2026;FT1;1.000;x"), file_name="bad.csv", actor=accountant
        )
    assert caught.value.field == "file"
    assert "row 2" in caught.value.message
    assert StatementLine.objects.count() == 0


def test_staff_resolve_with_a_note(make_payment, accountant, client):
    statement_import(content=csv("01/12/2026;FT7;5.000;khong ro"), file_name="s.csv",
                     actor=accountant)  # fmt: skip
    line = StatementLine.objects.get()
    client.force_login(accountant)
    page = client.get("/thanh-toan/quan-ly/")
    assert page.status_code == 200
    assert list(page.context["lines"]) == [line]
    with pytest.raises(InvalidInput) as no_note:
        statement_line_resolve(line=line, note=" ", actor=accountant)
    assert no_note.value.field == "note"
    client.post(f"/thanh-toan/quan-ly/sao-ke/dong/{line.pk}/", {"note": "Hoàn lại cho phụ huynh"})
    line.refresh_from_db()
    assert line.resolved_by == accountant
    assert list(client.get("/thanh-toan/quan-ly/").context["lines"]) == []
