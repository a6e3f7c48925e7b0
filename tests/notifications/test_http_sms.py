"""The http SMS backend against a real HTTP server on loopback that speaks the gateway's JSON."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.channels import HttpSmsBackend, SmsDeliveryError, sms_backend


class Gateway(BaseHTTPRequestHandler):
    """A brand-name gateway: checks the key, answers a message id, or an error when told to."""

    received: list[dict] = []
    answer: tuple[int, bytes] | None = None

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        type(self).received.append({"auth": self.headers.get("Authorization"), **body})
        if self.headers.get("Authorization") != "Bearer secret-key":
            status, payload = 401, json.dumps({"error": "invalid api key"}).encode()
        elif type(self).answer is not None:
            status, payload = type(self).answer
        else:
            status, payload = 200, json.dumps({"message_id": f"m-{len(self.received)}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received = []
    Gateway.answer = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/sms"
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_sms(settings, gateway):
    settings.ADMISSIONS_SMS_BACKEND = "http"
    settings.SMS_API_URL = gateway
    settings.SMS_API_KEY = "secret-key"
    settings.SMS_BRANDNAME = "TUYENSINH"
    return sms_backend()


def test_a_message_reaches_the_gateway_in_its_format(http_sms):
    reference = http_sms.send(to="0912345678", body="Hồ sơ ADM-2026-000001: Đã nộp")
    assert reference == "http:m-1"
    [sent] = Gateway.received
    assert sent["auth"] == "Bearer secret-key"
    assert sent["phone"] == "84912345678"
    assert sent["brandname"] == "TUYENSINH"
    assert sent["message"] == "Hồ sơ ADM-2026-000001: Đã nộp"
    assert len(sent["request_id"]) == 36


def test_each_message_has_its_own_request_id(http_sms):
    http_sms.send(to="0912345678", body="a")
    http_sms.send(to="0912345678", body="a")
    assert Gateway.received[0]["request_id"] != Gateway.received[1]["request_id"]


def test_a_wrong_key_is_a_delivery_error_with_the_gateways_reason(gateway):
    backend = HttpSmsBackend(url=gateway, api_key="wrong", brandname="TUYENSINH")
    with pytest.raises(SmsDeliveryError, match=r"HTTP 401.*invalid api key"):
        backend.send(to="0912345678", body="x")


def test_an_answer_without_a_message_id_is_not_a_success(http_sms):
    Gateway.answer = (200, b"<html>maintenance</html>")
    with pytest.raises(SmsDeliveryError, match="no message_id"):
        http_sms.send(to="0912345678", body="x")


def test_an_unreachable_gateway_is_a_delivery_error_without_the_number(settings):
    backend = HttpSmsBackend(url="http://127.0.0.1:9/none", api_key="k", brandname="B")
    with pytest.raises(SmsDeliveryError, match="unreachable") as caught:
        backend.send(to="0912345678", body="x")
    assert "0912345678" not in str(caught.value)
