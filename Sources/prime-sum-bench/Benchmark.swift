import Foundation
import PrimeSum

/// The whole benchmark: every workload in rounds against its yardstick, the table (stdout and `bench.md`), every
/// round's own seconds (`rounds.tsv`) and the chart.
struct Benchmark {
    var runs = 3
    var outputFolder = "bench-results"
    /// The workloads to run (`--only 7,4`); all by default.
    var only: Set<Int>?
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()

    init(arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--runs":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value >= 1 else {
                    usageError("--runs takes a whole number of at least 1 (each figure is the median of that many)")
                }
                runs = value
            case "--only":
                guard let value = rest.popFirst(), case let numbers = value.split(separator: ",").compactMap({ Int($0) }),
                      !numbers.isEmpty, numbers.allSatisfy((1...8).contains) else {
                    usageError("--only takes workload numbers from 1 to 8, separated by commas (4,7)")
                }
                only = Set(numbers)
            case "--output":
                guard let value = rest.popFirst() else { usageError("--output takes a folder") }
                outputFolder = value
            default:
                usageError("unknown argument '\(flag)'; usage: prime-sum-bench [--runs N] [--only W,…] [--output DIR]")
            }
        }
    }

    /// A failed measurement leaves no table to trust: stop here with one sentence and exit status 1.
    func fail(_ sentence: String) -> Never {
        FileHandle.standardError.write(Data("prime-sum-bench: \(sentence)\n".utf8))
        exit(1)
    }

    var productsFolder: URL { executable.deletingLastPathComponent() }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Runs a child `times` times; returns the samples.
    func samples(_ arguments: [String], times: Int) -> [Sample] {
        (0..<times).map { _ in
            let output = runChild(executable.path, arguments)
            let fields = output.split(separator: " ", maxSplits: 2)
            return Sample(seconds: Double(fields[0]) ?? .nan, peakKiB: Int(fields[1]) ?? 0,
                          result: fields.count > 2 ? String(fields[2]).trimmingCharacters(in: .whitespacesAndNewlines) : "")
        }
    }

    func runChild(_ path: String, _ arguments: [String], environment: [String: String] = [:]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-k", "10", "900", path] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        try! process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            fail("\(([path] + arguments).joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Seconds of a whole command, median of `times` runs.
    func wallSeconds(_ path: String, _ arguments: [String], times: Int, environment: [String: String] = [:]) -> Double {
        median((0..<times).map { _ in
            let start = Date()
            _ = runChild(path, arguments, environment: environment)
            return Date().timeIntervalSince(start)
        })
    }

    /// `measure` of each of `items`, run in their order in even rounds and in reverse in odd ones (the VM's
    /// speed drifts within a round too); the results in the items' order.
    func inAlternatingOrder<Item, Result>(_ round: Int, _ items: [Item], _ measure: (Item) -> Result) -> [Result] {
        let order = round % 2 == 0 ? Array(items.indices) : items.indices.reversed()
        var results = [Result?](repeating: nil, count: items.count)
        for index in order { results[index] = measure(items[index]) }
        return results.map { $0! }
    }

    func format(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

    /// What a run has found so far: the Markdown table, the chart's rows and every round's own seconds.
    struct Report {
        var table = ""
        /// `times.dat`: one row per workload 1–3 (index, label, PrimeSum, iterator, count seconds).
        var chartRows: [String] = []
        /// `rounds.tsv`: every round's own seconds, to judge a run's noise beside its medians.
        var roundRows: [String] = []
        /// `speedup.dat`'s rows: ranks or threads, speedup over 1 rank with ranks, with threads.
        var speedups: [(Int, Double, Double)] = []
    }

    /// Runs every workload, prints the table and writes `outputFolder`.
    func run() {
        let began = Date()
        var report = Report()
        func runs(_ workloads: Int...) -> Bool { only.map { !$0.isDisjoint(with: workloads) } ?? true }
        if runs(1, 2, 3) { enginesAgainstPrimesieve(into: &report) }
        if runs(4) { scaling(into: &report) }
        if runs(6) && ProcessInfo.processInfo.activeProcessorCount >= 2 { schedulesOnASharedCore(into: &report) }
        if runs(5) { startUp(into: &report) }
        if runs(7) { combinatorialAgainstPrimecount(into: &report) }
        if runs(8) { combinatorialScaling(into: &report) }
        report.table += "\nThe whole benchmark took \(format(Date().timeIntervalSince(began) / 60, 1)) minutes.\n"
        print(report.table)
        writeResults(report)
    }

    var primeSum: String { productsFolder.appendingPathComponent("prime-sum").path }

    /// What `Scripts/mpirun-flags.sh` of the project this benchmark was built from prints.
    var mpirunBaseFlags: [String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Scripts/mpirun-flags.sh")
        return runChild("/bin/bash", [script.path]).split(separator: "\n").map(String.init)
    }

    /// `mpirun`'s options: run.sh's (`Scripts/mpirun-flags.sh`, their one source), ranks unbound (workloads 4
    /// and 5) or bound one per core (workload 6).
    func mpirun(bindTo binding: String = "none") -> [String] {
        let flags = mpirunBaseFlags.map { $0 == "none" ? binding : $0 }
        return flags + (binding == "core" ? ["--map-by", "core"] : [])
    }

    /// Workloads 1–3: PrimeSum's sum against primesieve's iterator-sum and count on one thread.
    func enginesAgainstPrimesieve(into report: inout Report) {
        report.table += "| workload | PrimeSum sum (s) | primesieve iterator-sum (s) | primesieve count (s) | sum ÷ iterator | sum ÷ count | peak MiB PrimeSum / primesieve |\n"
        report.table += "|---|---|---|---|---|---|---|\n"
        report.roundRows.append("workload\tround\tprimesum\tprimesieve-iterator\tprimesieve-count")
        let top = UInt128(1) << 64
        let workloads: [(name: String, lo: UInt128, hi: UInt128)] = [
            ("1. sum below 10^10", 0, 10_000_000_000),
            ("2. [10^15, 10^15 + 10^10)", 1_000_000_000_000_000, 1_000_010_000_000_000),
            ("3. [2^64 - 10^10, 2^64)", top - 10_000_000_000, top),
        ]
        for (index, workload) in workloads.enumerated() {
            // Rounds of (PrimeSum, iterator, count), each ratio taken within its round, so that the VM's
            // drifting speed does not land on one contender's runs only; the median round is reported. Every
            // other round runs them in reverse order, so that a drift within rounds favours no one.
            let range = ["\(workload.lo)", "\(workload.hi)"]
            let rounds = (0..<runs).map { round in
                let measured = inAlternatingOrder(round, ["primesum", "primesieve-sum", "primesieve-count"]) {
                    samples(["measure", $0] + range, times: 1)[0]
                }
                return (ours: measured[0], iterator: measured[1], count: measured[2])
            }
            for (number, round) in rounds.enumerated() {
                report.roundRows.append("W\(index + 1)\t\(number + 1)\t\(round.ours.seconds)\t\(round.iterator.seconds)\t\(round.count.seconds)")
                guard round.ours.result == round.iterator.result else {
                    fail("\(workload.name): PrimeSum found \(round.ours.result), primesieve \(round.iterator.result)")
                }
            }
            let o = median(rounds.map(\.ours.seconds)), i = median(rounds.map(\.iterator.seconds))
            let c = median(rounds.map(\.count.seconds))
            let overIterator = median(rounds.map { $0.ours.seconds / $0.iterator.seconds })
            let overCount = median(rounds.map { $0.ours.seconds / $0.count.seconds })
            let memory = "\(format(Double(rounds.map(\.ours.peakKiB).max()!) / 1024, 1)) / "
                + format(Double(rounds.map(\.count.peakKiB).max()!) / 1024, 1)
            report.table += "| \(workload.name) | \(format(o)) | \(format(i)) | \(format(c)) | \(format(overIterator)) | \(format(overCount)) | \(memory) |\n"
            report.chartRows.append("\(index + 1) \"W\(index + 1)\" \(o) \(i) \(c)")
            FileHandle.standardError.write(Data("done: \(workload.name)\n".utf8))
        }
    }

    /// Workload 4: 10^11 on 1 rank, 2 ranks, and 1 rank x 2 threads: the job's own wall time (--json). The
    /// runs are interleaved in rounds (every other round in reverse order), each round's speedups taken from
    /// its own runs, so that the VM's drifting speed (up to 1.8x between runs here) cancels out; the median
    /// round is reported. Each round also times primesieve's count below 10^10 on 1 and 2 threads (~2.5 s and
    /// ~1.3 s: long enough to time, short enough to keep the benchmark under 10 minutes): the speedup this
    /// machine gives a program that scales perfectly on two idle cores, measured in the same minutes.
    func scaling(into report: inout Report) {
        func jobSeconds(ranks: Int, threads: Int) -> Double {
            self.jobSeconds(["--method", "sieve", "1e11"], ranks: ranks, threads: threads)
        }
        func primesieveSeconds(threads: Int) -> Double {
            samples(["measure", "primesieve-count", "0", "10000000000", "\(threads)"], times: 1)[0].seconds
        }
        let rounds = (0..<runs).map { round in
            let jobs = inAlternatingOrder(round, [(ranks: 1, threads: 1), (2, 1), (1, 2)]) {
                jobSeconds(ranks: $0.ranks, threads: $0.threads)
            }
            let reference = inAlternatingOrder(round, [1, 2]) { primesieveSeconds(threads: $0) }
            return (one: jobs[0], two: jobs[1], threads: jobs[2], reference: reference[0] / reference[1],
                    referenceSeconds: (reference[0], reference[1]))
        }
        report.roundRows.append("workload 4\tround\t1 rank\t2 ranks\t1 rank x 2 threads\tprimesieve count 1 thread\t2 threads")
        for (number, round) in rounds.enumerated() {
            report.roundRows.append("W4\t\(number + 1)\t\(round.one)\t\(round.two)\t\(round.threads)\t\(round.referenceSeconds.0)\t\(round.referenceSeconds.1)")
        }
        let one = median(rounds.map(\.one)), two = median(rounds.map(\.two)), threads = median(rounds.map(\.threads))
        let rankSpeedup = median(rounds.map { $0.one / $0.two }), threadSpeedup = median(rounds.map { $0.one / $0.threads })
        report.table += "\n| workload 4: sum below 10^11 | seconds | speedup over 1 rank (median of the rounds' own) |\n|---|---|---|\n"
        report.table += "| 1 rank × 1 thread | \(format(one)) | 1.00 |\n"
        report.table += "| 2 ranks × 1 thread | \(format(two)) | \(format(rankSpeedup)) |\n"
        report.table += "| 1 rank × 2 threads | \(format(threads)) | \(format(threadSpeedup)) |\n"
        report.table += "| reference: primesieve count below 10^10, 2 threads over 1 | | \(format(median(rounds.map(\.reference)))) |\n"
        report.speedups = [(1, 1.0, 1.0), (2, rankSpeedup, threadSpeedup)]
        FileHandle.standardError.write(Data("done: workload 4\n".utf8))
    }

    /// The job's own wall time (`--json`) for `arguments` on `ranks` ranks of `threads` threads.
    func jobSeconds(_ arguments: [String], ranks: Int, threads: Int) -> Double {
        let output = runChild("/usr/bin/mpirun", mpirun() + ["-np", "\(ranks)", primeSum, "--quiet", "--json", "--threads", "\(threads)"] + arguments)
        guard let json = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let seconds = json["wallSeconds"] as? Double else {
            fail("prime-sum --json printed no wallSeconds: \(output)")
        }
        return seconds
    }

    /// A process spinning on core 1 (another job on that node) while the benchmark lives: it must not outlive
    /// a benchmark that stops early (`fail`, a signal). The caller terminates it.
    func startBusyProcessOnCore1() -> Process {
        let busy = Process()
        busy.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        busy.arguments = ["-c", "1", "/bin/sh", "-c", "while kill -0 \(getpid()) 2>/dev/null; do :; done"]
        try! busy.run()
        return busy
    }

    /// Workload 6: static against dynamic schedule on 2 ranks bound to one core each, with a busy process
    /// on rank 1's core (another job on that node).
    func schedulesOnASharedCore(into report: inout Report) {
        let busy = startBusyProcessOnCore1()
        defer {
            busy.terminate()
            busy.waitUntilExit()
        }
        func seconds(_ schedule: String) -> Double {
            wallSeconds("/usr/bin/mpirun", mpirun(bindTo: "core") + ["-np", "2", primeSum, "--quiet", "--method", "sieve", "--schedule", schedule, "1e10"], times: runs)
        }
        let staticSeconds = seconds("static"), dynamicSeconds = seconds("dynamic")
        report.table += "\n| workload 6: sum below 10^10, 2 ranks, rank 1's core shared with a busy process | seconds |\n|---|---|\n"
        report.table += "| --schedule static | \(format(staticSeconds)) |\n"
        report.table += "| --schedule dynamic | \(format(dynamicSeconds)) |\n"
        report.table += "| static ÷ dynamic | \(format(staticSeconds / dynamicSeconds)) |\n"
        FileHandle.standardError.write(Data("done: workload 6\n".utf8))
    }

    /// Workload 5: the tutorial batch through mpirun -np 2, against mpirun -np 2 of a bare MPI program.
    func startUp(into report: inout Report) {
        let bare = productsFolder.appendingPathComponent("mpi-init-finalize").path
        // 21 pairs (~10 s): single pairs' ratios spread widely (0.8–1.8), and the median of 21 is stable to about
        // ±0.03 where that of 11 moved twice as much (docs/performance-history.md).
        let startRuns = Swift.max(runs, 21)
        // In pairs, one of each in turn, the ratio taken within each pair: start-up times drift with the VM.
        // Every other pair starts with the bare program, so that a pair's first-run costs favour neither.
        let pairs = (0..<startRuns).map { pair in
            let seconds = inAlternatingOrder(pair, [[primeSum, "--batch", "1e6:2e6:5e4"], [bare]]) {
                wallSeconds("/usr/bin/mpirun", mpirun() + ["-np", "2"] + $0, times: 1)
            }
            return (seconds[0], seconds[1])
        }
        report.roundRows.append("workload 5\tpair\tprime-sum --batch\tmpi-init-finalize")
        for (number, pair) in pairs.enumerated() { report.roundRows.append("W5\t\(number + 1)\t\(pair.0)\t\(pair.1)") }
        let tutorial = median(pairs.map(\.0)), floor = median(pairs.map(\.1))
        report.table += "\n| workload 5: tutorial batch, whole `mpirun -np 2` (\(startRuns) pairs) | seconds |\n|---|---|\n"
        report.table += "| prime-sum --batch 1e6:2e6:5e4 | \(format(tutorial, 3)) |\n"
        report.table += "| mpi-init-finalize (MPI start-up alone) | \(format(floor, 3)) |\n"
        report.table += "| ratio (median of the pairs' own) | \(format(median(pairs.map { $0.0 / $0.1 }))) |\n"
    }

    /// Workload 7: the combinatorial sum below N against libprimecount's π(N − 1) — its default, Gourdon's
    /// algorithm ("a sum as cheap as a count"), and its Deléglise–Rivat, the algorithm we implement — 1 and 2
    /// threads, in rounds of alternating order, each ratio taken within its round; the counts must agree.
    /// Below 10^11 the sieve too (it finishes in ~20 s).
    func combinatorialAgainstPrimecount(into report: inout Report) {
        report.table += "\n| workload 7: Σp below N | threads | PrimeSum combinatorial (s) | primecount π(N) (s) | sum ÷ π "
            + "| primecount π(N), Deléglise–Rivat (s) | sum ÷ π D–R | peak MiB ours / primecount |\n"
        report.table += "|---|---|---|---|---|---|---|---|\n"
        report.roundRows.append("workload 7\tN\tthreads\tround\tcombinatorial\tprimecount-pi\tprimecount-deleglise-rivat")
        for bound in ["1e11", "1e12", "1e13", "1e14", "1e16"] {
            for threads in [1, 2] {
                let rounds = (0..<runs).map { round in
                    inAlternatingOrder(round, ["combinatorial", "primecount-pi", "primecount-deleglise-rivat"]) {
                        samples(["measure", $0, "0", bound, "\(threads)"], times: 1)[0]
                    }
                }
                let hasDelegliseRivat = rounds.allSatisfy { $0[2].result != "unavailable" }
                for (number, round) in rounds.enumerated() {
                    report.roundRows.append("W7\t\(bound)\t\(threads)\t\(number + 1)\t" + round.map { "\($0.seconds)" }.joined(separator: "\t"))
                    let ourCount = round[0].result.split(separator: " ").first.map(String.init)
                    guard ourCount == round[1].result, !hasDelegliseRivat || ourCount == round[2].result else {
                        fail("below \(bound): PrimeSum counted \(round[0].result), primecount \(round[1].result) and \(round[2].result)")
                    }
                }
                let ours = median(rounds.map { $0[0].seconds })
                func against(_ k: Int) -> String {
                    "\(format(median(rounds.map { $0[k].seconds }), 3)) | \(format(median(rounds.map { $0[0].seconds / $0[k].seconds })))"
                }
                let memory = "\(format(Double(rounds.map { $0[0].peakKiB }.max()!) / 1024, 1)) / "
                    + format(Double(rounds.map { $0[1].peakKiB }.max()!) / 1024, 1)
                report.table += "| \(bound) | \(threads) | \(format(ours, 3)) | \(against(1)) | "
                    + "\(hasDelegliseRivat ? against(2) : "not in this libprimecount | –") | \(memory) |\n"
            }
            FileHandle.standardError.write(Data("done: workload 7 below \(bound)\n".utf8))
        }
        let sieve = samples(["measure", "primesum", "0", "1e11"], times: 1)[0]
        let combinatorial = samples(["measure", "combinatorial", "0", "1e11"], times: 1)[0]
        guard sieve.result == combinatorial.result else {
            fail("below 10^11: the sieve found \(sieve.result), the combinatorial sum \(combinatorial.result)")
        }
        report.table += "| 1e11, the sieve (once) | 1 | \(format(sieve.seconds, 3)) | | sieve ÷ combinatorial: \(format(sieve.seconds / combinatorial.seconds, 0)) | | | |\n"
    }

    /// Writes the table, the round data, the chart's data and (with gnuplot) the chart to `outputFolder`.
    func writeResults(_ report: Report) {
        let folder = URL(fileURLWithPath: outputFolder)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? report.table.write(to: folder.appendingPathComponent("bench.md"), atomically: true, encoding: .utf8)
        try? (report.chartRows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("times.dat"), atomically: true, encoding: .utf8)
        try? (report.roundRows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("rounds.tsv"), atomically: true, encoding: .utf8)
        let speedups = report.speedups.map { "\($0.0) \($0.1) \($0.2)" }.joined(separator: "\n") + "\n"
        try? speedups.write(to: folder.appendingPathComponent("speedup.dat"), atomically: true, encoding: .utf8)
        let script = """
            set terminal pngcairo size 1100,450
            set output 'bench.png'
            set multiplot layout 1,2
            set title 'Time per workload (1 thread)'
            set ylabel 'seconds'
            set style data histograms
            set style fill solid 0.8
            set key top left
            plot 'times.dat' using 3:xtic(2) title 'PrimeSum sum', '' using 4 title 'primesieve iterator-sum', '' using 5 title 'primesieve count'
            set title 'Speedup, sum below 10^{11}'
            set ylabel 'speedup over 1'
            set xlabel 'ranks or threads'
            set style data linespoints
            set xrange [0.8:2.2]
            set yrange [0:2.2]
            plot 'speedup.dat' using 1:2 title 'ranks', '' using 1:3 title 'threads', x title 'perfect'
            unset multiplot
            """
        try? script.write(to: folder.appendingPathComponent("bench.gnuplot"), atomically: true, encoding: .utf8)
        if !report.chartRows.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot") {  // workloads 1–3 ran
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/gnuplot")
            process.arguments = ["bench.gnuplot"]
            process.currentDirectoryURL = folder
            try? process.run()
            process.waitUntilExit()
            FileHandle.standardError.write(Data("chart: \(folder.path)/bench.png\n".utf8))
        } else {
            FileHandle.standardError.write(Data("gnuplot is not installed: no chart (apt-get install gnuplot-nox)\n".utf8))
        }
    }
}

extension Benchmark {
    /// Workload 8: the combinatorial sum below 10^16 on 1 rank, 2 ranks and 1 rank × 2 threads (the job's
    /// own wall time, rounds of alternating order, each speedup within its round); the schedules with one
    /// rank's core shared with a busy process (below 10^15); and the plan's predicted efficiency on 2 to
    /// 1024 ranks at 10^16, 10^18 and 2^64 (the cost model's estimates as times), the 2-rank one beside the
    /// measured.
    func combinatorialScaling(into report: inout Report) {
        let request = ["--method", "combinatorial", "1e16"]
        let rounds = (0..<runs).map { round in
            inAlternatingOrder(round, [(ranks: 1, threads: 1), (2, 1), (1, 2)]) {
                jobSeconds(request, ranks: $0.ranks, threads: $0.threads)
            }
        }
        for (number, round) in rounds.enumerated() {
            report.roundRows.append("W8\t\(number + 1)\t\(round[0])\t\(round[1])\t\(round[2])")
        }
        let rankSpeedup = median(rounds.map { $0[0] / $0[1] }), threadSpeedup = median(rounds.map { $0[0] / $0[2] })
        report.table += "\n| workload 8: Σp below 10^16, combinatorial | seconds | speedup over 1 rank (median of the rounds' own) |\n|---|---|---|\n"
        report.table += "| 1 rank × 1 thread | \(format(median(rounds.map { $0[0] }))) | 1.00 |\n"
        report.table += "| 2 ranks × 1 thread | \(format(median(rounds.map { $0[1] }))) | \(format(rankSpeedup)) |\n"
        report.table += "| 1 rank × 2 threads | \(format(median(rounds.map { $0[2] }))) | \(format(threadSpeedup)) |\n"
        FileHandle.standardError.write(Data("done: workload 8 scaling\n".utf8))
        if ProcessInfo.processInfo.activeProcessorCount >= 2 { combinatorialSchedulesOnASharedCore(into: &report) }
        report.table += "\n| predicted (plan, model errors, set-up) | ranks | pieces | set-up (s) | 1 rank (s) | static | dynamic |\n|---|---|---|---|---|---|---|\n"
        for (name, bound) in [("10^16", UInt128(10_000_000_000_000_000)), ("10^18", 1_000_000_000_000_000_000), ("2^64", 1 << 64)] {
            for ranks in [2, 8, 64, 256, 1024] where bound != 10_000_000_000_000_000 || ranks <= 64 {
                let p = PlanPrediction(.below(bound), ranks: ranks)
                report.table += "| \(name) | \(ranks) | \(p.pieces) | \(format(p.setUpSeconds)) | \(format(p.oneRankSeconds, 0)) "
                    + "| \(format(100 * p.staticEfficiency, 1)) % | \(format(100 * p.dynamicEfficiency, 1)) % |\n"
            }
        }
        report.table += "| measured at 10^16: 2 ranks' speedup ÷ 2 | 2 | | | | \(format(100 * rankSpeedup / 2, 1)) % | |\n"
        FileHandle.standardError.write(Data("done: workload 8\n".utf8))
    }

    /// Static against dynamic schedule for the combinatorial sum below 10^15 on 2 ranks bound to one core
    /// each, a busy process on rank 1's core.
    func combinatorialSchedulesOnASharedCore(into report: inout Report) {
        let busy = startBusyProcessOnCore1()
        defer {
            busy.terminate()
            busy.waitUntilExit()
        }
        func seconds(_ schedule: String) -> Double {
            wallSeconds("/usr/bin/mpirun", mpirun(bindTo: "core") + ["-np", "2", primeSum, "--quiet", "--method", "combinatorial",
                                                                     "--schedule", schedule, "1e15"], times: runs)
        }
        let staticSeconds = seconds("static"), dynamicSeconds = seconds("dynamic")
        report.table += "| below 10^15, 2 ranks, rank 1's core shared with a busy process: static | \(format(staticSeconds)) | |\n"
        report.table += "| the same, dynamic | \(format(dynamicSeconds)) | static ÷ dynamic: \(format(staticSeconds / dynamicSeconds)) |\n"
    }
}
