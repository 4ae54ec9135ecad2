// Hello: every rank says where it runs; rank 0 gathers the greetings and prints them in rank order.
//
//     mpirun -np 4 .build/release/example-hello
import MPI

Environment.run { environment in
    let world = environment.world
    let greeting = "hello from rank \(world.rank) of \(world.size) on \(try Communicator.processorName())"
    // gatherv: strings of different lengths, as bytes; nil away from the root.
    if let greetings = try world.root(0).gatherv(Array(greeting.utf8)) {
        for bytes in greetings { writeToStandardOutput(String(decoding: bytes, as: UTF8.self) + "\n") }
    }
}
