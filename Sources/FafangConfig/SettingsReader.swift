import FafangCore
import Foundation

/// Reads `fafang.toml` into `Settings`, reporting every problem.
enum SettingsReader {
    static func read(_ source: TOMLSource, directory: String) -> Settings {
        let root = source.fields
        defer { root.finish() }
        let township = root.table("township")
        let paths = root.table("paths")
        let sms = root.table("sms")
        let endpointsTable = root.table("endpoints", required: false)
        let deliveryTable = root.table("delivery", required: false)
        let gatewaysTable = root.table("gateways", required: false)
        let dispatchTable = root.table("dispatch", required: false)
        let schedulerTable = root.table("scheduler", required: false)
        let adminTable = root.table("admin", required: false)
        let calendarTable = root.table("calendar", required: false)
        let consoleTable = root.table("console", required: false)
        let approvalTable = root.table("approval", required: false)
        let storeTable = root.table("store", required: false)
        let inquiryTable = root.table("inquiry", required: false)

        let name = township?.string("name")
        let unitCode = township?.string("unit_code", required: false)
        var zone = TimeZone(identifier: "Asia/Shanghai")
        if let zoneName = township?.string("time_zone", required: false) {
            zone = TimeZone(identifier: zoneName)
            if zone == nil { township?.error("time_zone", "unknown time zone \"\(zoneName)\" (e.g. Asia/Shanghai)") }
        }
        let hotline = township?.string("hotline")
        var alertPhone: PhoneNumber?
        if let text = township?.string("alert_phone", required: false) {
            alertPhone = PhoneNumber(text)
            if alertPhone == nil { township?.error("alert_phone", "must be a mainland mobile number (11 digits) (got \(Mask.phone(text)))") }
        }
        township?.finish()

        func path(_ key: String) -> String? {
            guard let value = paths?.string(key) else { return nil }
            return resolve(value, against: directory)
        }
        let state = path("state_directory")
        let templates = path("templates_directory")
        let projects = path("projects_directory")
        let villages = path("villages_register")
        let inbox = paths?.string("ledger_inbox", required: false).map { resolve($0, against: directory) }
        let backups = paths?.string("backup_directory", required: false).map { resolve($0, against: directory) }
        let lowSpace = paths?.int("low_space_mib", required: false, range: 1...1_048_576)
        if let templates, !isDirectory(templates) {
            paths?.error("templates_directory", "no such directory: \(templates)")
        }
        if let projects, !isDirectory(projects) {
            paths?.error("projects_directory", "no such directory: \(projects)")
        }
        paths?.finish()

        let signature = sms?.string("signature")
        if let signature, signature.hasPrefix("【") || signature.count > 12 {
            sms?.error("signature", "write the signature without 【】, at most 12 characters (got \"\(signature)\")")
        }
        var quiet: QuietHours?
        if let text = sms?.string("quiet_hours") {
            quiet = QuietHours(text)
            if quiet == nil { sms?.error("quiet_hours", "must be HH:MM-HH:MM such as 21:00-08:00 (got \"\(text)\")") }
        }
        let maxSegments = sms?.int("max_segments", range: 1...10)
        let smsGateway = sms?.string("gateway", required: false)
        let quietDays = sms.flatMap { choice($0, "quiet_days", QuietDays.Rule.self) }
        sms?.finish()

        var endpoints: [String: Endpoint] = [:]
        for (endpointName, fields) in endpointsTable?.namedTables() ?? [] {
            if let endpoint = readEndpoint(endpointName, fields, directory: directory) { endpoints[endpointName] = endpoint }
            fields.finish()
        }
        endpointsTable?.finish()

        let delivery = readDelivery(deliveryTable, directory: directory)
        let dispatch = readDispatch(dispatchTable)
        let scheduler = readScheduler(schedulerTable)
        let admin = readAdmin(adminTable, directory: directory)
        let calendar = readCalendar(calendarTable, directory: directory)
        let console = readConsole(consoleTable, directory: directory, adminConfigured: adminTable != nil)
        let gateways = readGateways(gatewaysTable, directory: directory, signature: signature ?? "")
        // A lease that can end while its request is still under way lets another daemon (or this
        // one, restarted) send the same message at the same moment.
        let longest = ([delivery.totalTimeoutMilliseconds] + gateways.values.compactMap(\.totalTimeoutMilliseconds)).max() ?? 0
        if Double(longest) >= dispatch.leaseSeconds * 1000 {
            let why = "a lease that ends mid-request lets a message be sent twice at once"
            if let dispatchTable {
                dispatchTable.error("lease_seconds", "must exceed the longest request (total_timeout_ms \(longest)): \(why)")
            } else {
                deliveryTable?.error("total_timeout_ms", "must stay below [dispatch] lease_seconds (\(Int(dispatch.leaseSeconds)) s): \(why)")
            }
        }
        for name in gateways.keys.sorted() where endpointsTable?.table.contains(key: name) == true {
            gatewaysTable?.error(name, "the name is also an endpoint ([endpoints.\(name)]): gateways and endpoints share one namespace")
        }
        // A gateway whose table has errors is left out of `gateways`; only a name that is not
        // there at all is reported here, so one mistake gives one error.
        if let smsGateway, gatewaysTable?.table.contains(key: smsGateway) != true {
            let known = gateways.keys.sorted().joined(separator: ", ")
            sms?.error("gateway", "no gateway \"\(smsGateway)\" in [gateways]" + (known.isEmpty ? " (none configured)" : " (configured: \(known))"))
        }

        // Problems are already reported; fill the gaps with defaults so the rest of the
        // configuration is still read and checked (a load with errors yields no configuration).
        var settings = Settings(
            townshipName: name ?? "", unitCode: unitCode, timeZone: zone ?? .gmt, hotline: hotline ?? "", alertPhone: alertPhone,
            stateDirectory: state ?? resolve("state", against: directory),
            templatesDirectory: templates ?? resolve("templates", against: directory),
            projectsDirectory: projects ?? resolve("projects", against: directory),
            villagesRegister: villages ?? resolve("payees/villages.csv", against: directory),
            ledgerInbox: inbox ?? ((state ?? resolve("state", against: directory)) as NSString).appendingPathComponent("inbox"),
            sms: SMSSettings(signature: signature ?? "", quietHours: quiet ?? QuietHours(start: 21 * 60, end: 8 * 60),
                             maxSegments: maxSegments ?? 1, gateway: smsGateway, quietDays: quietDays ?? .holidays),
            endpoints: endpoints,
            delivery: delivery,
            gateways: gateways,
            dispatch: dispatch,
            scheduler: scheduler,
            admin: admin,
            calendar: calendar,
            approval: readApproval(approvalTable)
        )
        settings.console = console
        settings.backupDirectory = backups ?? (settings.stateDirectory as NSString).appendingPathComponent("backups")
        if let lowSpace { settings.lowSpaceBytes = Int64(lowSpace) << 20 }
        settings.store = readStore(storeTable, directory: directory)
        settings.inquiry = readInquiry(inquiryTable, gateways: Set(gatewaysTable?.table.keys ?? []), smsGateway: smsGateway)
        return settings
    }

    private static func readEndpoint(_ name: String, _ fields: TOMLFields, directory: String) -> Endpoint? {
        let kindText = fields.string("kind")
        let kind = kindText.flatMap(Endpoint.Kind.init(rawValue:))
        if let kindText, kind == nil {
            let known = Endpoint.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            fields.error("kind", "unknown endpoint kind \"\(kindText)\" (known: \(known))")
        }
        let url = fields.string("url", required: false)
        let urlGiven = fields.has("url_file") || fields.has("url_credential")
        let urlReference = secretReference(fields, "url", required: false, directory: directory, what: "the URL",
                                           inlineAllowed: true)
        if url == nil, !urlGiven {
            fields.error("url", "missing (give url, or url_file for a URL that carries a token)")
        } else if url != nil, urlGiven {
            fields.error("url", "give url or url_file, not both")
        }
        if let url {
            if !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                fields.error("url", "must start with https:// or http://")
            } else if url.contains("?") && (url.contains("access_token") || url.contains("key=")) {
                fields.error("url", "carries a token: put the URL in a file and name it with url_file")
            } else if url.contains("/open-apis/bot/v2/hook/"), !isLoopback(url) {
                fields.error("url", "carries the bot's token in its path: put the URL in a file and name it with url_file")
            }
        }
        let secret = secretReference(fields, "secret", required: false, directory: directory, what: "a signing secret")
        let secrets = secretReference(fields, "secrets", required: false, directory: directory, what: "signing secrets")
        let format = choice(fields, "format", Endpoint.Format.self)
        guard let kind else { return nil }
        if format != nil, kind != .dingtalk, kind != .wecom {
            fields.error("format", "applies to dingtalk and wecom robots only")
        }
        if kind == .wecom, secret != nil || fields.has("secret_file") || fields.has("secret_credential") {
            fields.error(fields.has("secret_file") ? "secret_file" : "secret_credential", "WeCom robots are not signed (the key in the URL is the credential): remove it")
        }
        if kind != .webhook, secrets != nil || fields.has("secrets_file") || fields.has("secrets_credential") {
            fields.error(fields.has("secrets_file") ? "secrets_file" : "secrets_credential", "several secrets apply to kind = \"webhook\" only: use secret_file")
        }
        if kind == .webhook, secret == nil, secrets == nil, let url, !isLoopback(url),
           !["secret", "secret_file", "secret_credential", "secrets", "secrets_file", "secrets_credential"].contains(where: fields.has) {
            fields.warning("kind", "an unsigned webhook: give secret_file (a whsec_ secret) so the receiver can verify what it gets")
        }
        return Endpoint(name: name, kind: kind, url: url, urlSecret: urlReference, secret: secret, secrets: secrets,
                        format: format ?? .text)
    }

    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        let joined = directory.isEmpty || directory == "." ? path : (directory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
