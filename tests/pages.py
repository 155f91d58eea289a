"""A local web server for intake tests: pages served from 127.0.0.1 in a thread.

Routes are set per test (``site.route(path, body, ...)``); a route's body may be a callable
given the handler, for slow or odd answers.
"""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

NEWS_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Minister's claim on schools | Daily Example</title>
<meta property="og:site_name" content="Daily Example">
<meta property="og:title" content="Minister's claim on schools">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<script>document.title = "scripted";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<article>
<h1>Minister's claim on schools</h1>
<p>The minister said on Tuesday that 12% of the 300 schools in the region closed in 2024,
a figure the opposition disputes.</p>
<p>According to figures from Statistics Netherlands, unemployment rose to 4.1% last year,
the highest level since 2015.</p>
<p>Critics pointed out that the budget for education fell by €210 million between 2020
and 2023.</p>
</article>
<footer>Copyright 2024 Daily Example. All rights reserved. Contact us</footer>
</body></html>
"""


@dataclass
class Route:
    body: bytes | Callable[[BaseHTTPRequestHandler], None]
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (too large, too slow) is what those tests want


class LocalSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if callable(route.body):
                    route.body(self)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, path: str, body: bytes | str | Callable = b"", **options) -> str:
        """Serve ``body`` at ``path``; returns the page's full URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **options)
        return self.base + path


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
