#!/usr/bin/env python3
"""The auditors' export read back by LibreOffice (issue 14).

On a copy of the bundled configuration: the year's bank file imported (`fafang ledger import`),
`fafang run` on a virtual clock through December 2021 so that messages and attempts exist (the
bundled sinks are not listening: attempts fail and are recorded), then `fafang export --year
2021`. LibreOffice, headless, converts every sheet of the workbook to CSV; this script reads those
CSVs (and the CSV files Fafang wrote, as Excel would: UTF-8 with a BOM) and checks:
- each project's 2021 total in the summary sheet equals `fafang status --at 2021-12-31`'s paid;
- the ledger sheet has one row per payment, and its amounts add up to the summary's;
- the messages sheet holds every message, and no 11-digit phone number anywhere (masked);
- `--unmasked` without `--operator` is refused; with an approver it is audited.
"""
import csv
import sqlite3
import glob
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAFANG = os.environ.get("FAFANG") or os.path.join(REPO, ".build/debug/fafang")


def run(*args, check=True):
    result = subprocess.run([FAFANG, *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"check-export: fafang {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def config_db(work):
    return os.path.join(work, "state", "fafang.sqlite")


def query(path, sql):
    """Rows of `sql` on the store, opened read-only ([] while it does not exist yet)."""
    if not os.path.exists(path):
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        connection.close()


def soffice_sheets(workbook, out):
    """Every sheet of `workbook` as CSV (UTF-8, comma, quoted), through LibreOffice; {sheet: rows}."""
    profile = tempfile.mkdtemp(prefix="fafang-lo-")
    try:
        # Filter options: separator 44 (,), quote 34 ("), charset 76 (UTF-8), first line 1, …,
        # sheet -1: every sheet, each to NAME-SHEETNAME.csv (LibreOffice 7.2 and later).
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
                        "--outdir", out, workbook], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    stem = os.path.splitext(os.path.basename(workbook))[0]
    sheets = {}
    for path in glob.glob(os.path.join(out, f"{stem}-*.csv")):
        name = os.path.basename(path)[len(stem) + 1:-4]
        with open(path, encoding="utf-8") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets


def main():
    if not shutil.which("soffice"):
        sys.exit("check-export: no soffice: install libreoffice-calc-nogui (make setup)")
    work = tempfile.mkdtemp(prefix="fafang-export-")
    try:
        config = os.path.join(work, "Config")
        shutil.copytree(os.path.join(REPO, "Config"), config)
        toml = os.path.join(config, "fafang.toml")
        text = open(toml, encoding="utf-8").read()
        text = text.replace('state_directory = "../state"', f'state_directory = "{work}/state"')
        text = text.replace('templates_directory = "../Templates"', f'templates_directory = "{REPO}/Templates"')
        text = re.sub(r'^backup_directory = .*$', f'backup_directory = "{work}/backups"', text, flags=re.M)
        text = re.sub(r'^listen = "127\.0\.0\.1:\d+"', 'listen = "127.0.0.1:0"', text, flags=re.M)
        open(toml, "w", encoding="utf-8").write(text)

        run("ledger", "import", "--config", config, os.path.join(config, "demo/ledger-2021.csv"))
        daemon = subprocess.Popen([FAFANG, "run", "--config", config, "--clock-start", "2021-12-01T09:00:00+08:00",
                                   "--clock-rate", "86400", "--log-level", "error"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            # Until the daemon has made messages and recorded attempts of them (read-only peeks).
            deadline = time.time() + 120
            while query(config_db(work), "SELECT COUNT(*) FROM delivery_attempt") in ([], [(0,)]):
                if time.time() > deadline or daemon.poll() is not None:
                    sys.exit(f"check-export: no attempt recorded by fafang run: {daemon.stderr.read() if daemon.poll() is not None else 'timed out'}")
                time.sleep(0.2)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)

        status = run("status", "--config", config, "--at", "2021-12-31").stdout
        paid = {code: Decimal(amount.replace(",", "")) for code, amount in re.findall(r"\[(\w+)\]: paid ([\d,\.]+)", status)}
        assert paid, f"no project in fafang status: {status}"
        out = os.path.join(work, "export")
        printed = run("export", "--config", config, "--year", "2021", "--to", out).stdout
        print(printed.strip())

        sheets = soffice_sheets(os.path.join(out, "fafang-2021.xlsx"), os.path.join(work, "lo"))
        expected = {"汇总", "付款台账", "通知", "发送记录", "回执"}
        assert expected <= set(sheets), f"LibreOffice read sheets {sorted(sheets)}, expected {sorted(expected)}"
        summary = {row[0]: row for row in sheets["汇总"][1:] if row and row[0] != "合计"}
        for code, amount in paid.items():
            assert code in summary, f"project {code} missing from the summary sheet"
            # LibreOffice writes the cell as formatted: #,##0.00.
            exported = Decimal(summary[code][4].replace(",", ""))
            assert exported == amount, f"{code}: the export says {exported}, fafang status {amount}"
        ledger = sheets["付款台账"][1:]
        ledger_total = sum(Decimal(row[4].replace(",", "")) for row in ledger)
        total_row = next(row for row in sheets["汇总"] if row and row[0] == "合计")
        assert ledger_total == Decimal(total_row[4].replace(",", "")) == sum(paid.values()), \
            f"ledger sheet {ledger_total}, summary {total_row[4]}, status {sum(paid.values())}"
        messages = sheets["通知"][1:]
        attempts = sheets["发送记录"][1:]
        assert messages and attempts, f"{len(messages)} messages, {len(attempts)} attempts: the daemon made none"
        for name, rows in sheets.items():
            for row in rows:
                for cell in row:
                    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", cell), f"{name}: an unmasked phone number in {cell!r}"
        # The CSV files as Excel opens them: UTF-8 with a BOM.
        raw = open(os.path.join(out, "ledger-2021.csv"), "rb").read()
        assert raw.startswith(b"\xef\xbb\xbf"), "ledger-2021.csv has no UTF-8 byte order mark"
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
        assert len(rows) - 1 == len(ledger), f"ledger CSV {len(rows) - 1} rows, workbook {len(ledger)}"

        refused = run("export", "--config", config, "--year", "2021", "--to", out, "--unmasked", check=False)
        assert refused.returncode != 0 and "--operator" in refused.stderr, refused.stderr
        run("export", "--config", config, "--year", "2021", "--to", os.path.join(work, "unmasked"), "--unmasked", "--operator", "lisz")
        unmasked = list(csv.reader(io.StringIO(open(os.path.join(work, "unmasked", "messages-2021.csv"), encoding="utf-8-sig").read())))
        sms = [row for row in unmasked[1:] if row[3] == "sms"]
        assert all(re.fullmatch(r"1\d{10}", row[5]) for row in sms), "the unmasked export masks a phone"
        audit = query(config_db(work), "SELECT actor, action, subject FROM audit_log WHERE action = 'export_unmasked'")
        assert audit == [("lisz", "export_unmasked", "year 2021")], f"audit log: {audit!r}"
        print(f"check-export: ok: LibreOffice read {len(sheets)} sheets; {len(paid)} projects' totals equal fafang status "
              f"({sum(paid.values())} 元 in {len(ledger)} payments); {len(messages)} messages, {len(attempts)} attempts, "
              f"phones masked; {len(sms)} SMS shown in full only in the unmasked export, refused without an operator and audited with one")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
