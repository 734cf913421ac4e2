"""Read-only enforced on the server, route by route over the installed Fava's URL map.

Every rule of the URL map is in the one table (`access.ROUTES`); a rule Fava adds in an
upgrade fails `test_every_route_is_classified` until it is classified. For every WRITE route,
each read-only role gets 403 whatever it sends; without signing in, every route answers 401.
"""

from __future__ import annotations

import json

import pytest

from tests.serving.conftest import basic
from xiaozhang.reports.serving import access

READ_ONLY = ("xiaozhang", "jyj", "banzhuren")
EXAMPLE_ARGS = {"report_name": "income_statement", "name": "Assets", "extension_name": "Voucher",
                "endpoint": "save", "result_format": "csv", "aggregation_key": "account",
                "page_slug": "_index", "filename": "app.js"}


def rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_of(app, rule, slug: str, **extra) -> str:
    values = {arg: EXAMPLE_ARGS.get(arg, slug if arg == "bfile" else "x") for arg in rule.arguments}
    values.update(extra)
    return app.url_map.bind("localhost").build(rule.endpoint, values, append_unknown=False)


def test_every_route_is_classified(served):
    _client, gate, _slug = served
    missing = [(rule.rule, method) for rule, method in rules(gate.app)
               if (rule.endpoint, method) not in access.ROUTES]
    assert not missing, f"routes of Fava not classified in access.ROUTES: {missing}"
    # and the table names no route that is gone (a renamed endpoint would hide)
    present = {(rule.endpoint, method) for rule, method in rules(gate.app)}
    assert set(access.ROUTES) <= present, set(access.ROUTES) - present


def test_every_extension_endpoint_is_classified(served):
    _client, gate, _slug = served
    ledger = gate.app.config["LEDGERS"].ledgers[0]
    found = {(ext.name, name, method) for ext in ledger.extensions._instances.values()
             for (name, method) in ext.endpoints}
    assert found, "the school's pages have endpoints"
    assert found == set(access.EXTENSION_ENDPOINTS), found ^ set(access.EXTENSION_ENDPOINTS)


def write_requests(gate, slug):
    """(method, url) of every WRITE route and WRITE extension endpoint."""
    for rule, method in rules(gate.app):
        kind = access.ROUTES[(rule.endpoint, method)]
        if kind == access.WRITE:
            yield method, url_of(gate.app, rule, slug)
    for (extension, endpoint, method), kind in access.EXTENSION_ENDPOINTS.items():
        if kind == access.WRITE:
            yield method, f"/{slug}/extension/{extension}/{endpoint}"


@pytest.mark.parametrize("login", READ_ONLY)
def test_read_only_roles_get_403_on_every_write_route(served, school, login):
    client, gate, slug = served
    before = {p: p.read_bytes() for p in school.parent.rglob("*.beancount")}
    requests = list(write_requests(gate, slug))
    assert len(requests) >= 12
    bodies = [None, {"file_path": str(school), "source": "", "sha256sum": "x"},
              {"entries": [], "file": str(school)}]
    for method, url in requests:
        for body in bodies:
            response = client.open(url, method=method, headers=basic(login),
                                   data=json.dumps(body) if body else None,
                                   content_type="application/json")
            assert response.status_code == 403, (login, method, url, response.status_code)
            message = response.get_json()["error"]
            assert "只读" in message or "班主任" in message
    after = {p: p.read_bytes() for p in school.parent.rglob("*.beancount")}
    assert before == after


def test_unauthenticated_requests_get_401_on_every_route(served):
    client, gate, slug = served
    for rule, method in rules(gate.app):
        response = client.open(url_of(gate.app, rule, slug), method=method)
        assert response.status_code == 401, (rule.rule, method)
    page = client.get(f"/{slug}/income_statement/")
    assert page.status_code == 401 and "登录" in page.get_data(as_text=True)
    api = client.get(f"/{slug}/api/errors")
    assert api.status_code == 401 and api.get_json()["error"].startswith("请先登录")


def test_wrong_password_and_unknown_user_get_401(served):
    client, _gate, slug = served
    assert client.get(f"/{slug}/income_statement/", headers=basic("kuaiji", "wrong-password")).status_code == 401
    assert client.get(f"/{slug}/income_statement/", headers=basic("nobody")).status_code == 401


def test_the_accountant_may_write_and_read_only_roles_may_read(served):
    client, _gate, slug = served
    formatted = client.put(f"/{slug}/api/format_source", headers=basic("kuaiji"),
                           json={"source": "2026-01-01 open Assets:Cash"})
    assert formatted.status_code == 200
    for login in ("xiaozhang", "jyj"):
        assert client.get(f"/{slug}/api/errors", headers=basic(login)).status_code == 200
        assert client.get(f"/{slug}/extension/Compliance/", headers=basic(login)).status_code == 200


def test_sign_in_form_sets_a_session(served):
    client, _gate, slug = served
    wrong = client.post("/_signin", data={"login": "xiaozhang", "password": "nope", "next": "/"})
    assert wrong.status_code == 401 and "用户名或口令不正确" in wrong.get_data(as_text=True)
    from tests.serving.conftest import PASSWORD

    signed = client.post("/_signin", data={"login": "xiaozhang", "password": PASSWORD,
                                           "next": f"/{slug}/extension/Compliance/"})
    assert signed.status_code == 303
    from urllib.parse import unquote

    assert unquote(signed.headers["Location"]) == f"/{slug}/extension/Compliance/"
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = client.get(f"/{slug}/extension/Compliance/")
    assert page.status_code == 200 and "王校长" in page.get_data(as_text=True)
    assert client.put(f"/{slug}/api/source", json={}).status_code == 403
    client.get("/_signout")
    assert client.get(f"/{slug}/extension/Compliance/").status_code == 401
    # never a redirect to another site
    away = client.post("/_signin", data={"login": "xiaozhang", "password": PASSWORD, "next": "//evil.example/"})
    assert away.headers["Location"] == "/"


TRAVERSALS = ["../users.toml", "../../../../etc/passwd", "/etc/passwd", "..\\users.toml",
              "%2e%2e/users.toml", "users.toml"]


def test_path_traversal_refused_on_every_download_route(served, school):
    client, gate, slug = served
    secret = (school.parent / "users.toml").read_text(encoding="utf-8")
    users_path = str(school.parent / "users.toml")
    for name in [*TRAVERSALS, users_path, str(school.parent / "sub" / ".." / "users.toml")]:
        urls = [f"/{slug}/document/?filename={name}",
                f"/{slug}/statement/?entry_hash=x&key={name}",
                f"/{slug}/api/source?filename={name}",
                f"/{slug}/download-query/query_result.csv?query_string=SELECT%201",
                f"/static/{name}",
                f"/{slug}/extension_js_module/{name}.js",
                f"/{slug}/extension/Disclosure/download?period=2026-01&doc=class&class={name}&format=html",
                f"/{slug}/help/{name}"]
        for url in urls:
            response = client.get(url, headers=basic("kuaiji"))
            body = response.get_data(as_text=True)
            assert "scrypt:" not in body and "root:" not in body, url
            if "download-query" not in url:
                assert response.status_code in (400, 403, 404, 500) or secret not in body, url


def test_proxy_header_honoured_only_from_the_proxy(school):
    from werkzeug.test import Client

    from xiaozhang.reports.serving.app import build

    app, gate, classes = build(str(school), proxy="10.0.0.5", user_header="Remote-User", audit=False)
    try:
        client = Client(app)
        slug = gate.app.config["LEDGERS"].first_slug()
        url = f"/{slug}/api/errors"
        from_proxy = client.get(url, headers={"Remote-User": "xiaozhang"},
                                environ_overrides={"REMOTE_ADDR": "10.0.0.5"})
        assert from_proxy.status_code == 200
        elsewhere = client.get(url, headers={"Remote-User": "xiaozhang"},
                               environ_overrides={"REMOTE_ADDR": "10.0.0.6"})
        assert elsewhere.status_code == 401
        unknown = client.get(url, headers={"Remote-User": "nobody"},
                             environ_overrides={"REMOTE_ADDR": "10.0.0.5"})
        assert unknown.status_code == 401
        writes = client.put(f"/{slug}/api/source", headers={"Remote-User": "xiaozhang"}, json={},
                            environ_overrides={"REMOTE_ADDR": "10.0.0.5"})
        assert writes.status_code == 403
    finally:
        classes.close()


def test_the_session_cookie_is_secure_behind_a_tls_proxy(school):
    from werkzeug.test import Client

    from tests.serving.conftest import PASSWORD
    from xiaozhang.reports.serving.app import build

    app, _gate, classes = build(str(school), proxy="127.0.0.1", audit=False)
    try:
        form = {"login": "jyj", "password": PASSWORD, "next": "/"}
        behind = Client(app).post("/_signin", data=form, headers={"X-Forwarded-Proto": "https"},
                                  environ_overrides={"REMOTE_ADDR": "127.0.0.1"})
        assert "Secure" in behind.headers["Set-Cookie"]
        spoofed = Client(app).post("/_signin", data=form, headers={"X-Forwarded-Proto": "https"},
                                   environ_overrides={"REMOTE_ADDR": "10.1.1.1"})
        assert "Secure" not in spoofed.headers["Set-Cookie"]
    finally:
        classes.close()
