"""Load check of ``gen serve``: 50 clerks upload at once, the server is killed in the middle and started
again, and nothing is lost. Prints figures; asserts nothing is missing (exit 1 if something is).

    python tools/load_serve.py [--clerks 50] [--pdf]

Runs the real ``gen serve`` (waitress, SQLite in a temporary data folder) as a child process. Half the
clerks upload the example workbook, half a copy with one mistake (收支总额!B4); every clerk's workbook names its
own unit, so every upload is a distinct stored file. While the uploads run, the server is killed with
SIGKILL (no chance to tidy up) and restarted; clerks whose request failed retry, as a person would.
Then it checks: every upload answered 303 is in the database with its file, every clerk saw its
findings (the mistaken cell B4, or 检查通过), every valid workbook got its .docx, no job is left behind.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from xlsx_edit import set_cells  # noqa: E402

GOOD = ROOT / "inputs" / "阿克陶县社会保险中心2024年单位预算.xlsx"
PASSWORD = "load-check-password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """A browser in miniature: one cookie (the session), GET and form POSTs over http.client."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def csrf(self, path: str) -> str:
        return CSRF.search(self.request("GET", path)[2]).group(1)

    def post_form(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None):
        boundary = "----gen-load-" + os.urandom(8).hex()
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in (files or {}).items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n".encode())
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, body.getvalue(), f"multipart/form-data; boundary={boundary}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, pdf: bool) -> subprocess.Popen:
    env = {**os.environ, "GEN_ADMIN_PASSWORD": PASSWORD}
    process = subprocess.Popen([sys.executable, "-c", "from gen.cli import main; main()", "serve", "--port", str(port), "--data", str(data),
                                "--pdf" if pdf else "--no-pdf", "--threads", "16"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gen serve 未能启动：" + process.stderr.read().decode())
            time.sleep(0.1)
    raise SystemExit("gen serve 60 秒内没有开始监听")


def workbook(source: Path, n: int, folder: Path) -> bytes:
    """Clerk n's workbook: the source with the unit's own name (单位信息!B3), so every file differs and
    every unit's document has its own name, as in a real bureau."""
    return set_cells(source, folder / f"clerk{n}.xlsx", "单位信息", {"B3": unit_name(n)}).read_bytes()


def unit_name(n: int) -> str:
    return f"第{n:02d}单位"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--pdf", action="store_true", help="also convert every document to PDF (LibreOffice)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gen-load-"))
    bad = set_cells(GOOD, work / "bad.xlsx", "收支总额", {"B4": 441.12})
    data, port = work / "data", free_port()
    server = start_server(data, port, args.pdf)
    servers = [server]
    try:
        admin = Client(port)
        admin.post_form("/admin/login", {"csrf_token": admin.csrf("/admin/login"), "password": PASSWORD})
        names = "\n".join(unit_name(n) for n in range(args.clerks))
        admin.post_form("/admin/units", {"csrf_token": admin.csrf("/admin"), "year": "2024", "names": names})
        page = admin.request("GET", "/admin?year=2024")[2]
        tokens = re.findall(r"/u/([A-Za-z0-9_-]{32})\"", page)
        assert len(tokens) == args.clerks, f"{len(tokens)} links for {args.clerks} units"

        results: list[dict] = [{} for _ in tokens]
        barrier = threading.Barrier(len(tokens) + 1)

        def clerk(n: int, token: str) -> None:
            mistaken = n % 2 == 1
            body = workbook(bad if mistaken else GOOD, n, work)
            c = Client(port)
            barrier.wait()
            attempts = 0
            while True:
                attempts += 1
                try:
                    token_csrf = c.csrf(f"/u/{token}")
                    start = time.perf_counter()
                    status, headers, _ = c.post_form(f"/u/{token}/upload", {"csrf_token": token_csrf, "who": f"clerk-{n}"},
                                                     {"workbook": (f"clerk{n}.xlsx", body)})
                    seconds = time.perf_counter() - start
                    if status != 303:
                        raise OSError(f"status {status}")
                    findings = c.request("GET", headers["Location"])[2]
                    break
                except OSError as exc:  # the server is down (killed): wait and try again, as a clerk would
                    results[n]["error"] = str(exc)
                    time.sleep(0.5)
            seen = ('<td class="cell">B4' in findings and "I9" in findings) if mistaken else "检查通过" in findings
            results[n].update(seconds=seconds, attempts=attempts, mistaken=mistaken, seen=seen, body=body,
                              location=headers["Location"])

        threads = [threading.Thread(target=clerk, args=(n, t)) for n, t in enumerate(tokens)]
        for t in threads:
            t.start()
        wall = time.perf_counter()
        barrier.wait()
        while sum(1 for r in results if "seconds" in r) < len(tokens) // 2:  # kill in the middle
            time.sleep(0.01)
        answered_before = sum(1 for r in results if "seconds" in r)
        server.send_signal(signal.SIGKILL)
        server.wait()
        down = time.perf_counter()
        server = start_server(data, port, args.pdf)
        servers.append(server)
        downtime = time.perf_counter() - down
        for t in threads:
            t.join()
        uploads_wall = time.perf_counter() - wall
        # wait for every build, then look into the database directly
        from sqlalchemy import select

        from gen.web.models import Document, Job, Upload
        from gen.web.storage import Files, default_url, open_database

        _, sessions = open_database(default_url(data))
        files = Files(data / "files")
        deadline = time.time() + 600
        while time.time() < deadline:
            with sessions() as s:
                if not s.scalars(select(Job).where(Job.state.in_(("queued", "running")))).first():
                    break
            time.sleep(0.5)
        built_wall = time.perf_counter() - wall
        with sessions() as s:
            uploads = s.scalars(select(Upload)).all()
            documents = s.scalars(select(Document)).all()
            jobs = s.scalars(select(Job)).all()
        stored = {u.sha256 for u in uploads if files.path(u.sha256, ".xlsx").exists()}
        missing = [n for n, r in enumerate(results) if hashlib.sha256(r["body"]).hexdigest() not in stored]
        unseen = [n for n, r in enumerate(results) if not r["seen"]]
        good_units = {u.unit_id for u in uploads if u.errors == 0 and u.status == "checked"}
        docx_units = {d.unit_id for d in documents if d.kind == "docx"}
        stuck = [j.id for j in jobs if j.state in ("queued", "running")]
        failed = [f"{j.id}: {j.message}" for j in jobs if j.state == "failed"]
        times = sorted(r["seconds"] for r in results)
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        retried = sum(1 for r in results if r["attempts"] > 1)
        print(f"clerks: {len(results)} uploading at once ({sum(r['mistaken'] for r in results)} with a mistake), "
              f"2-core machine, server threads 16, PDF {'on' if args.pdf else 'off'}")
        print(f"server killed (SIGKILL) after {answered_before} answered uploads; restarted in {downtime:.2f} s; "
              f"{retried} clerks retried")
        print(f"check time per upload (POST → 303 with findings stored): p50 {statistics.median(times):.3f} s, "
              f"p95 {p95:.3f} s, max {times[-1]:.3f} s")
        print(f"all uploads answered after {uploads_wall:.2f} s; all documents built after {built_wall:.2f} s")
        print(f"uploads in database: {len(uploads)} (files present: {len(stored)} distinct); "
              f"clerks whose file is missing: {len(missing)}")
        print(f"clerks who did not see their findings: {len(unseen)}")
        pdf_units = {d.unit_id for d in documents if d.kind == "pdf"}
        print(f"valid workbooks: {len(good_units)}, with .docx: {len(good_units & docx_units)}"
              + (f", with .pdf: {len(good_units & pdf_units)}" if args.pdf else "") + "; "
              f"jobs left queued/running: {len(stuck)}; failed jobs: {len(failed)}")
        for line in failed[:5]:
            print("  failed job", line)
        ok = not missing and not unseen and good_units <= docx_units and not stuck and not failed \
            and (not args.pdf or good_units <= pdf_units) \
            and len(good_units) == sum(not r["mistaken"] for r in results)
        print("RESULT:", "nothing lost" if ok else "SOMETHING LOST")
        return 0 if ok else 1
    finally:
        for process in servers:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


if __name__ == "__main__":
    sys.exit(main())
