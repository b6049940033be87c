"""The exported site on disk, and a local web server with CloudFront's pretty-URL rules."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

MARKER = ".pressroom-site"


class ExportError(RuntimeError):
    """The output directory is not one pressroom may overwrite."""


def export_site(objects: dict[str, bytes], out: Path) -> int:
    """Write the hosting bucket's objects under `out`, replacing an earlier export there.

    A directory that holds anything but an earlier export is left alone: the export refuses
    rather than delete files pressroom did not write.
    """
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise ExportError(
                f"{out} already holds files pressroom did not write; choose an empty or new directory"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text(
        "Written by pressroom (`pressroom local` or `pressroom build`).\n", encoding="utf-8"
    )
    root = out.resolve()
    for key, body in objects.items():
        target = (out / key).resolve()
        if not target.is_relative_to(root):
            raise ExportError(f"refusing to write {key!r} outside {out}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return len(objects)


def update_export(objects: dict[str, bytes], out: Path, written: list[str], removed: list[str]) -> int:
    """Bring an earlier export up to date: write `written` from `objects`, delete `removed`.

    Anything else (no export there yet) is exported whole. Returns how many files changed.
    """
    if not (out / MARKER).is_file():
        return export_site(objects, out)
    root = out.resolve()
    for key in [*written, *removed]:
        if not (out / key).resolve().is_relative_to(root):
            raise ExportError(f"refusing to write {key!r} outside {out}")
    for key in written:
        target = out / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(objects[key])
    for key in removed:
        (out / key).unlink(missing_ok=True)
    return len(written) + len(removed)


@dataclass(frozen=True)
class Rewrite:
    """What the edge does with a request path: serve an object, or redirect."""

    key: str | None = None
    redirect_to: str | None = None


def rewrite(path: str, query: str = "") -> Rewrite:
    """The PrettyUrlsFunction's rules in template.yaml, in Python (tests hold the two together).
    A redirect keeps the query string (campaign tags, a search) as it came."""
    if path.endswith("/"):
        return Rewrite(key=(path + "index.html").lstrip("/"))
    last = path[path.rfind("/") + 1 :]
    if "." not in last:
        return Rewrite(redirect_to=path + "/" + (f"?{query}" if query else ""))
    return Rewrite(key=path.lstrip("/"))


class _SiteRequestHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        url = urlsplit(self.path)
        decision = rewrite(unquote(url.path), url.query)
        if decision.redirect_to:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", decision.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        root = Path(self.directory).resolve()
        key = decision.key or ""
        target = (root / PurePosixPath(key)).resolve()
        status = HTTPStatus.OK
        if not target.is_relative_to(root) or not target.is_file() or target.name == MARKER:
            target, status = root / "404.html", HTTPStatus.NOT_FOUND
        body = target.read_bytes() if target.is_file() else b"Not found\n"
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(target)) if target.is_file() else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for an exported site; call serve_forever() on it (port 0 picks a free port)."""
    handler = partial(_SiteRequestHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


@contextmanager
def serving_in_background(directory: Path, host: str, port: int) -> Iterator[int]:
    """Serve `directory` from another thread while the block runs; yields the port."""
    server = make_server(directory, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
