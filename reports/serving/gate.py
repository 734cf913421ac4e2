"""The WSGI middleware around Fava: sign-in, roles, read-only enforcement, the trusted proxy
header and the audit hook (docs/access.md).

- Sign-in with a form (`/_signin`, a session cookie signed with `itsdangerous`, the library
  Flask signs its own sessions with; the secret is random for each start of `serve`) or with
  HTTP Basic credentials sent by a script (`curl -u`). Passwords are checked against the
  salted hashes of the users file (`users.authenticate`, werkzeug.security).
- Proxy mode: when `proxy` is set, a request *from that address only* may name its user in
  `user_header` (the proxy has signed them in, e.g. Authelia / oauth2-proxy); the header sent
  from anywhere else is ignored.
- Without a signed-in user: 401 (the sign-in form for a page, a JSON error for the API).
- Every request is matched against the app's URL map and judged by `access.refusal` (the one
  table of routes): refused -> 403 with a Chinese message (JSON `{"error": …}` for Fava's API,
  which Fava's editor shows).
- 班主任: dispatched to the Fava app of their class's generated ledger (`class_app`), never
  to the school's; they cannot reach another class by editing the URL.
- A WRITE request that succeeds is handed to `on_write` (the audit trail) with the user; write
  requests are served one at a time.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request, Response

from xiaozhang.reports.serving import access
from xiaozhang.reports.serving.users import User, UsersError, authenticate, read_users

SIGNIN = "/_signin"
SIGNOUT = "/_signout"
HISTORY = "/_history"
COOKIE = "xz_session"
SESSION_HOURS = 12
USER_KEY = "xiaozhang.user"
_PATH_PARAMS = ("filename", "file_path", "path", "key")
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True)

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


class Users:
    """The users file, read again when it changes (a `xiaozhang users passwd` takes effect
    without restarting)."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: tuple | None = None
        self._users: dict[str, User] = {}
        self._lock = threading.Lock()

    def current(self) -> dict[str, User]:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._users = read_users(self.path)
                except UsersError:  # keep the last good file; serve said so at the start
                    if self._stamp is None:
                        raise
                self._stamp = stamp
            return self._users


class Gate:
    """The WSGI application `serve` runs: `app` (Fava over the school's ledger) behind sign-in."""

    def __init__(self, app, users: Users, *, class_app: Callable[[str], Any] | None = None,
                 proxy: str | None = None, user_header: str = "Remote-User",
                 on_write: Callable[[User, Callable[[], Any]], Any] | None = None,
                 secret: bytes | None = None, protected: Iterable[Path] = (),
                 ledger: str | None = None):
        self.app = app  # a Flask app (Fava's)
        self.users = users
        self.class_app = class_app
        try:
            self.proxy = ipaddress.ip_address(proxy) if proxy else None
        except ValueError as error:
            raise ValueError(f"--proxy 应为反向代理的 IP 地址（如 127.0.0.1），实际为“{proxy}”") from error
        self.header_key = "HTTP_" + user_header.upper().replace("-", "_")
        self.on_write = on_write
        import secrets

        self.signer = URLSafeTimedSerializer(secret or secrets.token_bytes(32), salt="xiaozhang-signin")
        self.protected = {p.name for p in protected}
        self.ledger = ledger  # the school's main file: the history page reads its repository
        self.write_lock = threading.Lock()

    # -- who is asking ---------------------------------------------------------------------
    def from_proxy(self, environ: dict) -> bool:
        if self.proxy is None:
            return False
        try:
            return ipaddress.ip_address(environ.get("REMOTE_ADDR", "")) == self.proxy
        except ValueError:
            return False

    def user_of(self, request: Request) -> User | None:
        users = self.users.current()
        if self.from_proxy(request.environ):
            login = request.environ.get(self.header_key, "")
            if login:
                return users.get(login)
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            return authenticate(users, auth.username or "", auth.password or "")
        token = request.cookies.get(COOKIE)
        if token:
            try:
                found = self.signer.loads(token, max_age=SESSION_HOURS * 3600)
            except BadSignature:
                return None
            user = users.get(found.get("u", ""))
            if user is not None and found.get("p") == _fingerprint(user):
                return user
        return None

    def https(self, request: Request) -> bool:
        """Was the page asked over HTTPS (directly, or at the trusted proxy)?"""
        if request.scheme == "https":
            return True
        return self.from_proxy(request.environ) and \
            request.headers.get("X-Forwarded-Proto", "").lower() == "https"

    # -- the WSGI call -----------------------------------------------------------------------
    def admit(self, request: Request) -> tuple[User | None, Response | None]:
        """Signing in and out, and who asks: (the user, None) to go on, else (None, the answer)."""
        if request.path == SIGNIN:
            return None, self.signin(request)
        if request.path == SIGNOUT:
            return None, self.signout(request)
        user = self.user_of(request)
        if user is None:
            return None, self.unauthorised(request)
        return user, None

    @staticmethod
    def hand_on(environ: dict, user: User) -> None:
        """The signed-in user, as the app behind the gate sees it."""
        environ[USER_KEY] = user
        environ["REMOTE_USER"] = user.login

    def __call__(self, environ: dict, start_response):
        request = Request(environ)
        user, answer = self.admit(request)
        if answer is not None:
            return answer(environ, start_response)
        self.hand_on(environ, user)
        role = access.ROLE[user.role]
        if request.path == HISTORY:
            return self.history(request, user, role)(environ, start_response)
        app = self.app if role.everything else self.class_app(user.class_name)
        endpoint, view_args = _match(app, environ)
        reason = access.refusal(role, endpoint, request.method, view_args) if endpoint else None
        if reason is None and endpoint is None and not role.everything and request.path != "/":
            reason = "班主任只能查看本班的收费公示页面"
        if reason is None and not role.everything and request.args.get("class", user.class_name) != user.class_name:
            reason = f"班主任只能查看本班（{user.class_name}）的收费公示"
        reason = reason or self.traversal(request)
        if reason:
            return refused(request, reason)(environ, start_response)
        if not role.everything and endpoint == "index":
            slug = (view_args or {}).get("bfile") or _first_slug(app)
            return Response(status=302, headers={"Location": f"/{slug}/extension/{access.CLASS_TEACHER_PAGE}/"})(
                environ, start_response)
        wsgi = app.wsgi_app if hasattr(app, "wsgi_app") else app
        if access.classify(endpoint, request.method, view_args) == access.WRITE and self.on_write:
            return self.write(user, wsgi, environ, start_response)
        return self.with_banner(user, wsgi, environ, start_response)

    def write(self, user: User, wsgi, environ, start_response):
        """A write request, one at a time, handed to `on_write` (the audit trail)."""
        with self.write_lock:
            captured: dict = {}

            def keep(status, headers, exc_info=None):
                captured["status"], captured["headers"] = status, headers
                return lambda data: None

            def run():
                body = b"".join(wsgi(environ, keep))
                return int(captured["status"].split()[0]), body

            status, body = self.on_write(user, run)
        start_response(captured["status"], captured["headers"])
        return [body]

    def traversal(self, request: Request) -> str | None:
        """A file parameter that climbs out (`..`) or names a protected file (the users file)."""
        for name in _PATH_PARAMS:
            for value in request.values.getlist(name):
                parts = value.replace("\\", "/").split("/")
                if ".." in parts or "\x00" in value:
                    return "文件路径不能包含“..”"
                if parts and parts[-1] in self.protected:
                    return "这个文件不能通过网页查看"
        return None

    # -- the pages of the gate ---------------------------------------------------------------
    def history(self, request: Request, user: User, role: access.Role) -> Response:
        """修改历史: a voucher's changes (`?voucher=记-2026-10-012`), else the latest saves."""
        if not role.everything:
            return refused(request, "班主任只能查看本班的收费公示页面")
        from xiaozhang.reports import audit

        voucher = request.args.get("voucher", "").strip()
        problem, changes, waiting = "", [], []
        if self.ledger is None or audit.repository(self.ledger) is None:
            problem = "账本目录不在 git 仓库中（或没有安装 git），没有修改历史。"
        else:
            try:
                changes = audit.history(self.ledger, voucher) if voucher else audit.recent(self.ledger)
            except audit.AuditError as error:
                problem = str(error)
            waiting = audit.uncommitted(self.ledger)
        html = _TEMPLATES.get_template("history.html").render(
            voucher=voucher, changes=changes, problem=problem, waiting=waiting, user=user)
        return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})

    def unauthorised(self, request: Request) -> Response:
        if _wants_json(request):
            return _json(401, "请先登录（会话已过期或未登录）")
        target = request.full_path.rstrip("?") if request.method == "GET" else "/"
        return self.page(401, target, "")

    def page(self, status: int, target: str, message: str) -> Response:
        html = _TEMPLATES.get_template("signin.html").render(target=target, message=message)
        response = Response(html, status=status, mimetype="text/html")
        response.headers["WWW-Authenticate"] = 'Form realm="xiaozhang"'
        response.headers["Cache-Control"] = "no-store"
        return response

    def signin(self, request: Request) -> Response:
        target = _safe_target(request.values.get("next", "/"))
        if request.method != "POST":
            return self.page(200, target, "")
        user = authenticate(self.users.current(), request.form.get("login", "").strip(),
                            request.form.get("password", ""))
        if user is None:
            time.sleep(0.5)  # a little brake on guessing
            return self.page(401, target, "用户名或口令不正确")
        response = Response(status=303, headers={"Location": target})
        response.set_cookie(COOKIE, self.signer.dumps({"u": user.login, "p": _fingerprint(user)}),
                            max_age=SESSION_HOURS * 3600, httponly=True, samesite="Strict",
                            secure=self.https(request), path="/")
        return response

    def signout(self, request: Request) -> Response:
        response = Response(status=303, headers={"Location": SIGNIN})
        response.delete_cookie(COOKIE, path="/")
        return response

    def with_banner(self, user: User, wsgi, environ, start_response):
        """Fava's pages with a small 'signed in as … / 退出' line."""
        captured: dict = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        result = wsgi(environ, keep)
        headers = captured.get("headers", [])
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not kind.startswith("text/html"):
            start_response(captured["status"], headers)
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        banner = _TEMPLATES.get_template("banner.html").render(user=user).encode("utf-8")
        body = body.replace(b"</body>", banner + b"</body>", 1)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]


def _fingerprint(user: User) -> str:
    """A piece of the salted hash: a new password ends the old sessions."""
    return user.password[-16:]


def _match(app, environ) -> tuple[str | None, dict | None]:
    url_map = app.url_map
    adapter = url_map.bind_to_environ(environ)
    try:
        rule, args = adapter.match(return_rule=True)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None, None
    except HTTPException:
        return None, None
    return rule.endpoint, args


def _first_slug(app) -> str:
    return app.config["LEDGERS"].first_slug()


def _wants_json(request: Request) -> bool:
    return "/api/" in request.path or "/extension/" in request.path and request.method != "GET" \
        or request.accept_mimetypes.best == "application/json"


def _json(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}, ensure_ascii=False), status=status,
                    mimetype="application/json")


def refused(request: Request, reason: str) -> Response:
    """403 with the reason: JSON for the API, else the page that says why (refused.html)."""
    if _wants_json(request) or request.method != "GET":
        return _json(403, reason)
    html = _TEMPLATES.get_template("refused.html").render(reason=reason)
    return Response(html, status=403, mimetype="text/html")


def _safe_target(target: str) -> str:
    """Only a path on this site (never `//other.site` or `http://…`)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def signin_url(target: str) -> str:
    return f"{SIGNIN}?{urlencode({'next': target}, quote_via=quote)}"
