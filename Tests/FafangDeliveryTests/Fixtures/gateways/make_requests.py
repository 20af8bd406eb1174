#!/usr/bin/env python3
"""Writes the expected request of each gateway fixture, computed here independently of the Swift
code (Python's hmac, hashlib, base64, urllib.parse, json), into the "request" member of
<gateway>.json; the "responses" member is kept as written by hand.

Run from this folder after changing a gateway's request shape:  python3 make_requests.py
The inputs mirror Tests/FafangDeliveryTests/Gateways/GatewayTestKit.swift.
"""
import base64, hashlib, hmac, json, os, urllib.parse
from datetime import datetime, timezone

NOW = 1624150800  # 2021-06-20T01:00:00Z
PHONE = "13812345678"
SIGNATURE = "银城铺乡财政所"
SMS_KEY = "pay:RENT01:H1:2021-06-20"
SMS_TEXT = "王一户：天柱租地费 2,160.00 元已于6月20日发放，请查收。咨询 0315-0000000。"
ROBOT_KEY = "digest:V1:2021-06-20"
ROBOT_TEXT = "甲村：今日发放 2 户，王一（13812345678）已到账。"
ROBOT_TITLE = "发放日报"


def q(text):
    return urllib.parse.quote(text, safe="-_.~")


def dumps(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def b64(data):
    return base64.b64encode(data).decode()


def dingtalk():
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN-DINGTALK-0123456789"
    secret = "SECRET-XYZ-dingtalk-0123456789"
    ms = str(NOW * 1000)
    sign = urllib.parse.quote_plus(b64(hmac.new(secret.encode(), f"{ms}\n{secret}".encode(), hashlib.sha256).digest()))
    body = {"msgtype": "text", "text": {"content": f"{ROBOT_TITLE}\n{ROBOT_TEXT}"}}
    return {"method": "POST", "url": f"{url}&timestamp={ms}&sign={sign}",
            "redactedURL": "https://oapi.dingtalk.com/robot/send?…",
            "headers": [["Content-Type", "application/json"]], "body": dumps(body)}


def wecom():
    body = {"msgtype": "text", "text": {"content": f"{ROBOT_TITLE}\n{ROBOT_TEXT}"}}
    return {"method": "POST", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOKEN-WECOM-0123456789",
            "redactedURL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…",
            "headers": [["Content-Type", "application/json"]], "body": dumps(body)}


def feishu():
    secret = "SECRET-XYZ-feishu-0123456789"
    sign = b64(hmac.new(f"{NOW}\n{secret}".encode(), b"", hashlib.sha256).digest())
    body = {"timestamp": str(NOW), "sign": sign, "msg_type": "text", "content": {"text": f"{ROBOT_TITLE}\n{ROBOT_TEXT}"}}
    return {"method": "POST", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN-FEISHU-0123456789",
            "redactedURL": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
            "headers": [["Content-Type", "application/json"]], "body": dumps(body)}


def webhook():
    key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    body = dumps({"type": "fafang.message", "timestamp": "2021-06-20T01:00:00Z",
                  "data": {"id": ROBOT_KEY, "endpoint": "village-v04", "title": ROBOT_TITLE, "text": ROBOT_TEXT}})
    signature = "v1," + b64(hmac.new(key, f"{ROBOT_KEY}.{NOW}.{body}".encode(), hashlib.sha256).digest())
    return {"method": "POST", "url": "https://hooks.village.example/fafang?token=TOKEN-WEBHOOK-0123456789",
            "redactedURL": "https://hooks.village.example/fafang?…",
            "headers": [["Content-Type", "application/json"], ["webhook-id", ROBOT_KEY],
                        ["webhook-timestamp", str(NOW)], ["webhook-signature", signature]],
            "body": body}


def kannel():
    dlr = "http://127.0.0.1:8088/receipts/kannel?id=" + q(SMS_KEY) + "&type=%d&reply=%A&at=%T"
    items = [("username", "fafang"), ("password", "SECRET-XYZ-kannel"), ("to", PHONE),
             ("text", f"【{SIGNATURE}】{SMS_TEXT}"), ("coding", "2"), ("charset", "UTF-8"), ("from", "10690000"),
             ("dlr-mask", "27"), ("dlr-url", dlr)]
    query = "&".join(q(k) + "=" + q(v) for k, v in items)
    return {"method": "GET", "url": "http://127.0.0.1:13013/cgi-bin/sendsms?" + query,
            "redactedURL": "http://127.0.0.1:13013/cgi-bin/sendsms?…", "headers": [], "body": ""}


def aliyun():
    params = {"AccessKeyId": "LTAI-test-id", "Action": "SendSms", "Format": "JSON", "OutId": SMS_KEY,
              "PhoneNumbers": PHONE, "RegionId": "cn-hangzhou", "SignName": SIGNATURE,
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "6a4b0d5e-4f3c-4b8e-9a0d-2f1e3c4b5a69",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_000001",
              "TemplateParam": dumps({"payee_name": "王一", "amount": "2160.00"}),
              "Timestamp": "2021-06-20T01:00:00Z", "Version": "2017-05-25"}
    canonical = "&".join(q(k) + "=" + q(v) for k, v in sorted(params.items()))
    to_sign = "GET&" + q("/") + "&" + q(canonical)
    signature = b64(hmac.new(b"SECRET-XYZ-aliyun&", to_sign.encode(), hashlib.sha1).digest())
    return {"method": "GET", "url": "https://dysmsapi.aliyuncs.com/?Signature=" + q(signature) + "&" + canonical,
            "redactedURL": "https://dysmsapi.aliyuncs.com/?…", "headers": [], "body": ""}


def tencent():
    body = dumps({"PhoneNumberSet": ["+86" + PHONE], "SmsSdkAppId": "1400000000", "SignName": SIGNATURE,
                  "TemplateId": "1000001", "TemplateParamSet": ["王一", "2160.00"], "SessionContext": SMS_KEY})
    content_type = "application/json; charset=utf-8"
    host = "sms.tencentcloudapi.com"
    date = datetime.fromtimestamp(NOW, timezone.utc).strftime("%Y-%m-%d")
    canonical = (f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\ncontent-type;host\n"
                 + hashlib.sha256(body.encode()).hexdigest())
    scope = f"{date}/sms/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{NOW}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()

    def mac(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()
    key = mac(mac(mac(("TC3" + "SECRET-XYZ-tencent").encode(), date), "sms"), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = f"TC3-HMAC-SHA256 Credential=AKID-test-id/{scope}, SignedHeaders=content-type;host, Signature={signature}"
    return {"method": "POST", "url": "https://sms.tencentcloudapi.com/", "redactedURL": "https://sms.tencentcloudapi.com/",
            "headers": [["Authorization", auth], ["Content-Type", content_type], ["Host", host],
                        ["X-TC-Action", "SendSms"], ["X-TC-Timestamp", str(NOW)], ["X-TC-Version", "2021-01-11"],
                        ["X-TC-Region", "ap-guangzhou"]],
            "body": body}


def http():
    text = f"【{SIGNATURE}】{SMS_TEXT}"
    esc = lambda s: json.dumps(s, ensure_ascii=False)[1:-1]
    body = '{"mobile": "' + esc(PHONE) + '", "content": "' + esc(text) + '", "ref": "' + esc(SMS_KEY) + '"}'
    return {"method": "POST", "url": "https://sms.county.example/api/send?key=" + q("SECRET-XYZ-http"),
            "redactedURL": "https://sms.county.example/api/send?…",
            "headers": [["X-Request-Id", SMS_KEY], ["Content-Type", "application/json; charset=utf-8"]], "body": body}


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name, make in [("dingtalk", dingtalk), ("wecom", wecom), ("feishu", feishu), ("webhook", webhook),
                       ("kannel", kannel), ("aliyun", aliyun), ("tencent", tencent), ("http", http)]:
        path = os.path.join(here, name + ".json")
        old = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {}
        fixture = {"gateway": name, "request": make(), "responses": old.get("responses", [])}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(fixture, f, ensure_ascii=False, indent=2)
            f.write("\n")
        print("wrote", path)
