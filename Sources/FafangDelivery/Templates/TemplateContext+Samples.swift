import FafangCore
import Foundation

extension TemplateContext.Settings {
    /// The bundled configuration's township, for samples and tests.
    public static let sample = TemplateContext.Settings(
        townshipName: "丰润区银城铺乡人民政府", hotline: "0315-0000000",
        timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    )
}

extension TemplateContext {
    /// A realistic context for `kind` told on `channel`, built through the same formatting as
    /// real messages and sized at the long end of real data (a four-character name, the longest
    /// project name of the bundled configuration, a six-figure amount, a two-digit month), so a
    /// template whose sample fits the SMS limit fits it for real households too.
    public static func sample(_ kind: TemplateKind, channel: TemplateChannel,
                              settings: Settings = .sample) -> TemplateContext {
        let project = SampleData.project
        switch kind {
        case .paymentRecorded, .paymentInProgress, .milestoneApproaching, .milestoneOverdue, .caughtUp:
            let eventKind = kind.eventKind ?? .paymentRecorded
            if eventKind == .paymentRecorded, channel != .sms {
                let transfer = SampleData.transferProject
                let event = SampleData.event(eventKind, project: transfer, payeeID: SampleData.village.id)
                return TemplateContext(event: event, project: transfer, payee: SampleData.village,
                                       village: SampleData.village.name, settings: settings)
            }
            let told: Payee? = channel == .sms ? SampleData.household : nil
            let village: String? = channel == .office ? nil : SampleData.household.village
            let event = SampleData.event(eventKind, project: project, payeeID: told?.id)
            return TemplateContext(event: event, project: project, payee: told, village: village,
                                   unpaidCount: channel == .office ? 126 : 12, settings: settings)
        case .deliveryDead:
            let item = OutboxItem(
                idempotencyKey: "sample", eventKey: "paid:\(project.code):B20211231000123", kind: .paymentRecorded,
                projectCode: project.code, channel: .sms, gateway: "kannel", recipient: "17000000138",  // a synthetic example
                village: SampleData.household.village, payeeID: SampleData.household.id, text: "", title: nil,
                notBefore: Date(timeIntervalSince1970: 0)
            )
            return deliveryDead(item: item, project: project, reason: "网关拒绝：号码无效 (HTTP 400)", attempts: 7,
                                settings: settings)
        case .endpointPaused:
            let until = SampleData.paymentDate.start(in: settings.timeZone).addingTimeInterval(14.5 * 3600)
            return endpointPaused(endpoint: "village-v02", reason: "HTTP 503 Service Unavailable", failures: 8,
                                  until: until, settings: settings)
        case .inquiryReply:
            // One household, in its project, partly paid: what most answers are.
            let household = SampleData.household
            let line = InquiryLine(payeeID: household.id, payeeName: household.name, projectName: project.name, projectKind: project.kind,
                                   paid: Money(fen: household.owed.fen / 2), lastPayment: SampleData.paymentDate, cardTail: "9041",
                                   remaining: household.owed - Money(fen: household.owed.fen / 2), dueBy: SampleData.paymentDate)
            return inquiryReply(lines: [line], omitted: 0, payees: 1, settings: settings)
        case .inquiryUnknown:
            return inquiryUnknown(settings: settings)
        case .diskLow:
            return diskLow(path: "/var/lib/fafang", available: 312 << 20, size: 20 << 30, threshold: 512 << 20, settings: settings)
        case .calendarUncovered:
            var facts = DueEvent.Facts()
            facts.uncoveredYear = 2027
            facts.coveredThrough = 2026
            let event = DueEvent(key: "calendar:uncovered:2027", kind: .calendarUncovered, projectCode: "-", audiences: [.financeOffice],
                                 facts: facts)
            return calendarUncovered(event: event, calendarFile: "Config/calendar/cn-holidays.csv", settings: settings)
        }
    }
}

/// The data behind `TemplateContext.sample`.
enum SampleData {
    static let paymentDate = CivilDate(year: 2021, month: 12, day: 31) ?? CivilDate(daysSinceEpoch: 0)

    static let project = Project(
        code: "13020821XOURQ66290XVZ", name: "天柱租地费（南朱庄子村）", kind: .landRent, year: 2021,
        budget: Budget(total: .yuan(459_324), fiscal: .yuan(459_324), other: .zero), purpose: "",
        plan: [(3, 25), (6, 50), (10, 75), (12, 100)].compactMap { month, percent in
            CivilDate.endOf(month: month, year: 2021).map { Milestone(deadline: $0, cumulative: .whole(percent)) }
        },
        goals: [], indicators: []
    )

    static let transferProject = Project(
        code: "13020821NMU6NGEWZEKGI", name: "金域名邸社区办公经费", kind: .villageTransfer, year: 2021,
        budget: Budget(total: .yuan(100_000), fiscal: .yuan(100_000), other: .zero), purpose: "",
        plan: project.plan, goals: [], indicators: []
    )

    static let household = Payee(Household(
        id: "NZZ017", name: "欧阳淑兰", village: "南朱庄子村", phone: PhoneNumber("17000000138"), cardTail: "9041",  // synthetic example
        area: Acreage(centimu: 2_286), rate: .yuan(1_800), years: 3
    ))

    static let village = Payee(party: .village(Village(id: "C01", name: "金域名邸社区", contactPhone: nil,
                                                       webhooks: ["village-c01"], synthetic: false)),
                               owed: .yuan(100_000))

    /// An event of `kind` on `project`, as the scheduler would emit it on a late day of the year.
    static func event(_ kind: DueEvent.Kind, project: Project, payeeID: String?) -> DueEvent {
        var facts = DueEvent.Facts()
        facts.payeeID = payeeID
        let milestone = project.plan.count > 2 ? project.plan[2] : project.plan[0]
        switch kind {
        case .paymentRecorded, .paymentInProgress:
            facts.amount = project.kind == .villageTransfer ? project.budget.total : household.owed
            if kind == .paymentRecorded { facts.paymentDate = paymentDate } else { facts.deadline = milestone.deadline }
        case .milestoneApproaching, .milestoneOverdue, .caughtUp:
            let target = project.target(of: milestone)
            let paid = kind == .caughtUp ? target : Money(fen: target.fen * 2 / 5)
            facts.deadline = milestone.deadline
            facts.cumulative = milestone.cumulative
            facts.target = target
            facts.paid = paid
            facts.grade = ProgressGrade.of(paid: paid, target: target, budget: project.budget.total,
                                           slightThreshold: .whole(5))
            if kind == .milestoneApproaching { facts.daysLeft = 14 }
            if kind == .milestoneOverdue { facts.daysOverdue = 15 }
        case .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow, .inquiryReply, .inquiryUnknown:
            break
        }
        return DueEvent(key: "sample:\(kind.rawValue)", kind: kind, projectCode: project.code,
                        audiences: [], facts: facts)
    }
}
