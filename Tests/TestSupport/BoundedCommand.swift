import Foundation

/// What a finished child process left behind.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    public var seconds: Double

    /// The non-empty lines of standard error.
    public var errorLines: [Substring] { standardError.split(separator: "\n") }
}

/// Runs the project's programs as child processes, each bounded by `timeout -k`, with output captured in
/// files (so no pipe can fill up and block the child).
public enum BoundedCommand {
    /// The folder of the built products (`.build/release`): the test runner sits beside them.
    public static let productsFolder: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.pathExtension == "xctest" || folder.lastPathComponent == "MacOS" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// The project's top folder.
    public static let projectFolder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the built executable `name`.
    public static func product(_ name: String) -> String { productsFolder.appendingPathComponent(name).path }

    public static var isRoot: Bool { getuid() == 0 }

    /// Runs `executable` with `arguments`, killed after `timeLimit` seconds (SIGTERM, then SIGKILL 5 s later).
    ///
    /// The child's environment drops the `OMPI_*`/`PMIX_*` variables a singleton `MPI_Init` may have left in
    /// this process: an `mpirun` that inherits them exits 1 silently.
    public static func run(_ executable: String, _ arguments: [String], timeLimit: Int = 180,
                           environment extra: [String: String] = [:]) throws -> CommandResult {
        try start(executable, arguments, timeLimit: timeLimit, environment: extra).wait()
    }

    /// Starts `executable` like ``run(_:_:timeLimit:environment:)`` without waiting for it.
    public static func start(_ executable: String, _ arguments: [String], timeLimit: Int = 180,
                             environment extra: [String: String] = [:]) throws -> RunningCommand {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("OMPI_") && !$0.key.hasPrefix("PMIX_")
        }
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.merge(extra) { $1 }
        return try RunningCommand(["-k", "5", "\(timeLimit)", executable] + arguments, environment: environment)
    }

    /// Whether the tests were built against MPICH (`SWIFT_MPI=mpich`, as Package.swift reads it).
    public static let isMPICH = (ProcessInfo.processInfo.environment["SWIFT_MPI"] ?? ProcessInfo.processInfo.environment["PRIMESUM_MPI"]) == "mpich"

    /// The launcher of the MPI the tests were built against: Open MPI's mpirun, or MPICH's Hydra mpiexec.
    public static var launcher: String {
        if isMPICH { return "/usr/bin/mpiexec.mpich" }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun.openmpi") ? "/usr/bin/mpirun.openmpi" : "/usr/bin/mpirun"
    }

    /// The `mpirun` flags the tests use: run.sh's (from `Scripts/mpirun-flags.sh`, their one source), with
    /// oversubscription allowed. Under MPICH, Hydra's `-n` alone.
    public static func mpirunFlags(ranks: Int) -> [String] {
        if isMPICH { return ["-n", "\(ranks)"] }
        return baseMPIRunFlags + ["--oversubscribe", "-np", "\(ranks)"]
    }

    /// What `Scripts/mpirun-flags.sh` prints.
    public static let baseMPIRunFlags: [String] = {
        let script = projectFolder.appendingPathComponent("Scripts/mpirun-flags.sh").path
        guard let result = try? run("/bin/bash", [script], timeLimit: 30), result.status == 0 else {
            fatalError("Scripts/mpirun-flags.sh did not run")
        }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }()

    /// Runs the built product `name` under `mpirun -np ranks`, bounded.
    public static func mpirun(ranks: Int, _ name: String, _ arguments: [String], timeLimit: Int = 180,
                              environment: [String: String] = [:]) throws -> CommandResult {
        try run(launcher, mpirunFlags(ranks: ranks) + [product(name)] + arguments, timeLimit: timeLimit, environment: environment)
    }

    /// Starts the built product `name` under `mpirun -np ranks`, bounded, without waiting for it.
    public static func startMPIRun(ranks: Int, _ name: String, _ arguments: [String],
                                   timeLimit: Int = 180) throws -> RunningCommand {
        try start(launcher, mpirunFlags(ranks: ranks) + [product(name)] + arguments, timeLimit: timeLimit)
    }

    /// Runs the project's `run.sh`, bounded.
    public static func runScript(_ arguments: [String], timeLimit: Int = 180) throws -> CommandResult {
        try run(projectFolder.appendingPathComponent("run.sh").path, arguments, timeLimit: timeLimit)
    }

    /// Starts the project's `run.sh`, bounded, without waiting for it.
    public static func startScript(_ arguments: [String], timeLimit: Int = 180) throws -> RunningCommand {
        try start(projectFolder.appendingPathComponent("run.sh").path, arguments, timeLimit: timeLimit)
    }

    /// The process IDs whose command line contains `text` (`pgrep -f`).
    public static func processes(matching text: String) -> [Int32] { pgrep(["-f", "--", text]) }

    /// The process IDs `pgrep arguments` prints.
    static func pgrep(_ arguments: [String]) -> [Int32] {
        let pgrep = Process()
        pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pgrep.arguments = arguments
        let pipe = Pipe()
        pgrep.standardOutput = pipe
        guard (try? pgrep.run()) != nil else { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        pgrep.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
    }

    /// Polls `condition` every 0.1 s for up to `seconds`; returns whether it became true.
    public static func poll(for seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }
}

/// A child started by ``BoundedCommand/start(_:_:timeLimit:environment:)``: `timeout -k 5 LIMIT program…`.
public final class RunningCommand {
    private let process = Process()
    private let folder: URL
    private let out: FileHandle, err: FileHandle
    private let started = Date()

    init(_ timeoutArguments: [String], environment: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("primesum-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stdout").path, contents: nil)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stderr").path, contents: nil)
        out = try FileHandle(forWritingTo: folder.appendingPathComponent("stdout"))
        err = try FileHandle(forWritingTo: folder.appendingPathComponent("stderr"))
        // The test runner starts children from Dispatch threads, which block nearly every signal, and a child
        // inherits that mask: SIGTERM would never reach it. perl (always on Debian) clears the mask, then
        // becomes `timeout`.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        process.arguments = ["-e", "use POSIX; sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; exec { $ARGV[0] } @ARGV or die",
                             "/usr/bin/timeout"] + timeoutArguments
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The process ID of the program itself (the child of `timeout`), once it is running.
    public var programID: Int32? { BoundedCommand.pgrep(["-P", "\(process.processIdentifier)"]).first }

    /// Sends `signal` to the program (not to `timeout`).
    public func signal(_ signal: Int32) {
        if let id = programID { kill(id, signal) }
    }

    public var isRunning: Bool { process.isRunning }

    /// Waits for the child to end and returns what it left.
    public func wait() throws -> CommandResult {
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: folder.appendingPathComponent("stdout")), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: folder.appendingPathComponent("stderr")), as: UTF8.self),
            seconds: Date().timeIntervalSince(started))
    }
}
