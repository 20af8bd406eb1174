"""The operators' console in a real headless Chromium (Debian's chromium and chromium-driver,
Selenium from PyPI) against `fafang run` on the bundled configuration, a local sink standing in
for Kannel and the robots:

- a viewer logs in and sees the overview with its chart, and opens a project;
- a clerk uploads a bank file, and an approver who uploads another; each becomes a held batch;
- the clerk cannot approve the batch of payments they recorded, nor can the viewer, nor the
  approver who recorded the other one;
- an approve form posted without its CSRF token is refused;
- an approver approves the first batch and its SMS reach the sink; rejects the second, whose
  messages stay rejected with the reason.

Run: python3 Tests/browser/console_test.py (make browser-test), after `swift build`.
"""

import csv
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

RENT = "130208214IGHSSTAFMWVM"   # 天柱租地费（殷官屯村）
RENT_SOUTH = "13020821OTGZID34MT208"  # 天柱租地费（南朱庄子村）
PASSWORD = "console-test-password"


def register(name, count):
    with open(os.path.join(harness.ROOT, "Config", "payees", name), encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(rows))[:count]


class ConsoleInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = harness.Sink()
        cls.work = harness.Workspace(cls.sink.url)
        for name, role, display in (("zhangkj", "clerk", "张会计"), ("lisz", "approver", "李所长"),
                                    ("wangsj", "approver", "王审计"), ("wangcn", "viewer", "王出纳")):
            cls.work.passwd(name, role, display, PASSWORD)
        # 2021-06-16 10:00 in Shanghai: a working day, outside quiet hours; the clock runs at rate 1.
        cls.daemon = harness.Daemon(cls.work, "2021-06-16T10:00:00+08:00")
        cls.driver = harness.browser()
        # A condition read while the browser replaces the page (after a submit) finds the old
        # page's elements gone: it is read again on the next poll.
        cls.wait = WebDriverWait(cls.driver, 60, ignored_exceptions=(StaleElementReferenceException,))

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.daemon.stop()
        cls.sink.stop()
        cls.work.remove()

    # MARK: helpers

    def open(self, path):
        self.driver.get(self.work.base + path)

    def login(self, account):
        self.driver.delete_all_cookies()
        self.open("/console/login")
        self.driver.find_element(By.NAME, "account").send_keys(account)
        self.driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.sections")))
        self.assertNotIn("/console/login", self.driver.current_url, self.driver.page_source[:2000])

    def body(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def upload(self, name, rows):
        path = os.path.join(self.work.root, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["bank_reference", "project_code", "payee_id", "amount_yuan", "date", "status"])
            writer.writerows(rows)
        self.open("/console/ledger")
        self.driver.find_element(By.NAME, "file").send_keys(path)
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/console/ledger'] button[type=submit]").click()
        self.wait.until(lambda d: "新录入" in self.body() or "未录入" in self.body())
        self.assertIn("新录入 %d 笔" % len(rows), self.body())

    def batch_of(self, project_name):
        """Waits until an open batch of the project is listed; returns its page's path."""
        def find(driver):
            self.open("/console/batches")
            for row in driver.find_elements(By.CSS_SELECTOR, "table tr"):
                if project_name in row.text:
                    links = row.find_elements(By.CSS_SELECTOR, "a[href^='/console/batches/']")
                    if links:
                        return links[0].get_attribute("href")
            return False
        return self.wait.until(find)

    def decide(self, batch_url, verdict, reason=None, drop_csrf=False):
        self.driver.get(batch_url)
        form = self.driver.find_element(By.CSS_SELECTOR, "form[action$='/%s']" % verdict)
        if reason is not None:
            form.find_element(By.NAME, "reason").send_keys(reason)
        if drop_csrf:
            self.driver.execute_script("arguments[0].querySelector('input[name=csrf]').remove()", form)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait.until(lambda d: d.current_url != batch_url and d.execute_script("return document.readyState") == "complete")

    def post_without_button(self, batch_url, verdict):
        """Posts the decision form as its page would, for an operator shown no button."""
        self.driver.get(batch_url)
        csrf = self.driver.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
        count = self.driver.find_element(By.CSS_SELECTOR, "[data-count]").get_attribute("data-count")
        self.driver.execute_script("""
            const form = document.createElement('form');
            form.method = 'post'; form.action = arguments[0];
            for (const [name, value] of [['csrf', arguments[1]], ['expected', arguments[2]]]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();""", batch_url + "/" + verdict, csrf, count)
        self.wait.until(lambda d: d.current_url.endswith("/" + verdict) and d.execute_script("return document.readyState") == "complete")
        return self.body()

    # MARK: the test

    def test_console(self):
        driver = self.driver
        # A viewer sees the overview with its chart and the table of the same figures.
        self.login("wangcn")
        self.open("/console/")
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"), "the overview's chart")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
        self.assertEqual(len(rows), 9, "one row per bundled project")
        driver.find_element(By.CSS_SELECTOR, "a[href='/console/projects/%s']" % RENT).click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.chart polyline.plan")))
        self.assertIn("支付节点", self.body())
        self.assertIn("各村进度", self.body())

        # The clerk records three payments of one project, the approver wangsj two of another.
        north = register("yinguantun-households.csv", 3)
        south = register("nanzhuzhuangzi-households.csv", 2)
        self.login("zhangkj")
        self.upload("north.csv", [["CT-N-%d" % i, RENT, p["id"], "100.00", "2021-06-10", "成功"] for i, p in enumerate(north)])
        self.login("wangsj")
        self.upload("south.csv", [["CT-S-%d" % i, RENT_SOUTH, p["id"], "50.00", "2021-06-10", "成功"] for i, p in enumerate(south)])
        north_batch = self.batch_of("殷官屯村")
        south_batch = self.batch_of("南朱庄子村")
        self.assertNotEqual(north_batch, south_batch)
        driver.get(north_batch)
        self.assertIn("3", driver.find_element(By.CSS_SELECTOR, "[data-count]").get_attribute("data-count"))
        self.assertNotIn(north[0]["phone"], driver.page_source, "phones are masked on the batch page")

        # wangsj recorded the southern payments: refused.
        self.assertIn("须由另一位审核人审核", self.post_without_button(south_batch, "approve"))
        # The clerk recorded the northern ones (and is no approver): refused.
        self.login("zhangkj")
        self.assertFalse(driver.find_elements(By.CSS_SELECTOR, "form[action$='/approve']"), "no approve button for a clerk")
        driver.get(north_batch)
        self.assertIn("只有审核人可以通过或退回批次", self.body())
        self.assertIn("只有审核人可以通过或退回批次", self.post_without_button(north_batch, "approve"))
        # A viewer: refused.
        self.login("wangcn")
        self.assertIn("只有审核人可以通过或退回批次", self.post_without_button(north_batch, "approve"))

        # An approve form without its CSRF token is refused, and changes nothing.
        self.login("lisz")
        self.decide(north_batch, "approve", drop_csrf=True)
        self.assertIn("安全校验未通过", self.body())
        self.assertEqual(self.sink.sms, [], "nothing was sent")

        # lisz approves the northern batch: its three SMS reach the sink.
        self.decide(north_batch, "approve")
        missing = self.sink.wait_for_sms([p["phone"] for p in north])
        self.assertEqual(missing, set(), "every approved SMS reached the sink")
        texts = [text for to, text in self.sink.sms if to == north[0]["phone"]]
        self.assertTrue(texts and "100.00" in texts[0], texts)

        # lisz rejects the southern batch: kept, rejected, with the reason; never sent.
        self.decide(south_batch, "reject", reason="金额与拨付文件不符")
        driver.get(south_batch)
        self.assertIn("金额与拨付文件不符", self.body())
        self.open("/console/deliveries?state=rejected")
        self.assertEqual(len(driver.find_elements(By.CSS_SELECTOR, "[data-message]")), 2, self.body()[:1500])
        sent_to = {to for to, _ in self.sink.sms}
        self.assertFalse(sent_to & {p["phone"] for p in south}, "no rejected SMS went out")

        # The audit log shows who decided what.
        self.open("/console/audit")
        audit = self.body()
        self.assertIn("lisz", audit)
        self.assertIn("审核通过", audit)
        self.assertIn("审核退回", audit)
        self.assertIn("金额与拨付文件不符", audit)


if __name__ == "__main__":
    unittest.main(verbosity=2)
