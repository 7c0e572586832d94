"""A small HTTP/1.1 client for the bench: one keep-alive connection and a cookie
jar, enough to sign in through the login form and time requests. The stdlib
only (no third-party client is a dependency of the project)."""

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float  # wall time on the client: request sent to last byte read

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.origin = f"http://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self._conn = http.client.HTTPConnection(host, port, timeout=300)

    def close(self) -> None:
        self._conn.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict | None = None,
        on_chunk=None,
        chunk_size: int = 1 << 20,
    ) -> Response:
        """One request on the kept-alive connection, the whole body read.

        With `on_chunk`, the body is read `chunk_size` bytes at a time, handed
        to `on_chunk` and not kept (for exports of any size)."""
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self._conn.request(method, path, body=body, headers=sent)
            response = self._conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed the idle connection: open a new one, once.
            self._conn.close()
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
            started = time.perf_counter()
            self._conn.request(method, path, body=body, headers=sent)
            response = self._conn.getresponse()
        if on_chunk is None:
            data = response.read()
        else:
            data = b""
            # read1: what has arrived, so the first chunk's time is the
            # first byte's.
            while chunk := response.read1(chunk_size):
                on_chunk(chunk)
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for morsel in SimpleCookie(header).values():
                self.cookies[morsel.key] = morsel.value
        return Response(response.status, response.headers, data, seconds)

    def get(self, path: str, headers: dict | None = None, **kwargs) -> Response:
        return self.request("GET", path, headers=headers, **kwargs)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through /login as a browser does: the form's CSRF token and
        cookie, then the POST; fails loudly unless a session results."""
        page = self.get("/login")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status != 200 or not match:
            raise RuntimeError(f"/login answered {page.status} without a form")
        form = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "username": email,
                "password": password,
            }
        ).encode()
        answer = self.request(
            "POST",
            "/login",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/login",
            },
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Signing in as {email} failed ({answer.status})")
