extension MigrationJournal {
    /// Where the open migration stands, as status's migration row and check's migration_open
    /// say it: onto which device now, by which method, in which phase, and the run of migrate-ebs
    /// that finishes it. `targets` are the devices that hold the store now besides its image
    /// (the target under the name it has now). The journal's kernel name is only the one the
    /// migration began with, which a reboot can give another disk.
    public func standing(targets: [String]) throws -> String {
        if targets.count == 1, let now = targets.first, now != device {
            return "onto \(now) (\(volumeID.map { "\($0), " } ?? "")\(device) when the migration began) by \(recordedMethod.rawValue), phase: \(phase) (dockstore migrate-ebs \(now) finishes it)"
        }
        if let identity = deviceIdentity, volumeID == nil {
            // Before the point of return the volume holds nothing of the store: found by the
            // identity the journal recorded, never by its old name (attack 33 V C6c).
            let now = try identity.currentDevices()
            let argument = now.count == 1 ? now[0] : "ITS-DEVICE"
            let whereNow = now.count == 1 && now[0] != device ? "\(now[0]) (\(device) when the migration began: a reboot renamed it)"
                : now.isEmpty ? "\(device) as recorded (\(identity.summary); not attached now)" : device
            return "onto \(whereNow) by \(recordedMethod.rawValue), phase: \(phase) (dockstore migrate-ebs \(argument) finishes it\(now.isEmpty ? " once it is attached" : ""))"
        }
        if volumeID == nil, deviceIdentity == nil, targets.isEmpty {
            // Nothing moved onto it yet and only its name recorded: migrate-ebs does not take
            // the name (attack 33 V C7a), so neither does the advice.
            return "onto \(device) by \(recordedMethod.rawValue), phase: \(phase); the journal names the volume only by that name, which a reboot may have given another disk (if \(device) is still the volume: dockstore migrate-ebs \(device) --abort, then dockstore migrate-ebs \(device))"
        }
        return "onto \(deviceLabel) by \(recordedMethod.rawValue), phase: \(phase) (dockstore migrate-ebs \(volumeID ?? device) finishes it)"
    }

    /// The problem an open migration is, in status and check alike: the store is half moved,
    /// whether migrate-ebs still runs or was killed (attack 54 X 3, attack 52 V).
    public static func openProblem(standing: String) -> String {
        "a migration is open, \(standing): the store is half moved until it is finished (while dockstore migrate-ebs runs, the move is under way)"
    }
}
