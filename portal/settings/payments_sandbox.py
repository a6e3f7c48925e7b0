"""Development and test only: payments through the local VNPay sandbox gateway and a demo school
account (no real money). Each value can still be overridden from the environment."""

from .env import env_bool, env_list, env_str

PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", "vnpay")
VNPAY_SANDBOX_ENABLED = env_bool("VNPAY_SANDBOX_ENABLED", True)
VNPAY_TMN_CODE = env_str("VNPAY_TMN_CODE", "PORTAL01")
VNPAY_HASH_SECRET = env_str("VNPAY_HASH_SECRET", "sandbox-only-hash-secret-not-for-production")
VNPAY_PAY_URL = env_str("VNPAY_PAY_URL", "/thanh-toan/sandbox/paymentv2/vpcpay.html")
# Server-to-server calls need an absolute URL: `make run` serves on 127.0.0.1:8000 (tests with a
# live server point this at it).
VNPAY_API_URL = env_str(
    "VNPAY_API_URL", "http://127.0.0.1:8000/thanh-toan/sandbox/merchant_webapi/api/transaction"
)
VIETQR_BANK_BIN = env_str("VIETQR_BANK_BIN", "970436")
VIETQR_ACCOUNT_NO = env_str("VIETQR_ACCOUNT_NO", "0071000123456")
VIETQR_ACCOUNT_NAME = env_str("VIETQR_ACCOUNT_NAME", "TRUONG TIEU HOC MAU")
