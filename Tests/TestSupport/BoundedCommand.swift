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
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("primesum-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-k", "5", "\(timeLimit)", executable] + arguments
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("OMPI_") && !$0.key.hasPrefix("PMIX_")
        }
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            seconds: Date().timeIntervalSince(start))
    }

    /// The `mpirun` flags the tests use (as run.sh's): quiet, unbound, ob1, oversubscription allowed, root
    /// allowed only as root.
    public static func mpirunFlags(ranks: Int) -> [String] {
        var flags = ["--quiet", "--bind-to", "none", "--mca", "pml", "ob1", "--oversubscribe", "-np", "\(ranks)"]
        if isRoot { flags.append("--allow-run-as-root") }
        return flags
    }

    /// Runs the built product `name` under `mpirun -np ranks`, bounded.
    public static func mpirun(ranks: Int, _ name: String, _ arguments: [String], timeLimit: Int = 180) throws -> CommandResult {
        try run("/usr/bin/mpirun", mpirunFlags(ranks: ranks) + [product(name)] + arguments, timeLimit: timeLimit)
    }

    /// Runs the project's `run.sh`, bounded.
    public static func runScript(_ arguments: [String], timeLimit: Int = 180) throws -> CommandResult {
        try run(projectFolder.appendingPathComponent("run.sh").path, arguments, timeLimit: timeLimit)
    }
}
