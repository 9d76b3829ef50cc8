#!/usr/bin/env python3
"""Writes tests/vectors/tokens.json.

Expected tokens are computed here with Python's own hmac/hashlib/base64/json, not with handoffkit,
so the C++ (and later Node/browser) suites check the core against an independent implementation
of the format documented in core/include/handoffkit/token.hpp. Run after changing a case:
    python3 tests/vectors/generate_tokens.py > tests/vectors/tokens.json
"""
import base64
import hashlib
import hmac
import json

NOW = 1700000000
BOT = "28:f47ac10b-58cc-4372-a567-0e02b2c3d479"
USER = "6f1c2a9e-1111-4222-8333-944455556666"
RANDOM = "000102030405060708090a0b0c0d0e0f"
K_NEW = bytes(range(32))
K_OLD = bytes(range(0xA0, 0xC0))
K_IMPOSTOR = b"\x42" * 32


GUID = BOT[3:]
GUID_RE = __import__("re").compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def bot_audience(bot_id: str) -> str:
    """token::bot_audience: a Teams bot is 28:<GUID>, given as the GUID or already prefixed."""
    bare = bot_id[3:] if bot_id.startswith("28:") else bot_id
    return "28:" + bare if GUID_RE.fullmatch(bare) else bot_id


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def jwk(kid, key):
    return {"kty": "oct", "kid": kid, "k": b64(key)}


KEY_SETS = {
    "main": {"keys": [jwk("2024-06", K_NEW), jwk("2024-01", K_OLD)]},
    "activeOld": {"keys": [jwk("2024-06", K_NEW), jwk("2024-01", K_OLD)], "activeKid": "2024-01"},
    "newOnly": {"keys": [jwk("2024-06", K_NEW)]},
    "impostor": {"keys": [jwk("2024-06", K_IMPOSTOR)]},
}
KEY_BYTES = {"2024-06": K_NEW, "2024-01": K_OLD}


def sign_raw(header_text: str, claims_text: str, key: bytes) -> str:
    signing_input = b64(header_text.encode()) + "." + b64(claims_text.encode())
    return signing_input + "." + b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def header(kid="2024-06", **over):
    h = {"alg": "HS256", "kid": kid, "typ": "handoff+jwt"}
    h.update(over)
    return {k: v for k, v in h.items() if v is not None}


def claims(**over):
    c = {"aud": BOT, "exp": NOW + 600, "iat": NOW, "iss": "handoffkit", "jti": b64(bytes.fromhex(RANDOM))}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def sign(h=None, c=None, key=K_NEW):
    return sign_raw(compact(h or header()), compact(c or claims()), key)


def issued(request, kid="2024-06"):
    """What issue_token must return for `request` (mirrors token.hpp)."""
    iat = request["now"]
    exp = iat + request.get("ttl", 600)
    jti = b64(bytes.fromhex(request["random"]))
    c = {"aud": bot_audience(request["botId"]), "exp": exp, "iat": iat, "iss": request.get("issuer", "handoffkit"), "jti": jti}
    if "user" in request:
        c["sub"] = request["user"]
    if "ctx" in request:
        c["ctx_ref" if request.get("reference") else "ctx"] = True if request.get("reference") else request["ctx"]
    token = sign_raw(compact(header(kid)), compact(c), KEY_BYTES[kid])
    return {"token": token, "jti": jti, "kid": kid, "iat": iat, "exp": exp}


def verified(token, kid="2024-06", ctx=None, redeemed=False):
    h, c, _ = token.split(".")
    dec = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    return {"verified": True, "redeemed": redeemed, "kid": kid, "header": dec(h), "claims": dec(c), "ctx": ctx}


BASE = {"botId": BOT, "now": NOW, "random": RANDOM}
FULL = dict(BASE, user=USER, ttl=300, ctx={"ticket": "INC-42", "lang": "de", "step": 3})
OPTS = {"botId": BOT, "now": NOW}
OPTS_USER = dict(OPTS, user=USER)

plain = issued(BASE)["token"]
full = issued(FULL)["token"]
old = issued(BASE, kid="2024-01")["token"]

issue_cases = [
    {"name": "minimal request: aud, iat, exp = now + 600, jti from random", "keys": "main", "request": BASE,
     "value": issued(BASE)},
    {"name": "user binding, ctx (members sorted) and ttl", "keys": "main", "request": FULL, "value": issued(FULL)},
    {"name": "custom issuer", "keys": "main", "request": dict(BASE, issuer="contoso-bot"),
     "value": issued(dict(BASE, issuer="contoso-bot"))},
    {"name": "32 random bytes make a 43-character jti", "keys": "main", "request": dict(BASE, random=RANDOM * 2),
     "value": issued(dict(BASE, random=RANDOM * 2))},
    {"name": "activeKid picks the signing key", "keys": "activeOld", "request": BASE, "value": issued(BASE, "2024-01")},
    {"name": "non-ASCII ctx is kept as UTF-8", "keys": "main", "request": dict(BASE, ctx={"topic": "Grüße 東京"}),
     "value": issued(dict(BASE, ctx={"topic": "Grüße 東京"}))},
    {"name": "botId as the bare GUID names the same bot: aud is 28:<GUID>", "keys": "main",
     "request": dict(BASE, botId=GUID), "value": issued(BASE)},
    {"name": "botId that is not a Teams bot id is the audience as given", "keys": "main",
     "request": dict(BASE, botId="api://contoso-bot"), "value": issued(dict(BASE, botId="api://contoso-bot"))},
    {"name": "reference mode needs a store", "keys": "main", "request": dict(BASE, ctx={"a": 1}, reference=True),
     "error": "INVALID_ARGUMENT"},
    {"name": "botId missing", "keys": "main", "request": {"now": NOW, "random": RANDOM}, "error": "INVALID_ARGUMENT"},
    {"name": "now missing", "keys": "main", "request": {"botId": BOT, "random": RANDOM}, "error": "INVALID_ARGUMENT", "coreOnly": "the JS wrapper supplies now and random itself"},
    {"name": "now negative", "keys": "main", "request": dict(BASE, now=-1), "error": "INVALID_ARGUMENT"},
    {"name": "now not an integer", "keys": "main", "request": dict(BASE, now=1.5), "error": "INVALID_ARGUMENT"},
    {"name": "random shorter than 128 bits", "keys": "main", "request": dict(BASE, random=RANDOM[:30]),
     "error": "INVALID_ARGUMENT"},
    {"name": "random longer than 32 bytes", "keys": "main", "request": dict(BASE, random=RANDOM * 2 + "00"),
     "error": "INVALID_ARGUMENT"},
    {"name": "random not hex", "keys": "main", "request": dict(BASE, random="zz" * 16), "error": "INVALID_ARGUMENT"},
    {"name": "random missing", "keys": "main", "request": {"botId": BOT, "now": NOW}, "error": "INVALID_ARGUMENT", "coreOnly": "the JS wrapper supplies now and random itself"},
    {"name": "ttl 0", "keys": "main", "request": dict(BASE, ttl=0), "error": "INVALID_ARGUMENT"},
    {"name": "ttl above one day", "keys": "main", "request": dict(BASE, ttl=86401), "error": "INVALID_ARGUMENT"},
    {"name": "botId longer than 64 bytes", "keys": "main", "request": dict(BASE, botId="x" * 65),
     "error": "INVALID_ARGUMENT"},
    {"name": "user with a control character", "keys": "main", "request": dict(BASE, user="a\nb"),
     "error": "INVALID_ARGUMENT"},
    {"name": "unknown request field", "keys": "main", "request": dict(BASE, audience=BOT), "error": "INVALID_ARGUMENT"},
    {"name": "ctx not an object", "keys": "main", "request": dict(BASE, ctx=[1, 2]), "error": "CONTEXT_INVALID"},
    {"name": "ctx a string", "keys": "main", "request": dict(BASE, ctx="{}"), "error": "CONTEXT_INVALID"},
    {"name": "ctx over 256 bytes", "keys": "main", "request": dict(BASE, ctx={"x": "y" * 250}),
     "error": "CONTEXT_TOO_LARGE"},
]

key_set_errors = [
    {"name": "not JSON", "keys": "{\"keys\":[", "error": "KEYS_INVALID"},
    {"name": "no keys member", "keys": {"kty": "oct"}, "error": "KEYS_INVALID"},
    {"name": "empty keys", "keys": {"keys": []}, "error": "KEYS_INVALID"},
    {"name": "kty RSA", "keys": {"keys": [dict(jwk("a", K_NEW), kty="RSA")]}, "error": "KEYS_INVALID"},
    {"name": "kid missing", "keys": {"keys": [{"kty": "oct", "k": b64(K_NEW)}]}, "error": "KEYS_INVALID"},
    {"name": "kid twice", "keys": {"keys": [jwk("a", K_NEW), jwk("a", K_OLD)]}, "error": "KEYS_INVALID"},
    {"name": "k padded", "keys": {"keys": [{"kty": "oct", "kid": "a", "k": b64(K_NEW) + "="}]}, "error": "KEYS_INVALID"},
    {"name": "k in standard base64", "keys": {"keys": [{"kty": "oct", "kid": "a", "k": "+" + b64(K_NEW)[1:]}]},
     "error": "KEYS_INVALID"},
    {"name": "alg RS256", "keys": {"keys": [dict(jwk("a", K_NEW), alg="RS256")]}, "error": "KEYS_INVALID"},
    {"name": "use enc", "keys": {"keys": [dict(jwk("a", K_NEW), use="enc")]}, "error": "KEYS_INVALID"},
    {"name": "activeKid names no key", "keys": {"keys": [jwk("a", K_NEW)], "activeKid": "b"}, "error": "KEYS_INVALID"},
    {"name": "a 255-bit (31-byte) key", "keys": {"keys": [jwk("a", K_NEW[:31])]}, "error": "KEY_TOO_SHORT"},
    {"name": "stoppedSigningAt on the signing key", "keys": {"keys": [dict(jwk("a", K_NEW), stoppedSigningAt=NOW)]},
     "error": "KEYS_INVALID"},
    {"name": "stoppedSigningAt negative", "keys": {"keys": [jwk("2024-06", K_NEW), dict(jwk("b", K_OLD), stoppedSigningAt=-1)]},
     "error": "KEYS_INVALID"},
    {"name": "stoppedSigningAt fractional", "keys": {"keys": [jwk("2024-06", K_NEW), dict(jwk("b", K_OLD), stoppedSigningAt=NOW + 0.5)]},
     "error": "KEYS_INVALID"},
    {"name": "stoppedSigningAt a string", "keys": {"keys": [jwk("2024-06", K_NEW), dict(jwk("b", K_OLD), stoppedSigningAt=str(NOW))]},
     "error": "KEYS_INVALID"},
    {"name": "stoppedSigningAt beyond 2^53-1", "keys": {"keys": [jwk("2024-06", K_NEW), dict(jwk("b", K_OLD), stoppedSigningAt=2**53)]},
     "error": "KEYS_INVALID"},
    {"name": "stoppedSigningAt on a key that no longer signs is accepted (keys rotate writes it)",
     "keys": {"keys": [jwk("2024-06", K_NEW), dict(jwk("2024-01", K_OLD), stoppedSigningAt=NOW)], "activeKid": "2024-06"},
     "value": issued(BASE)},
    {"name": "alg HS256 and use sig are accepted", "keys": {"keys": [dict(jwk("2024-06", K_NEW), alg="HS256", use="sig")]},
     "value": issued(BASE)},
]

E = NOW + 600
# 32 bytes take 43 characters, whose last 2 bits are unused: setting one keeps the bytes, breaks canonical form.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
noncanonical = plain[:-1] + ALPHABET[ALPHABET.index(plain[-1]) ^ 1]
verify_cases = [
    {"name": "issued token verifies", "keys": "main", "token": plain, "options": OPTS, "value": verified(plain)},
    {"name": "user-bound token with ctx", "keys": "main", "token": full, "options": OPTS_USER,
     "value": verified(full, ctx=FULL["ctx"])},
    {"name": "a token without sub accepts any user", "keys": "main", "token": plain, "options": OPTS_USER,
     "value": verified(plain)},
    {"name": "one second before exp", "keys": "main", "token": plain, "options": dict(OPTS, now=E - 1),
     "value": verified(plain)},
    {"name": "now == exp is expired", "keys": "main", "token": plain, "options": dict(OPTS, now=E), "error": "EXPIRED"},
    {"name": "leeway 30 accepts exp + 29", "keys": "main", "token": plain, "options": dict(OPTS, now=E + 29, leeway=30),
     "value": verified(plain)},
    {"name": "leeway 30 refuses exp + 30", "keys": "main", "token": plain, "options": dict(OPTS, now=E + 30, leeway=30),
     "error": "EXPIRED"},
    {"name": "issued in the future", "keys": "main", "token": plain, "options": dict(OPTS, now=NOW - 1),
     "error": "NOT_YET_VALID"},
    {"name": "leeway covers a clock one second behind", "keys": "main", "token": plain,
     "options": dict(OPTS, now=NOW - 1, leeway=1), "value": verified(plain)},
    {"name": "nbf in the future", "keys": "main", "token": sign(c=claims(nbf=NOW + 10)), "options": OPTS,
     "error": "NOT_YET_VALID"},
    {"name": "nbf in the past is fine", "keys": "main", "token": sign(c=claims(nbf=NOW - 10)), "options": OPTS,
     "value": verified(sign(c=claims(nbf=NOW - 10)))},
    {"name": "lifetime above one day", "keys": "main", "token": sign(c=claims(exp=NOW + 86401)), "options": OPTS,
     "error": "LIFETIME_TOO_LONG"},
    {"name": "maxLifetime option lower than the token's", "keys": "main", "token": plain,
     "options": dict(OPTS, maxLifetime=300), "error": "LIFETIME_TOO_LONG"},
    {"name": "another bot", "keys": "main", "token": plain, "options": dict(OPTS, botId="28:other"),
     "error": "WRONG_AUDIENCE"},
    {"name": "botId as the bare GUID verifies a token for 28:<GUID>", "keys": "main", "token": plain,
     "options": dict(OPTS, botId=GUID), "value": verified(plain)},
    {"name": "a token whose aud is the bare GUID names no Teams bot (aud is 28:<GUID>)", "keys": "main",
     "token": sign(c=claims(aud=GUID)), "options": dict(OPTS, botId=GUID), "error": "WRONG_AUDIENCE"},
    {"name": "aud array containing the bot", "keys": "main", "token": sign(c=claims(aud=["x", BOT])), "options": OPTS,
     "value": verified(sign(c=claims(aud=["x", BOT])))},
    {"name": "user-bound token, no user given", "keys": "main", "token": full, "options": OPTS, "error": "WRONG_USER"},
    {"name": "user-bound token, another user", "keys": "main", "token": full, "options": dict(OPTS, user="someone"),
     "error": "WRONG_USER"},
    {"name": "another issuer", "keys": "main", "token": sign(c=claims(iss="evil")), "options": OPTS,
     "error": "WRONG_ISSUER"},
    {"name": "expected issuer option", "keys": "main", "token": sign(c=claims(iss="contoso-bot")),
     "options": dict(OPTS, issuer="contoso-bot"), "value": verified(sign(c=claims(iss="contoso-bot")))},
    {"name": "rotation: a token of the older key still verifies", "keys": "main", "token": old, "options": OPTS,
     "value": verified(old, kid="2024-01")},
    {"name": "retired key", "keys": "newOnly", "token": old, "options": OPTS, "error": "UNKNOWN_KEY"},
    {"name": "unknown kid", "keys": "main", "token": sign(h=header("nope")), "options": OPTS, "error": "UNKNOWN_KEY"},
    {"name": "no kid", "keys": "main", "token": sign(h=header(None)), "options": OPTS, "error": "UNKNOWN_KEY"},
    {"name": "same kid, another key (forgery)", "keys": "impostor", "token": plain, "options": OPTS,
     "error": "BAD_SIGNATURE"},
    {"name": "signature of other claims", "keys": "main",
     "token": plain.rsplit(".", 1)[0] + "." + sign(c=claims(aud="28:other")).rsplit(".", 1)[1], "options": OPTS,
     "error": "BAD_SIGNATURE"},
    {"name": "signature truncated to 30 bytes", "keys": "main",
     "token": plain.rsplit(".", 1)[0] + "." + b64(base64.urlsafe_b64decode(plain.rsplit(".", 1)[1] + "=")[:30]),
     "options": OPTS, "error": "BAD_SIGNATURE"},
    {"name": "empty signature", "keys": "main", "token": plain.rsplit(".", 1)[0] + ".", "options": OPTS,
     "error": "BAD_SIGNATURE"},
    {"name": "alg none", "keys": "main", "token": sign_raw(compact(header(alg="none")), compact(claims()), b"").rsplit(".", 1)[0] + ".",
     "options": OPTS, "error": "UNSUPPORTED_ALG"},
    {"name": "alg HS512", "keys": "main", "token": sign(h=header(alg="HS512")), "options": OPTS,
     "error": "UNSUPPORTED_ALG"},
    {"name": "alg hs256 (case matters)", "keys": "main", "token": sign(h=header(alg="hs256")), "options": OPTS,
     "error": "UNSUPPORTED_ALG"},
    {"name": "alg missing", "keys": "main", "token": sign(h=header(alg=None)), "options": OPTS,
     "error": "UNSUPPORTED_ALG"},
    {"name": "typ JWT", "keys": "main", "token": sign(h=header(typ="JWT")), "options": OPTS, "error": "UNSUPPORTED_TYPE"},
    {"name": "typ missing", "keys": "main", "token": sign(h=header(typ=None)), "options": OPTS,
     "error": "UNSUPPORTED_TYPE"},
    {"name": "typ application/handoff+jwt (RFC 7515 form)", "keys": "main",
     "token": sign(h=header(typ="application/Handoff+JWT")), "options": OPTS,
     "value": verified(sign(h=header(typ="application/Handoff+JWT")))},
    {"name": "crit header", "keys": "main", "token": sign(h=header(crit=["exp"])), "options": OPTS,
     "error": "UNSUPPORTED_HEADER"},
    {"name": "one part", "keys": "main", "token": "abc", "options": OPTS, "error": "MALFORMED"},
    {"name": "two parts", "keys": "main", "token": plain.rsplit(".", 1)[0], "options": OPTS, "error": "MALFORMED"},
    {"name": "four parts", "keys": "main", "token": plain + ".x", "options": OPTS, "error": "MALFORMED"},
    {"name": "empty", "keys": "main", "token": "", "options": OPTS, "error": "MALFORMED"},
    {"name": "padding", "keys": "main", "token": plain + "=", "options": OPTS, "error": "MALFORMED"},
    {"name": "standard-alphabet character", "keys": "main", "token": plain[:-1] + "+", "options": OPTS,
     "error": "MALFORMED"},
    {"name": "non-canonical trailing bits in the signature", "keys": "main",
     "token": noncanonical, "options": OPTS, "error": "MALFORMED"},
    {"name": "whitespace", "keys": "main", "token": " " + plain, "options": OPTS, "error": "MALFORMED"},
    {"name": "header not JSON", "keys": "main", "token": b64(b"{alg") + "." + plain.split(".", 1)[1], "options": OPTS,
     "error": "MALFORMED"},
    {"name": "header a JSON array", "keys": "main", "token": sign_raw("[]", compact(claims()), K_NEW),
     "options": OPTS, "error": "MALFORMED"},
    {"name": "signed claims that are not JSON", "keys": "main", "token": sign_raw(compact(header()), "nope", K_NEW),
     "options": OPTS, "error": "MALFORMED"},
    {"name": "exp missing", "keys": "main", "token": sign(c=claims(exp=None)), "options": OPTS, "error": "MALFORMED"},
    {"name": "exp a string", "keys": "main", "token": sign(c=claims(exp=str(E))), "options": OPTS, "error": "MALFORMED"},
    {"name": "exp fractional", "keys": "main", "token": sign(c=claims(exp=E + 0.5)), "options": OPTS,
     "error": "MALFORMED"},
    {"name": "iat negative", "keys": "main", "token": sign(c=claims(iat=-1)), "options": OPTS, "error": "MALFORMED"},
    {"name": "exp not after iat", "keys": "main", "token": sign(c=claims(exp=NOW)), "options": OPTS,
     "error": "MALFORMED"},
    {"name": "jti under 128 bits", "keys": "main", "token": sign(c=claims(jti="abc")), "options": OPTS,
     "error": "MALFORMED"},
    {"name": "jti with other characters", "keys": "main", "token": sign(c=claims(jti="a/" * 12)), "options": OPTS,
     "error": "MALFORMED"},
    {"name": "iss missing", "keys": "main", "token": sign(c=claims(iss=None)), "options": OPTS, "error": "MALFORMED"},
    {"name": "aud a number", "keys": "main", "token": sign(c=claims(aud=28)), "options": OPTS, "error": "MALFORMED"},
    {"name": "ctx an array", "keys": "main", "token": sign(c=claims(ctx=[1])), "options": OPTS, "error": "MALFORMED"},
    {"name": "longer than 1024 characters", "keys": "main", "token": "a" * 1025, "options": OPTS,
     "error": "TOKEN_TOO_LONG"},
    {"name": "order: a bad signature is reported before expiry", "keys": "impostor", "token": plain,
     "options": dict(OPTS, now=E + 1000), "error": "BAD_SIGNATURE"},
    {"name": "order: expiry before audience", "keys": "main", "token": plain,
     "options": dict(OPTS, now=E, botId="28:other"), "error": "EXPIRED"},
    {"name": "order: alg before kid", "keys": "main", "token": sign(h=header("nope", alg="HS384")), "options": OPTS,
     "error": "UNSUPPORTED_ALG"},
    {"name": "order: length before everything", "keys": "main", "token": "." * 1025, "options": OPTS,
     "error": "TOKEN_TOO_LONG"},
]
option_errors = [
    {"name": "botId missing", "options": {"now": NOW}, "error": "INVALID_ARGUMENT"},
    {"name": "now missing", "options": {"botId": BOT}, "error": "INVALID_ARGUMENT", "coreOnly": "the JS wrapper supplies now and random itself"},
    {"name": "leeway above 300", "options": dict(OPTS, leeway=301), "error": "INVALID_ARGUMENT"},
    {"name": "maxLifetime 0", "options": dict(OPTS, maxLifetime=0), "error": "INVALID_ARGUMENT"},
    {"name": "user not a string", "options": dict(OPTS, user=5), "error": "INVALID_ARGUMENT"},
    {"name": "unknown option", "options": dict(OPTS, audience=BOT), "error": "INVALID_ARGUMENT"},
    {"name": "options not JSON", "options": "{", "error": "INVALID_JSON", "coreOnly": "JS takes options as an object (a string is INVALID_ARGUMENT)"},
]

dec = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
none_token = sign_raw(compact(header(alg="none")), compact(claims()), b"").rsplit(".", 1)[0] + "."
inspect_cases = [
    {"name": "an issued token", "token": full,
     "value": {"verified": False, "header": dec(full.split(".")[0]), "claims": dec(full.split(".")[1])}},
    {"name": "alg none decodes but is not verified", "token": none_token,
     "value": {"verified": False, "header": dec(none_token.split(".")[0]), "claims": dec(none_token.split(".")[1])}},
    {"name": "two parts", "token": "abc.def", "error": "MALFORMED"},
    {"name": "claims not JSON", "token": sign_raw(compact(header()), "nope", K_NEW), "error": "MALFORMED"},
    {"name": "too long", "token": "a" * 1025, "error": "TOKEN_TOO_LONG"},
]

REF = dict(BASE, user=USER, ctx={"ticket": "INC-7"}, reference=True)
ref = issued(REF)
redeem_cases = [
    {"name": "first redemption succeeds, the second is REPLAYED", "keys": "main", "steps": [
        {"op": "redeem", "token": plain, "options": OPTS, "value": verified(plain, redeemed=True)},
        {"op": "redeem", "token": plain, "options": dict(OPTS, now=NOW + 1), "error": "REPLAYED"},
    ]},
    {"name": "a failed verification consumes nothing", "keys": "main", "steps": [
        {"op": "redeem", "token": full, "options": dict(OPTS, user="someone"), "error": "WRONG_USER"},
        {"op": "redeem", "token": full, "options": dict(OPTS, now=E), "error": "EXPIRED"},
        {"op": "verify", "token": full, "options": OPTS_USER, "value": verified(full, ctx=FULL["ctx"])},
        {"op": "redeem", "token": full, "options": OPTS_USER, "value": verified(full, ctx=FULL["ctx"], redeemed=True)},
        {"op": "redeem", "token": full, "options": OPTS_USER, "error": "REPLAYED"},
    ]},
    {"name": "reference mode: the ctx stays in the store until redemption", "keys": "main", "steps": [
        {"op": "issueStored", "request": REF, "value": ref},
        {"op": "verify", "token": ref["token"], "options": OPTS_USER, "value": verified(ref["token"])},
        {"op": "redeem", "token": ref["token"], "options": OPTS_USER,
         "value": verified(ref["token"], ctx=REF["ctx"], redeemed=True)},
        {"op": "redeem", "token": ref["token"], "options": OPTS_USER, "error": "REPLAYED"},
    ]},
    {"name": "reference mode: a store without the ctx says CONTEXT_NOT_FOUND", "keys": "main", "steps": [
        {"op": "redeem", "token": ref["token"], "options": OPTS_USER, "error": "CONTEXT_NOT_FOUND"},
    ]},
    {"name": "reference mode needs a ctx", "keys": "main", "steps": [
        {"op": "issueStored", "request": dict(BASE, reference=True), "error": "INVALID_ARGUMENT"},
    ]},
]

out = {
    "$comment": (
        "Token cases shared by the C++ (tests/cpp/token_vectors_test.cpp, through json_api and the CLI), Node and "
        "browser suites. Generated by tests/vectors/generate_tokens.py with Python's hmac/json (an implementation "
        "independent of handoffkit). keySets: JWK Sets by name; a case's 'keys' names one, or is the key set itself. "
        "issue: request -> exact value (token string included) or error code. keySetErrors: issue_token with the "
        "minimal request of issue[0] and these keys. verify: token + options -> exact value or error code "
        "(verify_token, consumes nothing). optionErrors: verify_token of issue[0]'s token with keySets.main and "
        "these options. inspect: inspect_token. redeem: steps run in order against ONE fresh in-memory replay guard "
        "(op redeem = redeem_token, verify = verify_token, issueStored = issue_token_stored)."),
    "now": NOW,
    "random": RANDOM,
    "keySets": KEY_SETS,
    "issue": issue_cases,
    "keySetErrors": key_set_errors,
    "verify": verify_cases,
    "optionErrors": option_errors,
    "inspect": inspect_cases,
    "redeem": redeem_cases,
}
print(json.dumps(out, indent=1, ensure_ascii=False))
