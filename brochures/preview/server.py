"""`build.py serve`: build, serve the output folder locally, rebuild on save, reload the browser.

The server answers from the output folder only (a path that resolves outside it, hidden files
included, is 404) plus a few generated routes under `/_preview/`: the dashboard at `/`, a
brochure's pages as images (rendered in-process with pypdfium2), and a server-sent event
stream that tells each open page to reload as soon as what it shows is written (`reload.py`). It binds 127.0.0.1 unless another
address is given explicitly, and stops cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import io
import sys
import threading
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from brochures.builders.head_start import import_before_threads
from brochures.builders.pipeline import BuildResult
from brochures.builders.plan import Options
from brochures.builders.watch import say, watch
from brochures.content.editions import EDITIONS_FILE, is_edition_id
from brochures.content.review import build_date
from brochures.files import FileRefused, read_inside
from brochures.preview.dashboard import Snapshot, dashboard_html, preview_html, snapshot
from brochures.preview.hosts import host_allowed
from brochures.preview.kit_page import MAX_BODY_BYTES, Answer, KitPage
from brochures.preview.kit_page import PATH as KIT_PATH
from brochures.preview.reload import Changes, with_reload
from brochures.problems import Problem

KEEPALIVE_SECONDS = 10
RELOAD_JS = b"""// Reload this page when the preview server says what it shows was written again.
(function () {
  var script = document.currentScript, query = "";
  if (script && script.dataset.watch) {
    query = "?watch=" + encodeURIComponent(script.dataset.watch) + "&since=" + script.dataset.since;
  }
  var events = new EventSource("/_preview/events" + query);
  events.addEventListener("reload", function () { events.close(); window.location.reload(); });
})();
"""
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript",
         ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml", ".ttf": "font/ttf",
         ".json": "application/json"}


class Preview:
    """The state shared by the watcher (which rebuilds) and the request threads.

    With editions, one edition is previewed: its folder is the root, its catalogue the dashboard's.
    """

    def __init__(self, options: Options, edition: str | None = None) -> None:
        self.options = options
        self.edition = edition
        self.folder = options.out_dir / edition if edition else options.out_dir
        self.root = self.folder.resolve()
        self.snapshot: Snapshot | None = None
        self.generation = 0
        self.stopping = False
        self.changed = threading.Condition()
        self.changes = Changes(self.folder, options.content_dir, self.changed)
        self._pdfium = threading.Lock()  # PDFium is not thread-safe
        self._images: dict[tuple[Path, int, int], bytes] = {}

    def rebuilt(self, result: BuildResult) -> None:
        snap = snapshot(self.options.content_dir, self.folder, result, build_date(), self.edition)
        with self.changed:
            self.snapshot = snap
            self.generation += 1
            self.changes.found(result.problems, everything=True)
            self.changed.notify_all()

    def progress(self, event: str, name: str, detail: str) -> None:
        """The build's events while it runs: a page reloads when its file is written."""
        if event == "written":
            self.changes.written(detail.splitlines())

    def checked(self, problems: list[Problem]) -> None:
        """The problems found before rendering: a broken topic's open page shows them at once."""
        self.changes.found(problems, everything=False)

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def file(self, url_path: str) -> Path | None:
        """The file a URL names inside the output folder, or None (outside it, hidden, missing)."""
        rel = unquote(url_path).lstrip("/")
        if "\0" in rel:
            return None
        target = (self.root / rel).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        if any(part.startswith(".") for part in target.relative_to(self.root).parts):
            return None
        return target

    def page_image(self, pdf: Path, index: int) -> bytes | None:
        import pypdfium2 as pdfium  # here: only the preview needs it

        stat = pdf.stat()
        key = (pdf, stat.st_mtime_ns, index)
        with self._pdfium:
            if key not in self._images:
                document = pdfium.PdfDocument(read_inside(pdf, [self.root]))
                try:
                    if not 0 <= index < len(document):
                        return None
                    image = document[index].render(scale=100 / 72).to_pil()
                finally:
                    document.close()
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                self._images[key] = buffer.getvalue()
            return self._images[key]


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build problems (and a kit's request is logged nowhere)

    def parse_request(self) -> bool:
        """http.server's parsing, then the `Host` check (preview/hosts.py) for every method."""
        if not super().parse_request():
            return False
        if not host_allowed(self.headers.get("Host"), *self.server.listening):
            self.close_connection = True
            self._send(b"refused: this preview answers only at its own address", ".txt", HTTPStatus.FORBIDDEN)
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if urlsplit(self.path).path != KIT_PATH:
            return self._send(b"not found", ".txt", HTTPStatus.NOT_FOUND)
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            return self._send(b"refused: the form is too long", ".txt", HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = self.rfile.read(int(length))
        self._answer(self.server.kit_page.post(body, self.headers.get("Origin"), self.headers.get("Host")))

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        preview = self.server.preview
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/":
            return self._send(dashboard_html(preview.snapshot), ".html")
        if parts.path == KIT_PATH:
            return self._answer(self.server.kit_page.form())
        if parts.path == "/_preview/reload.js":
            return self._send(RELOAD_JS, ".js")
        if parts.path == "/_preview/events":
            since = query.get("since", [""])[0]
            return self._events(preview, query.get("watch", [None])[0],
                                int(since) if since.isdigit() else preview.changes.number)
        if parts.path in ("/_preview/doc", "/_preview/page.png"):
            pdf = preview.file(query.get("pdf", [""])[0])
            if pdf is None or pdf.suffix != ".pdf":
                return self._send(b"not found", ".txt", HTTPStatus.NOT_FOUND)
            if parts.path == "/_preview/page.png":
                page = query.get("page", ["0"])[0]
                image = preview.page_image(pdf, int(page)) if page.isdigit() else None
                if image is None:
                    return self._send(b"not found", ".txt", HTTPStatus.NOT_FOUND)
                return self._send(image, ".png")
            import pypdfium2 as pdfium

            since = preview.changes.number
            with preview._pdfium:
                document = pdfium.PdfDocument(read_inside(pdf, [preview.root]))
                pages = len(document)
                document.close()
            rel = pdf.relative_to(preview.root)
            web = rel.with_suffix("") / "index.html"
            page = preview_html(str(rel), pages, str(web) if (preview.root / web).is_file() else None)
            return self._send(with_reload(page, rel.as_posix(), since, preview.changes.lines_for(rel.as_posix())),
                              ".html")
        since = preview.changes.number  # before reading: a write after it reloads the page
        target = preview.file(parts.path)
        if target is None:
            wanted = unquote(parts.path).lstrip("/")
            wanted += "index.html" if wanted.endswith("/") or not wanted else ""
            lines = preview.changes.lines_for(wanted)  # a topic whose first save is broken: say why
            page = with_reload(b"<!DOCTYPE html>\n<title>Not built</title>\n<body>\n<p>not found</p>\n</body>\n",
                               wanted, since, lines) if lines else b"not found"
            return self._send(page, ".html" if lines else ".txt", HTTPStatus.NOT_FOUND)
        try:
            data = read_inside(target, [preview.root])
        except FileRefused:
            return self._send(b"not found", ".txt", HTTPStatus.NOT_FOUND)
        if target.suffix == ".html":  # pages reload themselves when the build writes them again
            rel = target.relative_to(preview.root).as_posix()
            data = with_reload(data, rel, since, preview.changes.lines_for(rel))
        return self._send(data, target.suffix)

    def _send(self, data: bytes, suffix: str, status: HTTPStatus = HTTPStatus.OK,
              content_type: str | None = None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or TYPES.get(suffix, "text/plain; charset=utf-8"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, answer: Answer) -> None:
        self._send(answer.body, "", HTTPStatus(answer.status), answer.content_type, answer.headers)

    def _events(self, preview: Preview, watched: str | None, since: int) -> None:
        """Server-sent events: `reload` when what the page `watched` shows changed after change
        `since` (without one: after each rebuild), a comment now and then to keep it open."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

        def version() -> int:
            return preview.generation if watched is None else preview.changes.latest(watched)

        seen = preview.generation if watched is None else since
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: version() > seen or preview.stopping, KEEPALIVE_SECONDS)
                    if preview.stopping:
                        return
                    now = version()
                if now > seen:
                    seen = now
                    self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps the process alive

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        super().__init__(address, Handler)
        self.preview = preview
        self.listening = (address[0], self.server_address[1])  # the bound address as given, and the port
        self.kit_page = KitPage(preview.options.content_dir, preview.edition)


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False, jobs: int = 1,
          scheduler: str | None = None, editions: tuple[str, ...] = ()) -> int:
    """Serve the output folder and the dashboard while watching; exit 0 on Ctrl-C or SIGTERM.

    A catalogue with editions is previewed one edition at a time (`--edition ID`): the dashboard
    shows one set of settings and topics, and the builds make only that edition.
    """
    has_editions = (options.content_dir / EDITIONS_FILE).is_file()
    if has_editions and len(editions) != 1:
        print(f"{options.content_dir / EDITIONS_FILE}: this catalogue has editions; preview one of them with "
              "--edition ID", file=sys.stderr)
        return 2
    if has_editions and not is_edition_id(editions[0]):  # it names the folder served: never `..`
        print(f"--edition {editions[0]!r} is not an edition id (lowercase letters, digits and hyphens)",
              file=sys.stderr)
        return 2
    preview = Preview(options, editions[0] if has_editions else None)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    import_before_threads()  # the threads below fork render workers: none may be importing then
    try:
        server = PreviewServer((host, port), preview)
    except OSError as exc:
        print(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port", file=sys.stderr)
        return 1
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    say(f"serving {preview.folder} at http://{shown}:{server.server_address[1]}/ "
        "(the dashboard; the web edition is /index.html)")
    try:
        return watch(replace(options), quiet=quiet, on_build=preview.rebuilt, jobs=jobs, scheduler=scheduler,
                     editions=editions, progress=preview.progress, checked=preview.checked)
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()
