"""A tiny OpenID Connect provider for tests: authorization-code flow with an HS256 id_token
signed with the client secret, and a userinfo endpoint. Served by the live server."""

import time
import uuid
from urllib.parse import urlencode

import jwt
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as portal_urlpatterns

CLIENT_ID = "portal-test"
CLIENT_SECRET = "stub-secret-0123456789abcdef0123456789"
USER = {
    "sub": "vneid-001",
    "email": "phuhuynh@example.com",
    "name": "Lê Thị Hoa",
    "phone_number": "+84 903 123 456",
}
CODES: dict[str, dict] = {}


def authorize(request):
    q = request.GET
    if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
        return HttpResponseBadRequest("bad client or response_type")
    code = uuid.uuid4().hex
    CODES[code] = {"nonce": q.get("nonce"), "redirect_uri": q["redirect_uri"]}
    return HttpResponseRedirect(
        f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
    )


@csrf_exempt
def token(request):
    p = request.POST
    grant = CODES.pop(p.get("code", ""), None)
    if (
        grant is None
        or p.get("client_secret") != CLIENT_SECRET
        or p.get("redirect_uri") != grant["redirect_uri"]
        or p.get("grant_type") != "authorization_code"
    ):
        return JsonResponse({"error": "invalid_grant"}, status=400)
    now = int(time.time())
    claims = {"iss": "stub", "sub": USER["sub"], "aud": CLIENT_ID, "iat": now, "exp": now + 300,
              "nonce": grant["nonce"]}  # fmt: skip
    return JsonResponse(
        {
            "access_token": "at-" + USER["sub"],
            "token_type": "Bearer",
            "id_token": jwt.encode(claims, CLIENT_SECRET, algorithm="HS256"),
        }
    )


def userinfo(request):
    if request.headers.get("Authorization") != "Bearer at-" + USER["sub"]:
        return JsonResponse({"error": "invalid_token"}, status=401)
    return JsonResponse(USER)


urlpatterns = [
    path("stub-op/authorize/", authorize),
    path("stub-op/token/", token),
    path("stub-op/userinfo/", userinfo),
    path("accounts/oidc/", include("mozilla_django_oidc.urls")),
    *portal_urlpatterns,
]
