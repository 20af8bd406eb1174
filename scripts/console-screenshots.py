#!/usr/bin/env python3
"""Screenshots of every console page on the bundled year's data, for docs/.

Runs the year-long demo (fafang-demo --keep) for its database, then serves that database with
`fafang run` on 2021-12-20 against a fresh local sink, uploads one more bank file as a clerk
(refused: it would overpay households already paid in full), and saves each page as
docs/console-NAME.png (full page, 1280 wide).
Needs what `make setup` installs (Chromium, chromium-driver, CJK fonts, Selenium).
"""

import csv
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "browser"))
import harness  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402

PASSWORD = "screenshot-password"
DOCS = os.path.join(harness.ROOT, "docs")


def demo_state():
    demo = os.path.join(os.path.dirname(harness.FAFANG), "fafang-demo")
    out = subprocess.run([demo, "--fafang", harness.FAFANG, "--config", os.path.join(harness.ROOT, "Config"),
                          "--ledger", os.path.join(harness.ROOT, "Config", "demo", "ledger-2021.csv"),
                          "--templates", os.path.join(harness.ROOT, "Templates"), "--rate", "345600", "--keep"],
                         capture_output=True, text=True, cwd=harness.ROOT)
    print(out.stdout)
    match = re.search(r"work folder kept: (\S+)", out.stdout)
    if out.returncode != 0 or not match:
        sys.exit("the demo failed:\n" + out.stdout + out.stderr)
    return match.group(1)


def shoot(driver, base, path, name):
    """Saves the page at `path` (None: the page as it is) as docs/console-NAME.png, full height."""
    if path is not None:
        driver.get(base + path)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(1280, min(max(height + 40, 600), 6000))
    target = os.path.join(DOCS, "console-%s.png" % name)
    driver.save_screenshot(target)
    driver.set_window_size(1280, 900)
    print("  %s  %s" % (target, path or driver.current_url))


def main():
    work_folder = demo_state()
    sink = harness.Sink()
    work = harness.Workspace(sink.url, state=os.path.join(work_folder, "state"))
    for name, role, display in (("zhangkj", "clerk", "张会计"), ("lisz", "approver", "李所长")):
        work.passwd(name, role, display, PASSWORD)
    daemon = harness.Daemon(work, "2021-12-20T10:00:00+08:00", rate="0.000001")
    driver = harness.browser()
    try:
        os.makedirs(DOCS, exist_ok=True)
        shoot(driver, work.base, "/console/login", "login")
        for account in ("zhangkj",):
            driver.find_element(By.NAME, "account").send_keys(account)
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        # A December file paying households already paid in full: refused whole, each row's
        # problem shown (the upload page's answer is the screenshot).
        with open(os.path.join(harness.ROOT, "Config", "payees", "yinguantun-households.csv"), encoding="utf-8") as f:
            payees = list(csv.DictReader(line for line in f if not line.startswith("#")))[:4]
        bank = os.path.join(work.root, "december.csv")
        with open(bank, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["bank_reference", "project_code", "payee_id", "amount_yuan", "date", "status"])
            for index, payee in enumerate(payees):
                writer.writerow(["SHOT-%d" % index, "130208214IGHSSTAFMWVM", payee["id"], "10.00", "2021-12-18", "成功"])
        driver.get(work.base + "/console/ledger")
        driver.find_element(By.NAME, "file").send_keys(bank)
        driver.find_element(By.CSS_SELECTOR, "form[action='/console/ledger'] button[type=submit]").click()
        harness.WebDriverWait(driver, 30).until(lambda d: "未录入" in d.page_source or "新录入" in d.page_source)
        shoot(driver, work.base, None, "ledger")
        # The newest of the year's batches (the demo's approver released each as it opened).
        driver.get(work.base + "/console/batches")
        batch = driver.find_element(By.CSS_SELECTOR, "a[href^='/console/batches/']").get_attribute("href")
        shoot(driver, work.base, "/console/", "overview")
        shoot(driver, work.base, "/console/projects/130208214IGHSSTAFMWVM", "project")
        shoot(driver, work.base, "/console/batches", "batches")
        shoot(driver, work.base, batch.replace(work.base, ""), "batch")
        shoot(driver, work.base, "/console/deliveries", "deliveries")
        shoot(driver, work.base, "/console/outbox", "outbox")
        shoot(driver, work.base, "/console/audit", "audit")
        shoot(driver, work.base, "/public/", "public-index")
        shoot(driver, work.base, "/public/report?project=130208214IGHSSTAFMWVM&village=%E6%AE%B7%E5%AE%98%E5%B1%AF%E6%9D%91", "public-report")
    finally:
        driver.quit()
        daemon.stop()
        sink.stop()
        work.remove()
        subprocess.run(["rm", "-rf", work_folder])


if __name__ == "__main__":
    main()
