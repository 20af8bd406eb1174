/// Splitting a total over payees in proportion to their shares, exactly to the fen.
public enum Allocation {
    /// Why an allocation cannot be made.
    public enum Failure: Error, Equatable, Sendable {
        case noShares
        case negativeShare(index: Int)
        case zeroTotalShares
        case negativeTotal
    }

    /// Largest-remainder (Hamilton) allocation: each part gets the floor of its exact quota, and
    /// the fen left over go one each to the largest remainders, ties to the earlier part. The parts
    /// always sum to `total`, and each differs from its exact quota by less than one fen.
    public static func largestRemainder(_ total: Money, shares: [Int64]) throws(Failure) -> [Money] {
        guard !shares.isEmpty else { throw .noShares }
        guard total.fen >= 0 else { throw .negativeTotal }
        if let bad = shares.firstIndex(where: { $0 < 0 }) { throw .negativeShare(index: bad) }
        let sum = shares.reduce(Int128(0)) { $0 + Int128($1) }
        guard sum > 0 else { throw .zeroTotalShares }
        let totalFen = Int128(total.fen)
        var parts: [Int64] = []
        var remainders: [(remainder: Int128, index: Int)] = []
        parts.reserveCapacity(shares.count)
        for (index, share) in shares.enumerated() {
            let exact = totalFen * Int128(share)
            parts.append(Int64(exact / sum))
            remainders.append((exact % sum, index))
        }
        var left = total.fen - parts.reduce(0, +)
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        var cursor = 0
        while left > 0 {
            parts[remainders[cursor].index] += 1
            left -= 1
            cursor += 1
        }
        return parts.map { Money(fen: $0) }
    }
}
