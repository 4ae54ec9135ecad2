import PrimeSieve

/// A rank's one copy of the sieving primes, for its pieces to share once it turns out to run more pieces than
/// threads.
///
/// Each piece would otherwise generate the primes up to `sqrt(hi)` again: near 2^64 half of a piece's set-up
/// (0.8 of 1.6 s), for the 194 MiB the list holds. A rank's first pieces, one per thread, start together and
/// generate their own, so a run of one piece per thread keeps its memory as it was; the list is made when a
/// piece starts after another has finished on this rank — a thread on its second piece — reaching the
/// square root of the end of the whole domain, which covers every later piece. Pieces wait while it is made
/// (they would each have spent as long generating their own).
final class RankSievingPrimes: Sendable {
    private let limit: UInt64
    private let configuration: SieveConfiguration
    private let state = Locked((piecesFinished: 0, list: SievingPrimeList?.none))

    init(forDomainEndingAt hi: UInt128, configuration: SieveConfiguration) {
        limit = PrimeSieve.sievingLimit(forRangeEndingAt: hi)
        self.configuration = configuration
    }

    /// The list for a piece about to start: nil while no piece has finished on this rank.
    func forNextPiece() -> SievingPrimeList? {
        state.withLock { state in
            guard state.piecesFinished > 0 else { return nil }
            if state.list == nil { state.list = SievingPrimeList(upTo: limit, configuration: configuration) }
            return state.list
        }
    }

    /// Records that a piece has finished.
    func pieceFinished() {
        state.withLock { $0.piecesFinished += 1 }
    }
}
