"""Shared pieces of the console's browser test and screenshot script: a copy of the bundled
configuration pointed at a local sink, the sink itself (standing in for Kannel and the village
robots), `fafang run` on a free loopback port, and headless Chromium through Selenium.

Everything listens on 127.0.0.1 only, on ports the system hands out, and is stopped by pid.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: F401 (for the scripts)
except ImportError:  # the sink and workspace work without Selenium
    WebDriverWait = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAFANG = os.environ.get("FAFANG", os.path.join(ROOT, ".build", "debug", "fafang"))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Answers as Kannel's sendsms and the robots do, and records every SMS it is asked to send."""

    def __init__(self):
        self.sms = []  # (to, text)
        self.webhooks = 0
        self.changed = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/cgi-bin/sendsms":
                    query = urllib.parse.parse_qs(url.query)
                    with sink.changed:
                        sink.sms.append((query.get("to", ["?"])[0], query.get("text", [""])[0]))
                        sink.changed.notify_all()
                    self._reply(202, "0: Accepted for delivery")
                else:
                    self._reply(404, "")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                with sink.changed:
                    sink.webhooks += 1
                    sink.changed.notify_all()
                if "/feishu/" in self.path:
                    self._reply(200, '{"code":0,"msg":"success","data":{}}')
                elif "/dingtalk/" in self.path or "/wecom/" in self.path:
                    self._reply(200, '{"errcode":0,"errmsg":"ok"}')
                else:
                    self._reply(204, "")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def wait_for_sms(self, phones, timeout=60):
        """Waits until an SMS reached each phone; returns those that did not in time."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                missing = set(phones) - {to for to, _ in self.sms}
                left = deadline - time.monotonic()
                if not missing or left <= 0:
                    return missing
                self.changed.wait(left)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Workspace:
    """The bundled configuration copied into a temporary folder, its state there too, its
    gateways and robots at the sink, its admin server on `admin_port`."""

    def __init__(self, sink_url, config=os.path.join(ROOT, "Config"), state=None):
        self.root = tempfile.mkdtemp(prefix="fafang-console-")
        self.config = os.path.join(self.root, "config")
        shutil.copytree(config, self.config)
        self.admin_port = free_port()
        settings = os.path.join(self.config, "fafang.toml")
        lines = []
        with open(settings, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                if line.startswith("state_directory ="):
                    line = 'state_directory = "%s"' % (state or os.path.join(self.root, "state"))
                elif line.startswith("templates_directory ="):
                    line = 'templates_directory = "%s"' % os.path.join(ROOT, "Templates")
                elif line.startswith("listen ="):
                    line = 'listen = "127.0.0.1:%d"' % self.admin_port
                lines.append(line)
        text = "\n".join(lines)
        text = text.replace("http://127.0.0.1:18089", sink_url).replace("http://127.0.0.1:13013", sink_url)
        text = text.replace("http://127.0.0.1:8088", "http://127.0.0.1:%d" % self.admin_port)
        with open(settings, "w", encoding="utf-8") as f:
            f.write(text)

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.admin_port

    def fafang(self, *args, stdin=None):
        return subprocess.run([FAFANG, *args], input=stdin, capture_output=True, text=True, check=True)

    def passwd(self, name, role, display, password):
        path = os.path.join(self.root, "password-" + name)
        with open(path, "w") as f:
            f.write(password + "\n")
        self.fafang("passwd", name, "--config", self.config, "--role", role, "--display-name", display,
                    "--password-file", path, "--cost", "4")

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


class Daemon:
    """`fafang run` on the workspace, on a clock starting at `clock_start` (rate 1)."""

    def __init__(self, workspace, clock_start, rate="1"):
        self.log_path = os.path.join(workspace.root, "fafang.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [FAFANG, "run", "--config", workspace.config, "--clock-start", clock_start, "--clock-rate", rate,
             "--tick", "2", "--log-level", "info"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = workspace.base
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("fafang run exited early:\n" + self.tail())
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("fafang run did not answer /healthz:\n" + self.tail())
            time.sleep(0.2)  # polling a starting server; no test outcome depends on it

    def tail(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-40:])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def browser(width=1280, height=900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=%d,%d" % (width, height), "--lang=zh-CN", "--no-proxy-server",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--no-first-run"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)
