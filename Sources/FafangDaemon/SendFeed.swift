import Synchronization

/// The queue between the dispatcher's writer and its senders: the writer pushes claimed groups,
/// each of `concurrency` sender tasks takes the next one as soon as its previous send is done,
/// so as many requests are in flight as allowed whatever the writer is doing. `finish()` lets
/// the senders return once the queue is empty.
final class SendFeed<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var head = 0
        var waiters: [CheckedContinuation<Item?, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())

    /// Adds items in order, handing them straight to waiting senders first.
    func push(_ items: [Item]) {
        guard !items.isEmpty else { return }
        let handed = state.withLock { state -> [(CheckedContinuation<Item?, Never>, Item)] in
            var handed: [(CheckedContinuation<Item?, Never>, Item)] = []
            var rest = items[...]
            while !state.waiters.isEmpty, let item = rest.popFirst() {
                handed.append((state.waiters.removeFirst(), item))
            }
            state.items.append(contentsOf: rest)
            return handed
        }
        for (waiter, item) in handed { waiter.resume(returning: item) }
    }

    /// The next item; nil once `finish()` was called and nothing is left.
    func next() async -> Item? {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Item?? in
                if state.head < state.items.count {
                    let item = state.items[state.head]
                    state.head += 1
                    if state.head == state.items.count {
                        state.items.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .some(item)
                }
                if state.finished { return .some(nil) }
                state.waiters.append(continuation)
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// No more items will come: senders waiting now, and later ones once the queue is empty, get nil.
    func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Item?, Never>] in
            state.finished = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
