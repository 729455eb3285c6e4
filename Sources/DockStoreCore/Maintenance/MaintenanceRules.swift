/// The verdicts on what the unattended maintenance recorded: a scrub that found errors
/// (CRITICAL when some could not be corrected, WARNING when all were), a failed reclaim
/// (WARNING), a record dated more than an hour after the clock that reads it (WARNING: the
/// shipped overdue alerts cannot fire until that time), room an open reclaim journal lent the
/// store (OK while a run may still hold it, WARNING once the journal is older than a run takes),
/// and a record that exists but cannot be read (UNKNOWN).
enum MaintenanceRules {
    /// How far a record may lie ahead of the clock before it is named: a clock set by NTP a
    /// little after the run is no finding.
    static let futureSlack: Int64 = 3600

    static func evaluate(_ f: CapacityFigures) -> [CapacityReason] {
        guard let m = f.maintenance else { return [] }
        let mp = f.mountpoint
        var reasons: [CapacityReason] = []
        if let scrub = m.lastScrub, scrub.errors > 0 || scrub.uncorrectable > 0 {
            let found = "the last scrub of \(mp) (started \(UTCTime.format(scrub.started))) found \(scrub.errors) error(s), \(scrub.corrected) corrected, \(scrub.uncorrectable) uncorrectable"
            if scrub.uncorrectable > 0 {
                reasons.append(CapacityReason(state: .critical, figure: "scrub_errors",
                    message: "\(found): files in the damaged blocks read as I/O errors; see which (dmesg | grep -i 'checksum error'), check the disk (btrfs device stats \(mp.shellWord)), restore or re-pull what they held, then scrub again (btrfs scrub start \(mp.shellWord))"))
            } else if scrub.corrected >= scrub.errors {
                reasons.append(CapacityReason(state: .warning, figure: "scrub_errors",
                    message: "\(found): btrfs repaired them from a good copy, but the disk returned bad data; check it (dmesg; btrfs device stats \(mp.shellWord)) and scrub again (btrfs scrub start \(mp.shellWord))"))
            } else {
                // Superblock errors are counted but neither corrected nor uncorrectable: the next
                // commit rewrites the superblocks (attack 42 Q F9: "repaired them" was untrue).
                reasons.append(CapacityReason(state: .warning, figure: "scrub_errors",
                    message: "\(found): \(scrub.errors - scrub.corrected) of them scrub did not repair (superblock errors, which the next commit rewrites); the disk returned bad data: check it (dmesg; btrfs device stats \(mp.shellWord)) and scrub again (btrfs scrub start \(mp.shellWord)), which should then find none"))
            }
        }
        if let reclaim = m.lastReclaim, reclaim.outcome == .failed {
            reasons.append(CapacityReason(state: .warning, figure: "reclaim_failed",
                message: "the last dockstore reclaim (\(UTCTime.format(Double(reclaim.finished)))) failed: journalctl -u dockstore-reclaim.service says why; \(Remedy.reclaim(f)) --dry-run shows what it would do"))
        }
        if m.readAt > 0 {
            let records = [m.lastReclaim.map { (run: "dockstore reclaim", event: "finished", time: $0.finished, remedy: Remedy.reclaim(f)) },
                           m.lastScrub.map { (run: "btrfs scrub", event: "started", time: Int64($0.started), remedy: "btrfs scrub start \(mp.shellWord)") }]
            for (run, event, time, remedy) in records.compactMap({ $0 }) where time > m.readAt + futureSlack {
                reasons.append(CapacityReason(state: .warning, figure: "maintenance_record_future",
                    message: "the last \(run) of \(mp) \(event) \(UTCTime.format(Double(time))) by its record, \(LentRoom.duration(time - m.readAt)) ahead of this clock (\(UTCTime.format(Double(m.readAt)))): a clock was wrong, then or now, and the overdue alert cannot fire before that time; check the clock (timedatectl), then run \(remedy) to record a run at the right time"))
            }
        }
        if let lent = f.lentRoom {
            reasons.append(CapacityReason(state: lent.stale ? .warning : .ok, figure: "reclaim_room_lent",
                message: "\(mp): \(lent.summary(reclaim: Remedy.reclaim(f)))"))
        }
        let user = f.condition.user.map { "; check ran as \($0)" } ?? ""
        for what in m.unreadable {
            reasons.append(CapacityReason(state: .unknown, figure: "unreadable", message: "\(what)\(user)"))
        }
        return reasons
    }
}
