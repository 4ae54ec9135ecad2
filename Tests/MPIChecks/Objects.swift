import MPI
import MPIObjects

/// A value of the kind dynamic data has: strings, nested arrays and dictionaries, optionals, lengths that
/// differ from rank to rank.
struct Survey: Codable, Equatable {
    var host: String
    var rank: Int
    var readings: [Double]
    var tags: [String: [Int]]
    var note: String?

    init(rank: Int) {
        host = "node-\(rank)-" + String(repeating: "é", count: rank * 5)
        self.rank = rank
        readings = (0..<rank).map { Double($0) / 3 }
        tags = ["rank": [rank], "squares": (0...rank).map { $0 * $0 }]
        note = rank % 2 == 0 ? nil : "odd"
    }
}

/// Codable values through MPIObjects: a ring of sends, broadcast, gather and allgather against the values
/// every rank builds alike.
func checkObjects(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank + size - 1) % size
    let everyone = (0..<size).map(Survey.init(rank:))
    if size > 1 {
        if rank % 2 == 0 {
            try world.send(object: everyone[rank], to: next, tag: 40)
            let (value, source, tag) = try world.receiveObject(Survey.self, from: previous, tag: 40)
            try expect(value == everyone[previous] && source == previous && tag == 40, "an object around the ring")
        } else {
            let (value, source, _) = try world.receiveObject(Survey.self, tag: 40)
            try world.send(object: everyone[rank], to: next, tag: 40)
            try expect(value == everyone[previous] && source == previous, "an object around the ring, any source")
        }
    }
    let fromRoot = try world.root(size - 1).broadcast(object: rank == size - 1 ? everyone[rank] : nil)
    try expect(fromRoot == everyone[size - 1], "a broadcast object")
    let gathered = try world.root(0).gather(object: everyone[rank])
    try expect(rank == 0 ? gathered == everyone : gathered == nil, "gathered objects")
    try expect(try world.allgather(object: everyone[rank]) == everyone, "allgathered objects")
    try expect(try world.allgather(object: ["key": rank]) == (0..<size).map { ["key": $0] }, "allgathered dictionaries")
}
