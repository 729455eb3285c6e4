/// What `migrate-ebs` reports while chunks move.
public enum MoveProgress: Sendable, Equatable {
    /// Device remove: bytes of chunks still on the device being removed.
    case bytes(left: UInt64, total: UInt64)
    /// Device replace: the kernel's progress in thousandths of the source device.
    case thousandths(UInt64)

    /// The share done, 0...1.
    public var share: Double {
        switch self {
        case .bytes(let left, let total): return total == 0 ? 1 : Double(total - min(left, total)) / Double(total)
        case .thousandths(let n): return Double(min(n, 1000)) / 1000
        }
    }
}

/// Seconds to go, from the first progress seen to the latest: none until the share has
/// moved since the first sample (a resumed replace starts part-way, so its rate counts
/// from there, never from zero). Shared between the mover and its progress callback.
public final class MoveEstimate: @unchecked Sendable {
    private var first: (time: Double, share: Double)?
    private let lock = NSLockLite()

    public init() {}

    /// Forget the samples: the next step starts its own estimate.
    public func reset() { lock.locked { first = nil } }

    public func secondsLeft(_ progress: MoveProgress, at time: Double) -> Double? {
        lock.locked {
            let share = progress.share
            guard let first else {
                self.first = (time, share)
                return nil
            }
            let done = share - first.share
            let elapsed = time - first.time
            guard done > 0, elapsed > 0 else { return nil }
            return (1 - share) / (done / elapsed)
        }
    }
}
