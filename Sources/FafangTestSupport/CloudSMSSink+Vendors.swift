import Foundation

extension CloudSMSSink {
    /// Answers one request as Aliyun or Tencent would.
    static func answer(_ request: LoopbackRequest, _ shared: Shared) -> LoopbackReply {
        if let action = request.header("X-TC-Action") { return tencent(request, action: action, shared) }
        return aliyun(request, shared)
    }

    // MARK: Aliyun

    private static func aliyun(_ request: LoopbackRequest, _ shared: Shared) -> LoopbackReply {
        var parameters = form(request.query ?? "", plusIsSpace: false)
        if request.method == "POST" {
            for (name, value) in form(request.bodyText, plusIsSpace: true) { parameters[name] = value }
        }
        let requestID = UUID().uuidString
        func error(_ code: String, _ message: String, status: Int = 400) -> LoopbackReply {
            json(["Code": code, "Message": message, "RequestId": requestID], status: status)
        }
        guard let action = parameters["Action"], action == "SendSms" || action == "SendBatchSms" else {
            return error("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", status: 404)
        }
        var valid: Bool?
        if let verifier = shared.verifiers.aliyun { valid = verifier(request.method, parameters) }
        guard let code = parameters["TemplateCode"] else { return error("MissingTemplateCode", "TemplateCode is mandatory for this action.") }

        var recipients: [Recipient] = []
        if action == "SendSms" {
            let phones = (parameters["PhoneNumbers"] ?? "").split(separator: ",").map(String.init)
            let object = parameters["TemplateParam"].flatMap(stringObject) ?? [:]
            recipients = phones.map { Recipient(phone: String($0.suffix(11)), signName: parameters["SignName"] ?? "", parameters: object, code: "", reference: nil) }
        } else {
            let phones = parameters["PhoneNumberJson"].flatMap(stringArray) ?? []
            let signs = parameters["SignNameJson"].flatMap(stringArray) ?? []
            let objects = parameters["TemplateParamJson"].flatMap(objectArray)
            guard !phones.isEmpty, signs.count == phones.count, objects.map({ $0.count == phones.count }) ?? true else {
                return error("isv.INVALID_PARAMETERS", "PhoneNumberJson, SignNameJson and TemplateParamJson must have as many items")
            }
            for (index, phone) in phones.enumerated() {
                recipients.append(Recipient(phone: String(phone.suffix(11)), signName: signs[index], parameters: objects?[index] ?? [:],
                                            code: "", reference: nil))
            }
        }
        return shared.state.withLock { state -> LoopbackReply in
            var answered = recipients
            var failure: (code: String, message: String, status: Int)?
            if valid == false {
                failure = ("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400)
            } else if !state.failingRequests.isEmpty {
                let scripted = state.failingRequests.removeFirst()
                failure = (scripted.code, scripted.message, scripted.status)
            } else if let number = recipients.first(where: { state.failingNumbers[$0.phone] != nil }),
                      let scripted = state.failingNumbers[number.phone] {
                failure = (scripted.code, scripted.message, 200)
            }
            let reply: LoopbackReply
            if let failure {
                for index in answered.indices { answered[index].code = failure.code }
                reply = json(["Code": failure.code, "Message": failure.message, "RequestId": requestID], status: failure.status)
            } else {
                state.serial += 1
                let bizID = "\(900_000_000_000_000_000 + state.serial)^0"
                for index in answered.indices {
                    answered[index].code = "OK"
                    answered[index].reference = bizID
                }
                reply = json(["Code": "OK", "Message": "OK", "RequestId": requestID, "BizId": bizID], status: 200)
            }
            state.requests.append(Request(vendor: .aliyun, action: action, templateCode: code, recipients: answered,
                                          context: parameters["OutId"], signatureValid: valid, raw: request))
            return reply
        }
    }

    // MARK: Tencent

    private static func tencent(_ request: LoopbackRequest, action: String, _ shared: Shared) -> LoopbackReply {
        let requestID = UUID().uuidString.lowercased()
        func error(_ code: String, _ message: String) -> LoopbackReply {
            json(["Response": ["Error": ["Code": code, "Message": message], "RequestId": requestID]], status: 200)
        }
        guard action == "SendSms" else { return error("InvalidAction", "The action \(action) does not exist.") }
        guard let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
              let phones = body["PhoneNumberSet"] as? [String], !phones.isEmpty,
              let code = body["TemplateId"] as? String
        else { return error("InvalidParameter", "the body is not a SendSms request") }
        var valid: Bool?
        if let verifier = shared.verifiers.tencent { valid = verifier(request) }
        let values = body["TemplateParamSet"] as? [String] ?? []
        var positional: [String: String] = [:]
        for (index, value) in values.enumerated() { positional[String(index + 1)] = value }
        let signName = body["SignName"] as? String ?? ""
        let context = body["SessionContext"] as? String

        return shared.state.withLock { state -> LoopbackReply in
            var recipients = phones.map { Recipient(phone: String($0.suffix(11)), signName: signName, parameters: positional, code: "", reference: nil) }
            let reply: LoopbackReply
            var failure: RequestFailure?
            if valid == false {
                failure = RequestFailure(code: "AuthFailure.SignatureFailure",
                                         message: "The provided credentials could not be validated. Please check your signature is correct.", status: 200)
            } else if !state.failingRequests.isEmpty {
                failure = state.failingRequests.removeFirst()
            }
            if let failure {
                for index in recipients.indices { recipients[index].code = failure.code }
                reply = json(["Response": ["Error": ["Code": failure.code, "Message": failure.message], "RequestId": requestID]],
                             status: failure.status)
            } else {
                var rows: [[String: Any]] = []
                for index in recipients.indices {
                    let phone = recipients[index].phone
                    if let scripted = state.failingNumbers[phone] {
                        recipients[index].code = scripted.code
                        rows.append(["SerialNo": "", "PhoneNumber": phones[index], "Fee": 0, "SessionContext": context ?? "",
                                     "Code": scripted.code, "Message": scripted.message, "IsoCode": "CN"])
                    } else {
                        state.serial += 1
                        let serial = "5000:104571066915705365784949" + String(format: "%04d", state.serial)
                        recipients[index].code = "Ok"
                        recipients[index].reference = serial
                        rows.append(["SerialNo": serial, "PhoneNumber": phones[index], "Fee": 1, "SessionContext": context ?? "",
                                     "Code": "Ok", "Message": "send success", "IsoCode": "CN"])
                    }
                }
                reply = json(["Response": ["SendStatusSet": Array(rows.reversed()), "RequestId": requestID]], status: 200)
            }
            state.requests.append(Request(vendor: .tencent, action: action, templateCode: code, recipients: recipients,
                                          context: context, signatureValid: valid, raw: request))
            return reply
        }
    }

    // MARK: Parsing

    /// `a=1&b=2` decoded (`%XX`, and `+` as a space in form bodies); the last of a repeated name wins.
    static func form(_ text: String, plusIsSpace: Bool) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let text = plusIsSpace ? part.replacingOccurrences(of: "+", with: " ") : String(part)
                return text.removingPercentEncoding ?? text
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    private static func stringArray(_ text: String) -> [String]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
    }

    private static func stringObject(_ text: String) -> [String: String]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String]
    }

    private static func objectArray(_ text: String) -> [[String: String]]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: String]]
    }

    private static func json(_ object: [String: Any], status: Int) -> LoopbackReply {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return .respond(LoopbackResponse(status: status, headers: [LoopbackHeader("Content-Type", "application/json")], body: Array(data)))
    }
}
