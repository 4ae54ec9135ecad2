import MPI
import PrimeSieve

/// The work a job runs, of the kind its resolved method needs, with the journal it keeps (at rank 0).
enum PreparedWork {
    case sieve(SieveWork, Journal<ChunkRecord>?)
    case combinatorial(CombinatorialWork, Journal<LeavesRecord>?)

    /// Rank 0's work: with `--checkpoint`, the journal opened (or created) for it. A combinatorial journal
    /// names the layout it was written in; resuming takes that layout, so the saved pieces stay valid
    /// whatever the ranks and threads of the new run.
    init(_ request: Request, options: DistributedPrimeSum.Options, threadsInJob: Int) throws(JournalError) {
        guard options.method == .combinatorial else {
            let kind = SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve))
            self = .sieve(kind, try options.checkpoint.map { path throws(JournalError) in
                try Journal(path: path, description: kind.journalDescription, accepts: kind.accepts)
            })
            return
        }
        var layout = CombinatorialWork.piecesPerPart(threadsInJob: threadsInJob)
        if let path = options.checkpoint, let saved = JournalFile.savedDescription(at: path),
           let savedLayout = CombinatorialWork.piecesPerPart(inJournalDescription: saved, of: request) {
            layout = savedLayout
        }
        let kind = CombinatorialWork(request: request, piecesPerPart: layout)
        self = .combinatorial(kind, try options.checkpoint.map { path throws(JournalError) in
            try Journal(path: path, description: kind.journalDescription, accepts: kind.accepts)
        })
    }

    /// Another rank's work, in the layout rank 0 chose; no journal. Its large sums' tables are the node's
    /// shared copy (collective over the node).
    init(_ request: Request, options: DistributedPrimeSum.Options, layout: Int, tables: NodeTables) throws(MPIError) {
        if options.method == .combinatorial {
            self = .combinatorial(try CombinatorialWork(request: request, piecesPerPart: layout) { bound, perPart throws(MPIError) in
                try tables.sum(below: bound, piecesPerPart: perPart)
            }, nil)
        } else {
            self = .sieve(SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve)), nil)
        }
    }

    /// Rank 0's work with its large sums' tables moved to the node's shared copy (collective over the node).
    func sharingTables(_ tables: NodeTables) throws(MPIError) -> PreparedWork {
        switch self {
        case .sieve: self
        case .combinatorial(let kind, let journal): .combinatorial(try kind.sharingTables(tables), journal)
        }
    }

    /// What the other ranks need to build the same work: the combinatorial layout (0 for the sieve).
    var layout: Int {
        switch self {
        case .sieve: 0
        case .combinatorial(let kind, _): kind.piecesPerPart
        }
    }
}
