"""Production refuses the sandbox gateway and an enabled VNPay without its merchant settings."""

# school_pkcs12 (autouse) gives each production subprocess the signing key it needs.
from tests.portal.test_prod_settings import load_prod, school_pkcs12  # noqa: F401

REAL_SMS = {"ADMISSIONS_SMS_BACKEND": "viettel"}
VNPAY = {
    "PAYMENT_PROVIDERS": "vnpay",
    "VNPAY_TMN_CODE": "SCHOOL01",
    "VNPAY_HASH_SECRET": "s" * 32,
    "VNPAY_PAY_URL": "https://pay.vnpay.vn/vpcpay.html",
    "VNPAY_API_URL": "https://merchant.vnpay.vn/merchant_webapi/api/transaction",
}


def test_production_refuses_the_sandbox():
    result = load_prod(**REAL_SMS, VNPAY_SANDBOX_ENABLED="1")
    assert result.returncode != 0
    assert "VNPAY_SANDBOX_ENABLED must be off in production" in result.stderr


def test_production_refuses_vnpay_without_its_secret():
    result = load_prod(**REAL_SMS, **{**VNPAY, "VNPAY_HASH_SECRET": ""})
    assert result.returncode != 0
    assert "VNPay is enabled but VNPAY_HASH_SECRET not set" in result.stderr


def test_production_refuses_plain_http_gateway_urls():
    result = load_prod(**REAL_SMS, **{**VNPAY, "VNPAY_API_URL": "http://merchant.example/api"})
    assert result.returncode != 0
    assert "must be https://" in result.stderr


def test_production_loads_with_vnpay_configured():
    result = load_prod(**REAL_SMS, **VNPAY)
    assert result.returncode == 0, result.stderr
