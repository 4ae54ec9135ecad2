#if canImport(Glibc)
import Glibc
#endif

/// How many cores this process may run on: its CPU affinity mask (as `mpirun --bind-to core` or Slurm's
/// binding set it), read from the `Cpus_allowed` line of `/proc/self/status` (glibc's `sched_getaffinity`
/// needs `_GNU_SOURCE`, which Swift's Glibc module does not set); nil where the system does not say.
func coresAvailableToProcess() -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0, let line {
        let text = String(cString: line)
        guard text.hasPrefix("Cpus_allowed:") else { continue }
        // A hexadecimal mask in comma-separated groups of 32 bits.
        return text.dropFirst("Cpus_allowed:".count).reduce(0) { count, character in
            count + (character.hexDigitValue?.nonzeroBitCount ?? 0)
        }
    }
    return nil
}
