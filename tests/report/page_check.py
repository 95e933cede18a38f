"""Open an HTML page in headless Chromium (Debian's `chromium`) over the
DevTools protocol and report what a reader would hit: JS errors (uncaught
exceptions, console errors), resources that failed to load, images that did
not decode, links whose target does not exist; and a full-page screenshot.

Only the standard library: the DevTools protocol is JSON over a WebSocket,
of which a client needs the handshake and unfragmented-or-continued frames.
"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    """Chromium did not start or did not answer; the message says what it printed."""


class WebSocket:
    """A client WebSocket (RFC 6455): text frames out (masked), frames in."""

    def __init__(self, url, timeout):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise BrowserError("the DevTools socket closed during the handshake")
            head += chunk
        status, _, self.buffer = head.partition(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n")[0]:
            raise BrowserError(f"DevTools handshake refused: {status.splitlines()[0]!r}")

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise BrowserError("the DevTools socket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def send(self, text):
        payload = text.encode()
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 1 << 16 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            data = self._read(n)  # a server does not mask
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise BrowserError("the DevTools socket was closed by Chromium")
            if opcode in (0x9, 0xA):  # ping/pong: not part of the protocol's messages
                continue
            message += data
            if b0 & 0x80:
                return message.decode()

    def close(self):
        self.sock.close()


class DevTools:
    """Commands and events over one page target's socket."""

    def __init__(self, url, timeout):
        self.ws = WebSocket(url, timeout)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.receive())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, deadline):
        while time.monotonic() < deadline:
            for e in self.events:
                if e["method"] == method:
                    return e
            self.events.append(json.loads(self.ws.receive()))
        raise BrowserError(f"no {method} before the deadline")


def start_chromium(profile, timeout):
    """Chromium headless on an ephemeral DevTools port: (process, port)."""
    if not CHROMIUM:
        raise FileNotFoundError("chromium")
    proc = subprocess.Popen([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                             "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                             f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "--window-size=1200,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own group: stop() ends its helpers too
    deadline = time.monotonic() + timeout
    seen = []
    # Chromium writes the port also to DevToolsActivePort in the profile.
    port_file = Path(profile) / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if port_file.exists():
            lines = port_file.read_text().split("\n")
            if lines and lines[0].isdigit():
                return proc, int(lines[0])
        if proc.poll() is not None:
            seen.append(proc.stderr.read())
            break
        time.sleep(0.05)
    stop(proc)
    raise BrowserError("chromium did not open its DevTools port: " + " ".join(seen)[-2000:])


def stop(proc):
    """End the Chromium this module started and the helpers it forked (its
    process group, whose id is its pid), and wait for it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    proc.stderr.close()


def page_socket(port, timeout):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/json/list")
    try:
        targets = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    pages = [t for t in targets if t.get("type") == "page"]
    if not pages:
        raise BrowserError(f"no page target in {targets}")
    return pages[0]["webSocketDebuggerUrl"]


# What the page links to and whether each image decoded, read in the page.
PAGE_FACTS = """JSON.stringify({
  images: Array.from(document.images).map(i => ({src: i.getAttribute('src'), url: i.src,
                                                  ok: i.complete && i.naturalWidth > 0})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.getAttribute('href'), url: a.href})),
  height: Math.ceil(document.documentElement.scrollHeight), title: document.title})"""


def link_problem(url, base_dir):
    """Why a link is broken (its file:// target is missing), or None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https", "mailto"):
        return None  # not followed: the report must work offline; see the test
    if parts.scheme != "file":
        return f"unexpected scheme '{parts.scheme}'"
    path = Path(urllib.parse.unquote(parts.path))
    if not path.exists():
        return f"{path} does not exist"
    if parts.fragment and path.suffix == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        if not re.search(rf'id=["\']{re.escape(parts.fragment)}["\']', text):
            return f"#{parts.fragment} is not an id in {path.name}"
    try:
        path.resolve().relative_to(Path(base_dir).resolve())
    except ValueError:
        return f"{path} is outside the report folder"
    return None


def check_page(html_path, screenshot, timeout=30):
    """Load html_path; return {"problems": [...], "images": n, "links": n,
    "title": str}; write a full-page PNG screenshot to `screenshot`."""
    html_path = Path(html_path).resolve()
    problems = []
    # Chromium's last helpers may still be leaving as the profile is removed.
    with tempfile.TemporaryDirectory(prefix="napilab-chromium-", ignore_cleanup_errors=True) as profile:
        proc, port = start_chromium(profile, timeout)
        tools = None
        try:
            tools = DevTools(page_socket(port, timeout), timeout)
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.call(f"{domain}.enable")
            deadline = time.monotonic() + timeout
            tools.call("Page.navigate", url=html_path.as_uri())
            tools.wait_for("Page.loadEventFired", deadline)
            facts = json.loads(tools.call("Runtime.evaluate", expression=PAGE_FACTS,
                                          returnByValue=True)["result"]["value"])
            for e in tools.events:
                p = e.get("params", {})
                if e["method"] == "Runtime.exceptionThrown":
                    d = p["exceptionDetails"]
                    text = d.get("exception", {}).get("description") or d.get("text")
                    problems.append(f"JS error: {text} (line {d.get('lineNumber', 0) + 1})")
                elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") == "error":
                    problems.append("console error: " + " ".join(str(a.get("value", a.get("description")))
                                                                 for a in p.get("args", [])))
                elif e["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
                    problems.append(f"browser error: {p['entry'].get('text')} {p['entry'].get('url', '')}".strip())
                elif e["method"] == "Network.loadingFailed" and not p.get("canceled"):
                    problems.append(f"failed to load: {p.get('errorText')} (request {p.get('requestId')})")
            for img in facts["images"]:
                if not img["ok"]:
                    problems.append(f"image not shown: {img['src']}")
            for link in facts["links"]:
                why = link_problem(link["url"], html_path.parent)
                if why:
                    problems.append(f"broken link {link['href']}: {why}")
            width = 1200
            tools.call("Emulation.setDeviceMetricsOverride", width=width, height=min(facts["height"], 16000),
                       deviceScaleFactor=1, mobile=False)
            shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
        finally:
            if tools:
                tools.ws.close()
            stop(proc)
    return {"problems": problems, "images": len(facts["images"]), "links": len(facts["links"]),
            "title": facts["title"]}
