import FafangCore
import Foundation

extension RegisterReader {
    /// `villages.csv`: id, name, type (村/社区 or village/community), contact phone, webhook
    /// endpoint names separated by `;`, synthetic (yes/no).
    /// `names` and `ids` are nil when the register itself could not be read, so that payees
    /// are not each reported as being in an unknown village.
    mutating func villages(endpoints: Set<String>) -> (villages: [Village], names: Set<String>?, ids: Set<String>?) {
        guard let rows = rows(.villages) else { return ([], nil, nil) }
        var seenIDs: [String: Int] = [:]
        var seenNames: [String: Int] = [:]
        var result: [Village] = []
        for cells in rows {
            let before = log.errors.count
            let id = id(cells, seen: &seenIDs)
            let name = required(cells, "name")
            if let name {
                if let first = seenNames[name] { error(cells, "name", "duplicate village \(name) (first on line \(first))") }
                seenNames[name] = cells.line
            }
            let phone = phone(cells, "contact_phone")
            let webhooks = cells["webhooks"].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for hook in webhooks where !endpoints.contains(hook) {
                error(cells, "webhooks", "no endpoint \"\(hook)\" in fafang.toml [endpoints]")
            }
            let type = cells["type"]
            if !["", "村", "社区", "village", "community"].contains(type) {
                error(cells, "type", "must be 村 or 社区 (got \"\(type)\")")
            }
            let synthetic = cells["synthetic"].lowercased()
            if !["", "yes", "no", "是", "否", "true", "false"].contains(synthetic) {
                error(cells, "synthetic", "must be yes or no (got \"\(synthetic)\")")
            }
            guard log.errors.count == before, let id, let name, let phone else { continue }
            result.append(Village(id: id, name: name, contactPhone: phone, webhooks: webhooks,
                                  synthetic: ["yes", "是", "true"].contains(synthetic)))
        }
        // Names and ids of rows with problems still count as known, so that one bad village row
        // is reported once, not again for every payee of that village.
        return (result, Set(seenNames.keys), Set(seenIDs.keys))
    }

    /// A household register for land rent: rate and years may come from the project's defaults.
    mutating func households(villages: Set<String>?, defaultRate: Money?, defaultYears: Int?) -> [Payee] {
        guard let rows = rows(.households) else { return [] }
        var seen: [String: Int] = [:]
        var result: [Payee] = []
        for cells in rows {
            let before = log.errors.count
            let id = id(cells, seen: &seen)
            let name = required(cells, "name")
            let village = self.village(cells, known: villages)
            let phone = phone(cells, "phone", needed: true)
            let tail = cardTail(cells)
            var area: Acreage?
            do {
                area = try Acreage.parse(cells["area_mu"])
                if let a = area, a.centimu <= 0 { error(cells, "area_mu", "must be more than 0 (got \(a))"); area = nil }
            } catch {
                self.error(cells, "area_mu", error.description)
            }
            var rate = defaultRate
            if !cells["rate_yuan_per_mu"].isEmpty { rate = money(cells, "rate_yuan_per_mu") } else if rate == nil {
                error(cells, "rate_yuan_per_mu", "missing, and the project gives no rate_yuan_per_mu default")
            }
            var years = defaultYears
            if !cells["years"].isEmpty {
                years = Int(cells["years"]).flatMap { (1...99).contains($0) ? $0 : nil }
                if years == nil { error(cells, "years", "must be a whole number of years from 1 to 99 (got \"\(cells["years"])\")") }
            } else if years == nil {
                error(cells, "years", "missing, and the project gives no years default")
            }
            guard log.errors.count == before, let id, let name, let village, let phone, let tail, let area, let rate, let years else { continue }
            result.append(Payee(Household(id: id, name: name, village: village, phone: phone, cardTail: tail,
                                          area: area, rate: rate, years: years)))
        }
        return result
    }

    /// A register of persons with a fixed subsidy each.
    mutating func persons(villages: Set<String>?) -> [Payee] {
        guard let rows = rows(.persons) else { return [] }
        var seen: [String: Int] = [:]
        var result: [Payee] = []
        for cells in rows {
            let before = log.errors.count
            let id = id(cells, seen: &seen)
            let name = required(cells, "name")
            let village = self.village(cells, known: villages)
            let phone = phone(cells, "phone", needed: true)
            let tail = cardTail(cells)
            let amount = money(cells, "amount_yuan")
            guard log.errors.count == before, let id, let name, let village, let phone, let tail, let amount else { continue }
            result.append(Payee(Person(id: id, name: name, village: village, phone: phone, cardTail: tail, amount: amount)))
        }
        return result
    }

    /// A village-transfer register: each row names a village by id and gives either its amount
    /// or its share of the project's total (split by largest remainder), never both.
    mutating func villageTransfers(villages: [Village], knownIDs: Set<String>?, total: Money) -> [Payee] {
        guard let rows = rows(.villageShares) else { return [] }
        let byID = Dictionary(villages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: [String: Int] = [:]
        var amounts: [(Village, Money)] = []
        var shares: [(Village, Int64)] = []
        for cells in rows {
            let before = log.errors.count
            let id = id(cells, "village_id", seen: &seen)
            let village = id.flatMap { byID[$0] }
            if let id, village == nil, let knownIDs, !knownIDs.contains(id) {
                error(cells, "village_id", "no village with id \(id) in the villages register")
            }
            let hasAmount = !cells["amount_yuan"].isEmpty
            let hasShare = !cells["share"].isEmpty
            if hasAmount == hasShare {
                error(cells, hasAmount ? "share" : "amount_yuan", "give either amount_yuan or share")
                continue
            }
            if hasAmount {
                let amount = money(cells, "amount_yuan")
                if log.errors.count == before, let village, let amount { amounts.append((village, amount)) }
            } else {
                let share = Int64(cells["share"])
                if share == nil || share! <= 0 { error(cells, "share", "must be a whole number above 0 (got \"\(cells["share"])\")") }
                if log.errors.count == before, let village, let share { shares.append((village, share)) }
            }
        }
        if !amounts.isEmpty, !shares.isEmpty {
            log.error(file, 0, "", "rows mix amount_yuan and share: use one or the other for the whole register")
            return []
        }
        if !shares.isEmpty {
            guard let parts = try? Allocation.largestRemainder(total, shares: shares.map(\.1)) else { return [] }
            return zip(shares, parts).map { Payee(party: .village($0.0.0), owed: $0.1) }
        }
        return amounts.map { Payee(party: .village($0.0), owed: $0.1) }
    }

    private mutating func village(_ cells: Cells, known: Set<String>?) -> String? {
        guard let name = required(cells, "village") else { return nil }
        guard let known else { return name }
        guard known.contains(name) else {
            error(cells, "village", "unknown village \"\(name)\" (not in the villages register)")
            return nil
        }
        return name
    }
}
