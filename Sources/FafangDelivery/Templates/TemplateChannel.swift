import FafangCore

/// Who reads a rendered template, which decides its style: the last part but one of the file
/// name (`milestone_overdue.office.mustache`).
public enum TemplateChannel: String, CaseIterable, Sendable, Hashable, Comparable {
    /// A household or person, by SMS: short, courteous, plain text, no signature (the gateway adds it).
    case sms
    /// A village committee's group robot: may use simple markdown.
    case webhook
    /// The township finance office's own robot or webhook: may use simple markdown.
    case office

    /// The template channel for an audience of a scheduler event.
    public init(_ audience: DueEvent.Audience) {
        switch audience {
        case .payee: self = .sms
        case .village: self = .webhook
        case .financeOffice: self = .office
        }
    }

    /// How a message of this channel travels.
    public var transport: Channel { self == .sms ? .sms : .webhook }

    public static func < (lhs: TemplateChannel, rhs: TemplateChannel) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
