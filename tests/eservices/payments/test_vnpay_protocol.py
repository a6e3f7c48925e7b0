"""VNPay signatures checked against values computed here independently (hmac/hashlib on a
hand-written string) and against the encodings of VNPay's official example."""

import datetime as dt
import hashlib
import hmac
from decimal import Decimal

import pytest

from eservices.payments import vnpay_protocol as vp

SECRET = "VNPAYSECRETKEY0123456789"


def hmac512(message: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).hexdigest()


PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "DEMOV210",
    "vnp_Amount": "1000000",
    "vnp_CurrCode": "VND",
    "vnp_TxnRef": "5",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_Locale": "vn",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_IpAddr": "13.160.92.202",
    "vnp_CreateDate": "20170829103111",
    "vnp_BankCode": "",  # empty: dropped
}
# Written out by hand: sorted keys, form-urlencoded as in VNPay's official example.
EXPECTED_QUERY = (
    "vnp_Amount=1000000&vnp_Command=pay&vnp_CreateDate=20170829103111&vnp_CurrCode=VND"
    "&vnp_IpAddr=13.160.92.202&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
    "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
    "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)


def test_canonical_query_is_sorted_form_urlencoded_without_empty_values():
    query = vp.canonical_query(PARAMS)
    assert query == EXPECTED_QUERY
    assert "vnp_OrderInfo=Thanh+toan+don+hang+%3A5" in query  # official example encoding
    assert "vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl" in query
    assert "vnp_BankCode" not in query


def test_signature_is_hmac_sha512_of_that_string():
    assert vp.sign_query(PARAMS, SECRET) == hmac512(EXPECTED_QUERY)
    assert len(vp.sign_query(PARAMS, SECRET)) == 128


def test_signed_url_carries_the_same_query_and_hash():
    url = vp.signed_url("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", PARAMS, SECRET)
    assert url == (
        "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?"
        + EXPECTED_QUERY
        + "&vnp_SecureHash="
        + hmac512(EXPECTED_QUERY)
    )


def test_verification_ignores_hash_fields_and_foreign_params_and_case():
    received = {**PARAMS, "vnp_SecureHash": hmac512(EXPECTED_QUERY).upper()}
    received["vnp_SecureHashType"] = "HmacSHA512"
    received["utm_source"] = "mail"
    assert vp.verify_query(received, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        {"vnp_Amount": "100000000"},
        {"vnp_TxnRef": "6"},
        {"vnp_ResponseCode": "00"},  # an added vnp_ field counts
        {"vnp_SecureHash": "0" * 128},
        {"vnp_SecureHash": ""},
    ],
)
def test_verification_refuses_any_change(tamper):
    received = {**PARAMS, "vnp_SecureHash": hmac512(EXPECTED_QUERY), **tamper}
    assert not vp.verify_query(received, SECRET)


def test_verification_refuses_another_secret():
    received = {**PARAMS, "vnp_SecureHash": hmac512(EXPECTED_QUERY, "other-secret")}
    assert not vp.verify_query(received, SECRET)


def test_querydr_hash_is_over_the_pipe_joined_values_in_vnpay_order():
    body = vp.querydr_request(
        secret=SECRET,
        request_id="a1b2c3",
        tmn_code="DEMOV210",
        txn_ref="P2612010A1B2C3D4E-1",
        order_info="Truy vấn đơn hàng",
        transaction_date="20261201101500",
        create_date=dt.datetime(2026, 12, 1, 3, 20, tzinfo=dt.UTC),
        ip_addr="127.0.0.1",
    )
    expected = (
        "a1b2c3|2.1.0|querydr|DEMOV210|P2612010A1B2C3D4E-1|20261201101500|20261201102000"
        "|127.0.0.1|Truy van don hang"
    )
    assert body["vnp_SecureHash"] == hmac512(expected)
    assert body["vnp_CreateDate"] == "20261201102000"  # 03:20 UTC = 10:20 GMT+7


def test_refund_hash_is_over_the_pipe_joined_values_in_vnpay_order():
    body = vp.refund_request(
        secret=SECRET,
        request_id="r1",
        tmn_code="DEMOV210",
        full=False,
        txn_ref="P1-1",
        amount=Decimal(50000),
        transaction_no="14123456",
        transaction_date="20261201101500",
        create_by="ketoan",
        create_date=dt.datetime(2026, 12, 1, 10, 30, tzinfo=vp.VN_TZ),
        ip_addr="127.0.0.1",
        order_info="Hoàn tiền",
    )
    expected = (
        "r1|2.1.0|refund|DEMOV210|03|P1-1|5000000|14123456|20261201101500|ketoan"
        "|20261201103000|127.0.0.1|Hoan tien"
    )
    assert body["vnp_SecureHash"] == hmac512(expected)
    assert body["vnp_TransactionType"] == "03"


def test_pipe_verification_of_an_answer():
    answer = {f: f"v{i}" for i, f in enumerate(vp.QUERYDR_RESPONSE_FIELDS)}
    answer["vnp_SecureHash"] = hmac512("|".join(f"v{i}" for i in range(15)))
    assert vp.verify_pipe(answer, vp.QUERYDR_RESPONSE_FIELDS, SECRET)
    answer["vnp_TransactionStatus"] = "00"
    assert not vp.verify_pipe(answer, vp.QUERYDR_RESPONSE_FIELDS, SECRET)


def test_amounts_are_vnd_times_100_and_whole():
    assert vp.amount_to_vnp(Decimal("150000")) == "15000000"
    assert vp.amount_from_vnp("15000000") == Decimal(150000)
    with pytest.raises(vp.VnpayProtocolError, match="vnp_Amount"):
        vp.amount_to_vnp(Decimal("150000.5"))
    with pytest.raises(vp.VnpayProtocolError):
        vp.amount_from_vnp("1500001")


def test_timestamps_are_gmt_plus_7():
    moment = dt.datetime(2026, 12, 31, 17, 30, 5, tzinfo=dt.UTC)
    assert vp.format_datetime(moment) == "20270101003005"
    assert vp.parse_datetime("20270101003005") == moment
    with pytest.raises(vp.VnpayProtocolError):
        vp.format_datetime(dt.datetime(2026, 1, 1))


def test_order_info_is_folded_and_kept_to_safe_characters():
    assert vp.safe_memo("Thanh toán hồ sơ #ĐK-01/2026 (bán trú)") == (
        "Thanh toan ho so DK-01 2026 ban tru"
    )
    with pytest.raises(vp.VnpayProtocolError, match="vnp_OrderInfo"):
        vp.safe_memo("!!!")


def test_pay_params_refuse_unsafe_references():
    with pytest.raises(vp.VnpayProtocolError, match="vnp_TxnRef"):
        vp.check_txn_ref("a b")
