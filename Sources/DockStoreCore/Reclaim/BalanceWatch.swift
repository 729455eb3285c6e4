import Dispatch

/// Watches one running balance from a second thread: reads its counters every 25 ms (so a
/// round that lasts a tenth of a second is still seen running), reports them about once a
/// second, and cancels the balance once the time budget ends or the bytes it moved reach
/// what is left of the I/O budget. The kernel finishes the chunk it is moving first, so a
/// budget is overrun by at most one chunk.
final class BalanceWatch: @unchecked Sendable {
    static let pollSeconds = 0.025
    static let reportSeconds = 1.0

    let round: ReclaimRound
    /// The store balanced: progress is read and a cancel sent only while it is mounted there.
    let store: PlannedStore
    let deadline: Double
    /// Bytes the round may still move, and what one relocated chunk is charged.
    let ioLeft: UInt64
    let chunkBytes: UInt64

    private let lock = NSLockLite()
    private var seen = BtrfsBalance.Counters()
    private let done = Flag()
    private let queue = DispatchQueue(label: "dockstore.reclaim.progress")

    init(_ round: ReclaimRound, store: PlannedStore, deadline: Double, ioLeft: UInt64, chunkBytes: UInt64) {
        self.round = round
        self.store = store
        self.deadline = deadline
        self.ioLeft = ioLeft
        self.chunkBytes = chunkBytes
    }

    /// The last counters seen while the balance ran (the kernel does not return them when
    /// the balance fails).
    var lastSeen: BtrfsBalance.Counters { lock.locked { seen } }

    /// Bytes charged for `completed` chunks of this round.
    func charge(_ completed: UInt64) -> UInt64 {
        ReclaimIOBudget.charge(round, completed: completed, chunkBytes: chunkBytes)
    }

    func start(events: @escaping @Sendable (Reclaimer.Event) -> Void) {
        queue.async { [self] in
            var cancelled = false
            var sawRunning = false
            var reported = -Double.infinity
            while !done.value {
                let now = MonotonicClock.seconds()
                // Unreadable progress only means no report this time: the budgets are checked
                // again on the next read, and the kernel's own counters decide the outcome.
                if let counters = try? BtrfsBalance.progress(store.mountpoint, uuid: store.uuid), !done.value {
                    lock.locked { seen = counters }
                    // The failpoint kills while chunks are still to move (the relocation pass
                    // has begun and not every chunk it counted is moved), so that the kill
                    // lands inside the balance ioctl, not after a short round's last chunk.
                    if !sawRunning, counters.considered > 0, counters.completed < counters.expected {
                        sawRunning = true
                        Failpoint.reached("balance-running")
                    }
                    if now - reported >= Self.reportSeconds {
                        reported = now
                        events(.progress(round, counters))
                    }
                    if !cancelled, charge(counters.completed) >= ioLeft {
                        cancelled = true
                        // A cancel that fails lets the round run to its end: the budget is
                        // overrun, nothing is lost, and the round's outcome is read as usual.
                        try? BtrfsBalance.cancel(store.mountpoint, uuid: store.uuid)
                    }
                }
                if !cancelled, now >= deadline {
                    cancelled = true
                    try? BtrfsBalance.cancel(store.mountpoint, uuid: store.uuid)
                }
                if !done.value { MonotonicClock.sleep(Self.pollSeconds) }
            }
        }
    }

    /// Stops watching and waits for the watcher to end.
    func stop() {
        done.set()
        queue.sync {}
    }
}
