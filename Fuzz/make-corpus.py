#!/usr/bin/env python3
"""Writes the fuzzing harnesses' seed corpora (Fuzz/corpus/<harness>/) from the repository's own
fixtures and bundled configuration, and from the vendors' documented reply and push examples.

Run from the repository root; review and commit the result. libFuzzer adds the inputs it finds
to these folders only when `make fuzz` is run with FUZZ_CORPUS_GROW=1 (see the Makefile).
"""
import hashlib
import io
import json
import os
import re
import shutil
import zipfile

OUT = "Fuzz/corpus"
OFFICE = "Tests/FafangConfigTests/Fixtures/office"
# Parts that no reader opens (themes, document properties, Word's styles): left out of the seeds.
UNREAD = re.compile(r"^(docProps/|customXml/|xl/theme/|word/theme/|word/(styles|stylesWithEffects|fontTable|settings|webSettings)\.xml)")


def read(path, lines=None):
    with open(path, "rb") as f:
        data = f.read()
    if lines is not None:
        data = b"".join(data.splitlines(keepends=True)[:lines])
    return data


def seed(harness, name, data):
    folder = os.path.join(OUT, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def package_parts(path):
    with zipfile.ZipFile(path) as z:
        return [(n, z.read(n)) for n in z.namelist() if not UNREAD.match(n) and not n.endswith("/")]


def rezip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def framed(parts):
    return b"".join(name.encode() + b"\0" + data + b"\0" for name, data in parts)


def config_fixture():
    """ConfigFixture's files (Sources/FafangTestSupport/ConfigFixture.swift), as the harness writes them."""
    source = read("Sources/FafangTestSupport/ConfigFixture.swift").decode()
    files = {}
    for name, body in re.findall(r'"([\w./-]+)": """\n(.*?)\n\s*""",', source, re.S):
        indent = min(len(l) - len(l.lstrip()) for l in body.splitlines() if l.strip())
        files[name] = "\n".join(l[indent:] for l in body.splitlines()).encode() + b"\n"
    return files


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    fixture = config_fixture()
    csvs = ["Config/payees/" + n for n in sorted(os.listdir("Config/payees"))]
    csvs += ["Tests/FafangConfigTests/Fixtures/" + n for n in sorted(os.listdir("Tests/FafangConfigTests/Fixtures")) if n.endswith(".csv")]
    csvs += [OFFICE + "/ledger.csv"]
    for path in csvs:
        seed("csv", os.path.basename(path), read(path))
    seed("csv", "cn-holidays.csv", read("Config/calendar/cn-holidays.csv", lines=30))

    seed("goals-text", "seed-2021.txt", read("Tests/FafangConfigTests/Fixtures/seed-2021.txt"))
    seed("goals-text", "seed-2021-first-table.txt", read("Tests/FafangConfigTests/Fixtures/seed-2021.txt", lines=60))

    seed("ledger-csv", "office-ledger.csv", read(OFFICE + "/ledger.csv"))
    seed("ledger-csv", "demo-ledger-2021.csv", read("Config/demo/ledger-2021.csv", lines=25))

    seed("settings", "fixture-fafang.toml", fixture["fafang.toml"])
    seed("settings", "bundled-fafang.toml", read("Config/fafang.toml"))
    seed("project", "fixture-01-rent.toml", fixture["projects/01-rent.toml"])
    seed("project", "fixture-02-transfer.toml", fixture["projects/02-transfer.toml"])
    for name in sorted(os.listdir("Config/projects")):
        seed("project", name, read("Config/projects/" + name))
    seed("register", "fixture-rent.csv", fixture["payees/rent.csv"])
    for name in ["yinguantun-households.csv", "nanzhuzhuangzi-households.csv", "campus-greening-households.csv"]:
        seed("register", name, read("Config/payees/" + name, lines=20))
    seed("villages", "fixture-villages.csv", fixture["payees/villages.csv"])
    seed("villages", "villages.csv", read("Config/payees/villages.csv"))
    seed("transfers", "fixture-transfer.csv", fixture["payees/transfer.csv"])
    seed("transfers", "village-transfer-2021.csv", read("Config/payees/village-transfer-2021.csv"))
    seed("holidays", "cn-holidays-head.csv", read("Config/calendar/cn-holidays.csv", lines=40))
    seed("holidays", "cn-holidays.csv", read("Config/calendar/cn-holidays.csv"))

    for name in sorted(os.listdir(OFFICE)):
        if not name.endswith((".xlsx", ".docx")):
            continue
        parts = package_parts(os.path.join(OFFICE, name))
        seed(name.rsplit(".", 1)[1], name, rezip(parts))
        seed("ooxml-parts", name + ".parts", framed(parts))

    seed("ledger-json", "one-entry.json", json.dumps({"entries": [{
        "project_code": "RENT01", "payee_id": "H1", "amount_yuan": "720.00", "date": "2021-03-15",
        "bank_reference": "YCP202100001"}]}, ensure_ascii=False).encode())
    seed("ledger-json", "mistakes.json", json.dumps({"entries": [
        {"project_code": "RENT01", "payee_id": "H2", "amount_yuan": 4950.0, "date": "2021-3-15", "bank_reference": ""},
        {"project_code": 7, "payee_id": "H1", "amount_yuan": "-1", "date": "2021-02-30"},
        {"project_code": "RENT01", "payee_id": "H1", "amount_yuan": "1,080.50", "date": "2021-12-31", "bank_reference": "B-2"}]},
        ensure_ascii=False).encode())

    # Aliyun SmsReport (HTTP 批量推送) and Tencent 短信下发状态通知, as their documentation shows them.
    aliyun = [{"phone_number": "13812345678", "send_time": "2021-06-20 09:00:00", "report_time": "2021-06-20 09:00:05",
               "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1",
               "biz_id": "900619746936498440^0", "out_id": "pay:RENT01:H1:2021-06-20"},
              {"phone_number": "13812345679", "success": "false", "err_code": "MK:0001", "err_msg": "停机",
               "biz_id": "900619746936498441^0", "out_id": "pay:RENT01:H2:2021-06-20"}]
    tencent = [{"user_receive_time": "2021-06-20 09:00:05", "nationcode": "86", "mobile": "13812345678",
                "report_status": "SUCCESS", "errmsg": "DELIVRD", "description": "用户短信送达成功",
                "sid": "2019:538884*******", "ext": "pay:RENT01:H1:2021-06-20"},
               {"mobile": "13812345679", "report_status": "FAIL", "errmsg": "MK:0001", "description": "停机",
                "sid": "2019:538885", "session_context": "pay:RENT01:H2:2021-06-20"}]
    seed("receipts", "aliyun.json", b"\x00" + json.dumps(aliyun, ensure_ascii=False).encode())
    seed("receipts", "tencent.json", b"\x01" + json.dumps(tencent, ensure_ascii=False).encode())
    seed("receipts", "kannel-delivered.query", b"\x02id=pay%3ARENT01%3AH1%3A2021-06-20&type=1&reply=id%3A123+sub%3A001+dlvrd%3A001+stat%3ADELIVRD&at=1624150805&token=T")
    seed("receipts", "kannel-rejected.query", b"\x02id=pay:RENT01:H2:2021-06-20&type=16&reply=NACK%2F0x00000045%2FSubmit+failed&at=1624150805")

    # The gateways' recorded replies (Tests/FafangDeliveryTests/Fixtures/gateways): byte 0 the
    # gateway (GatewayHarness.gateways' order), byte 1 the status (GatewayHarness.statuses), byte 2 flags.
    order = {"dingtalk": 0, "wecom": 1, "feishu": 2, "kannel": 3, "aliyun": 4, "tencent": 5, "http": 6, "webhook": 8}
    statuses = [200, 201, 202, 204, 301, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504]
    folder = "Tests/FafangDeliveryTests/Fixtures/gateways"
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        fixture_file = json.load(open(os.path.join(folder, name)))
        gateway = order[fixture_file["gateway"]]
        for response in fixture_file["responses"]:
            status = min(range(len(statuses)), key=lambda i: abs(statuses[i] - response["status"]))
            flags, body = 0, response["body"].encode()
            retry = [value for name, value in response.get("headers", []) if name.lower() == "retry-after"]
            if retry:
                flags, body = 4, retry[0].encode() + b"\n" + body
            slug = re.sub(r"[^a-z0-9]+", "-", response["name"].lower()).strip("-")
            seed("gateway-replies", f"{fixture_file['gateway']}-{slug}", bytes([gateway, status, flags]) + body)
    seed("gateway-replies", "plain-ok", bytes([7, 0, 0]) + b"OK: queued 1")
    seed("gateway-replies", "aliyun-batch", bytes([4, 0, 2]) + json.dumps(
        {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}).encode())
    seed("gateway-replies", "tencent-batch", bytes([5, 0, 2]) + json.dumps({"Response": {"SendStatusSet": [
        {"SerialNo": "5000:1", "PhoneNumber": "+8613812345671", "Fee": 1, "SessionContext": "pay:RENT01:H1:2021-06-20",
         "Code": "Ok", "Message": "send success", "IsoCode": "CN"},
        {"SerialNo": "5000:2", "PhoneNumber": "+8613812345672", "Fee": 0, "SessionContext": "pay:RENT01:H2:2021-06-20",
         "Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "daily limit", "IsoCode": "CN"}],
        "RequestId": "a0aabda6"}}).encode())
    seed("gateway-replies", "retry-after-date", bytes([1, 11, 4]) + b"Sun, 20 Jun 2021 01:05:00 GMT\n" + b'{"errcode":45009,"errmsg":"api freq out of limit"}')


if __name__ == "__main__":
    main()
