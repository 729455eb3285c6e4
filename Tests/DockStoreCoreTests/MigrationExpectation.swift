/// What a planner should answer: the exact step ids, or a refusal whose message holds one of
/// the fragments (where several reasons apply, naming any of them is right).
enum Expected: Equatable, CustomStringConvertible {
    case steps([String])
    case refusal([String])

    var description: String {
        switch self {
        case .steps(let ids): return "steps \(ids)"
        case .refusal(let fragments): return "a refusal naming one of \(fragments)"
        }
    }
}

/// What a careful admin expects of migrate-ebs in each `MigrationCell`, written as rules about
/// the situation (where the store is, which device is given), never with the planner's helpers.
enum MigrationExpectation {
    /// `migrate-ebs DEVICE` (a new move, or the re-run after a kill).
    static func plan(_ c: MigrationCell) -> Expected {
        // The journal's volume holds part of the store and is not attached: the store cannot
        // come up, and the admin must be told which volume to attach.
        if c.volumeInStore && c.volume == .missing {
            return .refusal(c.journalOpen ? c.journalNames : ["nothing is mounted"])
        }
        // Every reason to refuse that applies; naming any of them is right.
        var reasons: [String] = []
        // An open migration continues only onto its own volume, found by identity: any other
        // device is refused, naming the journal's volume (or where it is attached now).
        if c.journalOpen && !c.givenIsJournals { reasons += c.journalNames }
        // A journal by name only, its device not added yet: the name is all it has, and after a
        // reboot it may be another disk; the admin aborts and begins again (attack 33 V C7a).
        if c.journalOpen && c.journalFormat == .nameOnly && !c.volumeInStore && c.givenIsJournals {
            reasons.append("names its volume only as \(MigrationCell.oldName)")
        }
        // The image was deleted or replaced while its loop device still holds part of the
        // store: nothing may claim the move done; refuse naming the loop device that holds it.
        if c.loopInStore && c.image != .present { reasons.append(MigrationCell.loopPath) }
        if !reasons.isEmpty { return .refusal(reasons) }
        // No migration open and the image left the store: the move is done.
        if !c.journalOpen && !c.loopInStore {
            // Another device given: nothing to migrate, and say where the store is.
            guard c.givenIsVolume else { return .refusal(c.volumePath.map { [$0] } ?? ["nothing is mounted"]) }
            // Only fstab can be behind (edited since): mount by UUID again. A kept image stays.
            return .steps(c.fstab == .uuid ? [] : ["journal", "fstab", "finish"])
        }
        // The move runs, or continues where the kernel is: onto the given device (any blank
        // device for a new move; the journal's volume for a re-run).
        var steps = c.journalOpen ? [] : ["journal"]
        if c.method == .addRemove {
            if !c.volumeInStore { steps.append("add-device") }
            if c.loopInStore { steps.append("remove-loop") }
        } else if c.loopInStore {
            if !c.shrunk { steps.append("shrink") }
            steps.append("replace")
        }
        // Grow onto the whole device: a member added or replaced here already fills it.
        if !c.volumeInStore { steps.append("resize") }
        if c.fstab != .uuid { steps.append("fstab") }
        // Autoclear detaches the loop device once btrfs lets go of it.
        if c.loopInStore { steps.append("detach-loop") }
        // Once the loop left, the image is never needed again: deleted unless kept, by the
        // run's --keep-image or the journal's.
        let kept = c.keepFlag || (c.journalOpen && c.keepRecorded)
        if !kept && c.image != .deleted { steps.append("delete-image") }
        return .steps(steps + ["finish"])
    }

    /// `migrate-ebs DEVICE --abort`.
    static func abort(_ c: MigrationCell) -> Expected {
        if c.volumeInStore && c.volume == .missing {
            return .refusal(c.journalOpen ? c.journalNames : ["nothing is mounted"])
        }
        // Once the image left the store nothing can move it back.
        if !c.loopInStore { return .refusal([c.journalOpen ? "past the point of return" : "no migration is under way"]) }
        var reasons: [String] = []
        if c.image != .present { reasons.append(MigrationCell.loopPath) }
        if c.journalOpen && !c.givenIsJournals { reasons += c.journalNames }
        if !reasons.isEmpty { return .refusal(reasons) }
        if !c.journalOpen { return .steps([]) }
        if c.method == .addRemove { return .steps((c.volumeInStore ? ["remove-device"] : []) + ["finish"]) }
        // A replace the kernel still runs is canceled; one a reboot canceled is not.
        let running = c.phase == .replacing && !c.rebooted
        return .steps((running ? ["cancel-replace"] : []) + (c.shrunk ? ["grow-image"] : []) + ["finish"])
    }
}

extension MigrationCell {
    /// The given device is the journal's: by identity — its volume id, or, once it is a member,
    /// membership. A journal by name only has nothing but the name until its device is added:
    /// the device under that name is the one an abort may drop the journal for (it touches no
    /// device), but not one a re-run moves onto (`plan`).
    var givenIsJournals: Bool {
        if journalFormat == .nameOnly && !volumeInStore { return given.path == Self.oldName }
        return givenIsVolume
    }

    /// How a refusal names the journal's device: its volume id, or where it is attached now
    /// (the name alone for a journal by name only).
    var journalNames: [String] {
        (journalFormat == .identity ? [Self.volumeID] : [Self.oldName]) + (volumePath.map { [$0] } ?? [])
    }
}
