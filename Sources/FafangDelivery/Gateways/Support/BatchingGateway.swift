import FafangCore

/// A gateway that carries several messages per request, and says which messages may share one.
///
/// Its requests are not all alike: Aliyun's SendBatchSms takes one template for every number
/// (personalised parameters are fine), Tencent's SendSms one template *and* one parameter list for
/// every number. So the dispatcher groups by `batchKey`, never by its own idea of "alike":
/// messages may share a request only when they have the same non-nil key and different phone
/// numbers, at most `batchLimit` of them. `batches(_:)` does exactly that.
public protocol BatchingGateway: Gateway {
    /// Messages with the same key may go in one request; nil: this message goes alone (it has no
    /// template, or would be refused anyway, and must not spoil a batch).
    func batchKey(for message: OutboundMessage) -> String?
}

extension Gateway {
    /// `messages` cut into the batches one request each may carry, in the order given (a batch
    /// sits where its first message was): grouped by `batchKey` for a `BatchingGateway`, one
    /// phone number at most once per batch, at most `batchLimit` per batch; every other gateway
    /// gets one message per batch. The dispatcher sends each batch with `request(for:now:)`.
    public func batches(_ messages: [OutboundMessage]) -> [[OutboundMessage]] {
        guard batchLimit > 1, let batching = self as? any BatchingGateway else { return messages.map { [$0] } }
        var batches: [[OutboundMessage]] = []
        var recipients: [Set<Recipient>] = []
        var open: [String: [Int]] = [:]  // key → its batches that still have room
        for message in messages {
            guard let key = batching.batchKey(for: message) else {
                batches.append([message])
                recipients.append([message.recipient])
                continue
            }
            let candidates = open[key, default: []]
            if let index = candidates.first(where: { !recipients[$0].contains(message.recipient) }) {
                batches[index].append(message)
                recipients[index].insert(message.recipient)
                if batches[index].count >= batchLimit { open[key] = candidates.filter { $0 != index } }
            } else {
                batches.append([message])
                recipients.append([message.recipient])
                open[key, default: []].append(batches.count - 1)
            }
        }
        return batches
    }
}
