/// Where `ConfinedPath.open(below:…)` stopped when it refused a path, for the message that
/// says so: openat2 answers only ELOOP, the walk knows which link it was.
final class ConfinedWalkTrace {
    enum Stop: Equatable {
        /// A symlink on procfs (`/proc/PID/fd/N`, `/proc/PID/root`, `exe`, …), at `at` inside the
        /// root; `target` is what the kernel shows as its target, `via` the link that led there.
        case magicLink(at: [[UInt8]], target: [UInt8], via: [[UInt8]]?)
        /// More than `ConfinedPath.maxSymlinks` links, the last at `at`: a loop, or a chain too long.
        case tooManyLinks(at: [[UInt8]])
    }

    var stop: Stop?
    /// The last symlink followed, as components inside the root.
    var lastLink: [[UInt8]]?
}
