import FafangCore
import Foundation

extension RegisterReader {
    /// `villages.csv`: id, name, type (村/社区 or village/community), contact phone, webhook
    /// endpoint names separated by `;`, synthetic (yes/no).
    /// `names` and `ids` are nil when the register itself could not be read, so that payees
    /// are not each reported as being in an unknown village.
    mutating func villages(endpoints: Set<String>) -> (villages: [Village], names: Set<String>?, ids: Set<String>?) {
        guard open(.villages) else { return ([], nil, nil) }
        let (idField, nameField, phoneField) = (field("id"), field("name"), field("contact_phone"))
        let (webhooksField, typeField, syntheticField) = (field("webhooks"), field("type"), field("synthetic"))
        var seenIDs = SeenIDs()
        var seenNames: [String: Int] = [:]
        var result: [Village] = []
        while let cells = next() {
            let before = log.errorCount
            let id = id(cells, idField, seen: &seenIDs)
            let name = required(cells, nameField)
            if let name {
                if let first = seenNames[name] { error(cells, nameField, "duplicate village \(name) (first on line \(first))") }
                seenNames[name] = cells.line
            }
            let phone = phone(cells, phoneField)
            let webhooks = cells[webhooksField].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for hook in webhooks where !endpoints.contains(hook) {
                error(cells, webhooksField, "no endpoint \"\(hook)\" in fafang.toml [endpoints]")
            }
            let type = cells[typeField]
            if !["", "村", "社区", "village", "community"].contains(type) {
                error(cells, typeField, "must be 村 or 社区 (got \"\(type)\")")
            }
            let synthetic = cells[syntheticField].lowercased()
            if !["", "yes", "no", "是", "否", "true", "false"].contains(synthetic) {
                error(cells, syntheticField, "must be yes or no (got \"\(synthetic)\")")
            }
            guard log.errorCount == before, let id, let name, let phone else { continue }
            result.append(Village(id: id, name: name, contactPhone: phone, webhooks: webhooks,
                                  synthetic: ["yes", "是", "true"].contains(synthetic)))
        }
        guard !failed else { return ([], nil, nil) }
        // Names and ids of rows with problems still count as known, so that one bad village row
        // is reported once, not again for every payee of that village.
        return (result, Set(seenNames.keys), seenIDs.all)
    }

    /// A household register for land rent: rate and years may come from the project's defaults.
    mutating func households(villages: Set<String>?, defaultRate: Money?, defaultYears: Int?) -> PayeeRegister {
        guard open(.households) else { return PayeeRegister() }
        let (areaField, rateField, yearsField) = (field("area_mu"), field("rate_yuan_per_mu"), field("years"))
        return payees(villages: villages) { reader, cells, party, total, before in
            var area: Acreage?
            do throws(Money.ParseError) {
                area = try Acreage.parse(cells[areaField])
                if let a = area, a.centimu <= 0 { reader.error(cells, areaField, "must be more than 0 (got \(a))"); area = nil }
            } catch {
                reader.error(cells, areaField, error.description)
            }
            var rate = defaultRate
            if !cells[rateField].isEmpty { rate = reader.money(cells, rateField) } else if rate == nil {
                reader.error(cells, rateField, "missing, and the project gives no rate_yuan_per_mu default")
            }
            var years = defaultYears
            if !cells[yearsField].isEmpty {
                years = Int(cells[yearsField]).flatMap { (1...99).contains($0) ? $0 : nil }
                if years == nil { reader.error(cells, yearsField, "must be a whole number of years from 1 to 99 (got \"\(cells[yearsField])\")") }
            } else if years == nil {
                reader.error(cells, yearsField, "missing, and the project gives no years default")
            }
            guard reader.log.errorCount == before, let id = party.id, let name = party.name, let village = party.village,
                  let phone = party.phone, let tail = party.cardTail, let area, let rate, let years else { return nil }
            let household = Household(id: id, name: name, village: village, phone: phone, cardTail: tail, area: area, rate: rate, years: years)
            reader.tally(cells, areaField, household.checkedOwed, total: &total, what: "\(area) 亩 × \(rate.yuanString) 元 × \(years) years")
            // An amount too large to count is refused before the payee is made (it computes what is owed).
            guard reader.log.errorCount == before else { return nil }
            return Payee(household)
        }
    }

    /// A register of persons with a fixed subsidy each.
    mutating func persons(villages: Set<String>?) -> PayeeRegister {
        guard open(.persons) else { return PayeeRegister() }
        let amountField = field("amount_yuan")
        return payees(villages: villages) { reader, cells, party, total, before in
            guard let amount = reader.money(cells, amountField), reader.log.errorCount == before else { return nil }
            reader.tally(cells, amountField, amount, total: &total, what: "\(amount.yuanString) 元")
            guard reader.log.errorCount == before, let id = party.id, let name = party.name, let village = party.village, let phone = party.phone,
                  let tail = party.cardTail else { return nil }
            return Payee(Person(id: id, name: name, village: village, phone: phone, cardTail: tail, amount: amount))
        }
    }

    /// The rows of an opened household or person register: each row's shared cells checked, then
    /// `make` checks the rest and gives the payee (nil, or any problem it reports, leaves the row
    /// out whole); it is told the log's error count before the row, to add to the total only a
    /// row without problems. Nothing when the file turned out unreadable.
    private mutating func payees(villages: Set<String>?,
                                 _ make: (inout RegisterReader, Cells, Party, inout Money, Int) -> Payee?) -> PayeeRegister {
        let fields = PartyFields(self)
        var ids = PayeeIDs()
        var result = PayeeRegister()
        var total = Money.zero
        while let cells = next() {
            let before = log.errorCount
            let party = self.party(cells, fields, among: result, ids: ids, villages: villages)
            let payee = make(&self, cells, party, &total, before)
            guard log.errorCount == before, let payee else {
                if let id = party.id { ids.refused(id, line: cells.line) }
                continue
            }
            result.append(payee)
            ids.accepted(line: cells.line)
        }
        return failed ? PayeeRegister() : result
    }

    /// A village-transfer register: each row names a village by id and gives either its amount
    /// or its share of the project's total (split by largest remainder), never both.
    mutating func villageTransfers(villages: [Village], knownIDs: Set<String>?, total: Money) -> PayeeRegister {
        guard open(.villageShares) else { return PayeeRegister() }
        let (idField, amountField, shareField) = (field("village_id"), field("amount_yuan"), field("share"))
        let byID = Dictionary(villages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = SeenIDs()
        var amounts: [(Village, Money)] = []
        var sum = Money.zero
        var shares: [(Village, Int64)] = []
        while let cells = next() {
            let before = log.errorCount
            let id = id(cells, idField, seen: &seen)
            let village = id.flatMap { byID[$0] }
            if let id, village == nil, let knownIDs, !knownIDs.contains(id) {
                error(cells, idField, "no village with id \(id) in the villages register")
            }
            let hasAmount = !cells[amountField].isEmpty
            let hasShare = !cells[shareField].isEmpty
            if hasAmount == hasShare {
                error(cells, hasAmount ? shareField : amountField, "give either amount_yuan or share")
                continue
            }
            if hasAmount {
                let amount = money(cells, amountField)
                if log.errorCount == before, let amount { tally(cells, amountField, amount, total: &sum, what: "\(amount.yuanString) 元") }
                if log.errorCount == before, let village, let amount { amounts.append((village, amount)) }
            } else {
                let share = Int64(cells[shareField])
                if share == nil || share! <= 0 { error(cells, shareField, "must be a whole number above 0 (got \"\(cells[shareField])\")") }
                if log.errorCount == before, let village, let share { shares.append((village, share)) }
            }
        }
        guard !failed else { return PayeeRegister() }
        if !amounts.isEmpty, !shares.isEmpty {
            log.error(file, 0, "", "rows mix amount_yuan and share: use one or the other for the whole register")
            return PayeeRegister()
        }
        if !shares.isEmpty {
            guard let parts = try? Allocation.largestRemainder(total, shares: shares.map(\.1)) else { return PayeeRegister() }
            return PayeeRegister(zip(shares, parts).map { Payee(party: .village($0.0.0), owed: $0.1) })
        }
        return PayeeRegister(amounts.map { Payee(party: .village($0.0), owed: $0.1) })
    }

    /// Adds a row's amount to the register's total; an amount, or a total, beyond what fen can
    /// count (Int64: 92,233,720,368,547,758.07 元) is an error of the row, not a crash.
    private mutating func tally(_ cells: Cells, _ field: Field, _ owed: Money?, total: inout Money, what: @autoclosure () -> String) {
        guard let owed else {
            error(cells, field, "too large to count in fen (\(what()))")
            return
        }
        let (sum, overflow) = total.fen.addingReportingOverflow(owed.fen)
        guard !overflow else {
            error(cells, field, "the register's total owed would be too large to count in fen (\(what()) more)")
            return
        }
        total = Money(fen: sum)
    }

    /// The columns households and persons share: who the payee is, and how they are told.
    struct PartyFields {
        let id, name, village, phone, cardTail: Field

        init(_ reader: RegisterReader) {
            (id, name, village, phone, cardTail) = (reader.field("id"), reader.field("name"), reader.field("village"),
                                                    reader.field("phone"), reader.field("card_tail"))
        }
    }

    /// Those shared cells of one row, each checked (nil when it has a problem, reported).
    typealias Party = (id: String?, name: String?, village: String?, phone: PhoneNumber??, cardTail: String?)

    private mutating func party(_ cells: Cells, _ fields: PartyFields, among register: PayeeRegister, ids: PayeeIDs, villages: Set<String>?)
        -> Party {
        (id(cells, fields.id, among: register, ids: ids), required(cells, fields.name), village(cells, fields.village, known: villages),
         phone(cells, fields.phone, needed: true), cardTail(cells, fields.cardTail))
    }

    private mutating func village(_ cells: Cells, _ field: Field, known: Set<String>?) -> String? {
        guard let name = required(cells, field) else { return nil }
        guard let known else { return name }
        guard known.contains(name) else {
            error(cells, field, "unknown village \"\(name)\" (not in the villages register)")
            return nil
        }
        return name
    }
}
