import Testing
@testable import DockStoreCore

/// One cell of migrate-ebs's planner table: a method, how far a migration got before it was
/// killed, where the journal's volume is now and which device the admin gives, what is at the
/// image's path, fstab's line for the mountpoint, and --keep-image.
///
/// Identities: the store is btrfs `u`; the journal's volume A is vol-0aaa…, attached as
/// /dev/nvme1n1 when the migration began. After a reboot (renamed, missing) a blank volume C
/// (vol-0ccc…) has A's old name; an unrelated blank volume B (vol-0bbb…) is /dev/nvme2n1.
struct MigrationCell: Sendable, CustomTestStringConvertible {
    enum Phase: Sendable, Equatable {
        case none
        /// Killed right after this step (its failpoint); after `finish` the move is done.
        case after(String)
        /// Killed while the kernel copies (device replace): it runs on; a reboot cancels it.
        case replacing
    }

    enum Volume: String, Sendable, CaseIterable {
        /// A has its old name and is the device given.
        case present
        /// Rebooted: A is /dev/nvme3n1, C took /dev/nvme1n1; the admin gives the old name (C).
        case renamedGivenOldName = "renamed, old name given"
        /// Rebooted: A is /dev/nvme3n1, given by its volume id.
        case renamedGivenVolumeID = "renamed, volume id given"
        /// Rebooted without A: C took /dev/nvme1n1 and is given.
        case missing
        /// A as it was, and the admin gives the unrelated blank B.
        case extraGiven = "extra device given"
    }

    enum Image: String, Sendable, CaseIterable {
        case present
        /// A file is at the image's path, but not the one the loop device was attached from
        /// (replaced while mounted; after the loop left, the kernel scratched its superblock).
        case scratched
        case deleted
    }

    enum Fstab: String, Sendable, CaseIterable { case image, uuid, none }

    enum Keep: String, Sendable, CaseIterable {
        case no
        case yes
        /// The migration began with --keep-image (the journal says so); the re-run forgot it.
        case keptThenForgotten = "kept, re-run without it"
        /// Begun without it; the re-run gives it.
        case addedOnReRun = "added on the re-run"
    }

    /// How the open journal records the device: by identity (filesystem UUID, volume id,
    /// method), or by its kernel name alone, as dockstore before identities wrote it (those
    /// moved by add + remove).
    enum JournalFormat: String, Sendable, CaseIterable { case identity, nameOnly = "name only" }

    var method: MigrationMethod
    var phase: Phase
    var volume: Volume
    var image: Image
    var fstab: Fstab
    var keep: Keep
    var journalFormat: JournalFormat = .identity

    var testDescription: String {
        let phase: String
        switch self.phase {
        case .none: phase = "no migration yet"
        case .after(let id): phase = "killed after \(id)"
        case .replacing: phase = "killed during the replace"
        }
        return "\(method.rawValue), \(phase)\(journalFormat == .nameOnly ? " (journal by name only)" : ""), volume \(volume.rawValue), image \(image.rawValue), fstab \(fstab.rawValue), keep \(keep.rawValue)"
    }

    static let volumeID = "vol-0aaaaaaaaaaaaaaaa"
    static let oldName = "/dev/nvme1n1"
    static let newName = "/dev/nvme3n1"
    static let extraName = "/dev/nvme2n1"
    static let loopPath = "/dev/loop0"
    static let imageSize: UInt64 = 100 << 30
    static let used: UInt64 = 2 << 30
    static let rootLine = "/dev/vda1 / ext4 defaults 0 1\n"
    static let imageLine = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service 0 0\n"
    /// The line migrate-ebs writes.
    static let uuidLine = "UUID=u /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"

    /// Every volume is this size: smaller than the image for replace, so it shrinks first.
    var volumeSize: UInt64 { method == .replace ? 50 << 30 : 200 << 30 }

    /// The step `id` had finished when the migration was killed.
    func reached(_ id: String) -> Bool {
        let order = method.failpoints
        switch phase {
        case .none: return false
        case .replacing: return id == "journal" || id == "shrink"
        case .after(let last):
            guard let step = order.firstIndex(of: id), let done = order.firstIndex(of: last) else { return false }
            return step <= done
        }
    }

    var journalOpen: Bool { phase != .none && phase != .after("finish") }
    /// A is a member of the store (added, or the replace finished).
    var volumeInStore: Bool { reached(method == .replace ? "replace" : "add-device") }
    /// The image's loop device still holds part of the store.
    var loopInStore: Bool { !reached(method == .replace ? "replace" : "remove-loop") }
    var shrunk: Bool { method == .replace && reached("shrink") }
    /// Names change only at a reboot.
    var rebooted: Bool { volume != .present && volume != .extraGiven }
    /// Where A is attached now.
    var volumePath: String? {
        switch volume {
        case .present, .extraGiven: return Self.oldName
        case .renamedGivenOldName, .renamedGivenVolumeID: return Self.newName
        case .missing: return nil
        }
    }
    /// The device given is A (by its name or its volume id).
    var givenIsVolume: Bool { volume == .present || volume == .renamedGivenVolumeID }
    var given: (path: String, volumeID: String) {
        switch volume {
        case .present: return (Self.oldName, Self.volumeID)
        case .renamedGivenOldName, .missing: return (Self.oldName, "vol-0cccccccccccccccc")
        case .renamedGivenVolumeID: return (Self.newName, Self.volumeID)
        case .extraGiven: return (Self.extraName, "vol-0bbbbbbbbbbbbbbbb")
        }
    }
    /// The store cannot mount while A, which holds part of it, is not attached.
    var storeMounted: Bool { !(volumeInStore && volume == .missing) }
    /// The run's --keep-image.
    var keepFlag: Bool { keep == .yes || keep == .addedOnReRun }
    /// The journal's keepImage.
    var keepRecorded: Bool { keep == .yes || keep == .keptThenForgotten }

    static func all(_ method: MigrationMethod) -> [MigrationCell] {
        let phases = [Phase.none] + method.failpoints.map(Phase.after) + (method == .replace ? [.replacing] : [])
        return phases.flatMap { phase in
            Volume.allCases.flatMap { volume in
                Image.allCases.flatMap { image in
                    Fstab.allCases.flatMap { fstab in
                        Keep.allCases.flatMap { keep in
                            formats(method, phase).map {
                                MigrationCell(method: method, phase: phase, volume: volume, image: image, fstab: fstab, keep: keep, journalFormat: $0)
                            }
                        }
                    }
                }
            }
        }
    }

    /// A journal by name only is from before replace; without a journal there is no format.
    static func formats(_ method: MigrationMethod, _ phase: Phase) -> [JournalFormat] {
        method == .addRemove && phase != .none && phase != .after("finish") ? JournalFormat.allCases : [.identity]
    }

    /// What `Migrator.observe` reads in this cell: the kernel's state after the phase.
    func observation() -> MigrationObservation {
        var o = MigrationObservation.fixture(mountpoint: "/var/lib/docker", mounted: storeMounted, fstype: storeMounted ? "btrfs" : nil,
                                     uuid: storeMounted ? "u" : nil, targetPath: given.path)
        o.targetVolumeID = given.volumeID
        o.targetSize = volumeSize
        o.imageExists = image != .deleted
        o.fstab = Array((Self.rootLine + [Fstab.image: Self.imageLine, .uuid: Self.uuidLine, .none: ""][fstab, default: ""]).utf8)
        if journalOpen {
            let byIdentity = journalFormat == .identity
            var journal = MigrationJournal(image: HostPaths.defaultImage.string, device: Self.oldName, filesystemUUID: byIdentity ? "u" : nil,
                                           volumeID: byIdentity ? Self.volumeID : nil, keepImage: keepRecorded,
                                           method: byIdentity ? method : nil)
            journal.phase = phase == .after("journal") ? "moving" : "under way"
            o.journal = journal
        }
        guard storeMounted else { return o }
        if loopInStore {
            let loop = BtrfsReading.Device(devid: 1, path: Self.loopPath, size: shrunk ? volumeSize : Self.imageSize, used: Self.used)
            o.members.append(loop)
            if image == .present {
                o.loopMember = loop
                o.image = HostBacking(image: "/var/lib/docker-storage.btrfs", apparentBytes: Self.imageSize, allocatedBytes: Self.used,
                                      hostAvailableBytes: 20 << 30)
                o.loopDeviceSize = Self.imageSize
            } else {
                o.orphanedLoopMember = loop
            }
        }
        if volumeInStore, let path = volumePath {
            // Add takes the whole device; replace makes A devid 1 with the shrunk size, which is A's.
            let member = BtrfsReading.Device(devid: method == .replace ? 1 : 2, path: path, size: volumeSize,
                                             used: loopInStore ? 0 : Self.used)
            o.members.append(member)
            if givenIsVolume { o.targetDevid = member.devid }
        }
        var staleTarget = false
        if method == .replace {
            if phase == .replacing {
                if rebooted {
                    // Since Linux 6.7 the target is not registered at boot: provision cancels the replace.
                    o.replace = BtrfsDeviceReplace.Status(state: .canceled)
                    staleTarget = givenIsVolume
                } else {
                    o.replace = BtrfsDeviceReplace.Status(state: .started, progress1000: 420)
                    o.replaceTarget = BtrfsReading.Device(devid: 0, path: Self.oldName, size: volumeSize)
                    o.targetIsReplaceTarget = givenIsVolume
                    o.exclusiveOperation = "device replace"
                }
            } else if reached("replace") {
                o.replace = BtrfsDeviceReplace.Status(state: .finished, progress1000: 1000)
            }
        }
        if o.targetDevid == nil && !o.targetIsReplaceTarget {
            let content: BlockContent = staleTarget ? .signature(type: "btrfs", uuid: "u", label: "docker") : .blank
            let name = String(given.path.split(separator: "/").last ?? "")
            o.target = DeviceObservation.fixture(device: ResolvedDevice(path: given.path, name: name, volumeID: EBSVolumeID(given.volumeID),
                                                                requested: volume == .renamedGivenVolumeID ? given.volumeID : given.path),
                                         kind: .blockDevice, size: volumeSize, content: content, newUUID: "n")
            o.targetIsStaleReplaceTarget = staleTarget
        }
        return o
    }
}
