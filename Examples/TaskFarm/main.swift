// TaskFarm: a master hands out tasks to workers as they finish, and receives answers of any length with a
// matched probe (MPI_Mprobe/MPI_Mrecv): the probed message is reserved for the receive that follows, so it
// is received exactly, at its own length, whoever sent it. Each task is a number k; the answer is the list
// of k's divisors. The master prints the sum of all divisors of 1...2000, whatever the number of workers.
//
//     mpirun -np 4 .build/release/example-task-farm
import MPI

let tasks: [UInt64] = Array(1...2000)
let taskTag: Int32 = 1, stopTag: Int32 = 2, answerTag: Int32 = 3

/// The divisors of `k`, in increasing order.
func divisors(of k: UInt64) -> [UInt64] { (1...k).filter { k % $0 == 0 } }

Environment.run { environment in
    let world = environment.world
    if world.rank == 0 {
        try master(world)
    } else {
        try worker(world)
    }
}

/// Rank 0: deals one task to each worker, then one more to whichever answers, until none is left.
func master(_ world: Communicator) throws {
    var next = tasks.makeIterator()
    var total: UInt64 = 0
    guard world.size > 1 else {  // no workers: do the work here
        for k in tasks { total += divisors(of: k).reduce(0, +) }
        return report(total, workers: 0)
    }
    var busy = 0
    for worker in 1..<world.size {
        if let k = next.next() { try world.send(k, to: worker, tag: taskTag); busy += 1 }
        else { try world.send(UInt64(0), to: worker, tag: stopTag) }
    }
    while busy > 0 {
        let message = try world.matchedProbe(tag: answerTag)   // any worker, any length
        let answer = try message.receive(as: UInt64.self)      // exactly that message
        total += answer.values.reduce(0, +)
        if let k = next.next() {
            try world.send(k, to: answer.source, tag: taskTag)
        } else {
            try world.send(UInt64(0), to: answer.source, tag: stopTag)
            busy -= 1
        }
    }
    report(total, workers: world.size - 1)
}

/// Every other rank: answers tasks until told to stop.
func worker(_ world: Communicator) throws {
    while true {
        let task = try world.receive(capacity: 1, from: 0, as: UInt64.self)
        guard task.tag == taskTag else { return }
        try world.send(divisors(of: task.values[0]), to: 0, tag: answerTag)
    }
}

func report(_ total: UInt64, workers: Int) {
    writeToStandardOutput("sum of the divisors of 1...\(tasks.count) from \(workers) workers: \(total)\n")
}
