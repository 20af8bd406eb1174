import FafangConfig
import FafangCore
import FafangDelivery
import Foundation

extension EventRouter {
    /// The batch a message waits in for an approver (`[approval]`): its project's, of the civil
    /// day of `now` in the township's zone; nil when it goes out without one.
    static func hold(_ event: DueEvent, channel: Channel, payeeID: String?, settings: Settings, now: Date) -> ApprovalHold? {
        guard settings.approval.requiresApproval(kind: event.kind, channel: channel, payeeID: payeeID) else { return nil }
        return ApprovalHold(projectCode: event.projectCode, day: CivilDate.of(now, in: settings.timeZone))
    }

    /// What a message costs: the SMS segments of its text with the 【signature】, as the template
    /// checker and the gateways count them; 1 for a webhook.
    static func segments(_ text: String, channel: Channel, settings: Settings) -> Int {
        channel == .sms ? SMSText(signature: settings.sms.signature, body: text).segments : 1
    }
}
