import FafangCore
import FafangTestSupport
import Testing

@Suite("Largest-remainder allocation")
struct AllocationTests {
    @Test func splitsEvenly() throws {
        let parts = try Allocation.largestRemainder(Money(fen: 21_150_000), shares: Array(repeating: 1, count: 16))
        #expect(parts.allSatisfy { $0.fen == 1_321_875 })
    }

    @Test func givesLeftoverFenToLargestRemainders() throws {
        // 100 fen over 3 equal shares: 34, 33, 33 (tie goes to the earlier part).
        #expect(try Allocation.largestRemainder(Money(fen: 100), shares: [1, 1, 1]).map(\.fen) == [34, 33, 33])
        // 10 fen over 1:2:3 → quotas 1.67, 3.33, 5 → 2, 3, 5.
        #expect(try Allocation.largestRemainder(Money(fen: 10), shares: [1, 2, 3]).map(\.fen) == [2, 3, 5])
    }

    @Test func zeroSharesGetNothing() throws {
        #expect(try Allocation.largestRemainder(Money(fen: 7), shares: [0, 3, 0, 4]).map(\.fen) == [0, 3, 0, 4])
    }

    @Test func rejectsBadShares() {
        #expect(throws: Allocation.Failure.noShares) { try Allocation.largestRemainder(.zero, shares: []) }
        #expect(throws: Allocation.Failure.zeroTotalShares) { try Allocation.largestRemainder(Money(fen: 5), shares: [0, 0]) }
        #expect(throws: Allocation.Failure.negativeShare(index: 1)) { try Allocation.largestRemainder(Money(fen: 5), shares: [1, -1]) }
        #expect(throws: Allocation.Failure.negativeTotal) { try Allocation.largestRemainder(Money(fen: -5), shares: [1]) }
    }

    @Test("sums to the total and stays within a fen of each quota, over many random inputs")
    func propertyHolds() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let count = Int(rng.next() % 40) + 1
            let shares = (0..<count).map { _ in Int64(rng.next() % 1_000_000) }
            guard shares.contains(where: { $0 > 0 }) else { continue }
            let total = Money(fen: Int64(rng.next() % 100_000_000_000))
            let parts = try Allocation.largestRemainder(total, shares: shares)
            #expect(parts.sum() == total)
            let shareSum = shares.reduce(0, +)
            for (part, share) in zip(parts, shares) {
                // |part × Σshares − total × share| < Σshares, i.e. within one fen of the exact quota.
                let exact = Int128(total.fen) * Int128(share)
                let given = Int128(part.fen) * Int128(shareSum)
                #expect((given - exact).magnitude < UInt128(shareSum))
                #expect(part.fen >= 0)
            }
        }
    }
}
