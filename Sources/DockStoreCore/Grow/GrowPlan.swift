/// What `dockstore grow` sees of the mounted store.
public struct GrowObservation: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var devid: UInt64
        public var path: String
        /// What btrfs uses of the device now.
        public var btrfsSize: UInt64
        /// The block device's size (BLKGETSIZE64).
        public var blockSize: UInt64
        /// For a loop device: its backing image.
        public var image: HostBacking?
        /// The --root the image lies outside of; nil when it lies inside (or on the running
        /// system). Extending it is refused at plan time, so a dry run refuses as the run does.
        public var imageOutsideRoot: String? = nil
        /// The largest file the image's filesystem allows, when that is less than `--to`
        /// (`LargestFile`); nil: it allows `--to`, or it could not be asked.
        public var imageLargestFile: UInt64? = nil
        /// Other loop devices over the image (`LoopDevice.siblings`): they keep their size when
        /// it grows, so each is then shorter than the store (attack 39 T F7: the next provision
        /// could not mount through one); the plan warns.
        public var imageSiblings: [SiblingLoop] = []
        /// Why the image cannot be extended in place (`InPlaceChange`: chattr +i or +a, a
        /// read-only filesystem); asked only when the plan extends it.
        public var imageUnchangeable: String? = nil
    }

    public var mountpoint: String
    public var fstype: String
    /// The btrfs's filesystem UUID (nil for another filesystem): the resize re-checks it.
    public var uuid: String?
    public var devices: [Device]
    /// A reclaim journal is open: a reclaim run lent the store temporary room it has not
    /// given back. Grow refuses then: the give-back would cut the store back to the size the
    /// journal recorded, undoing the growth.
    public var reclaimOpen = false
    /// Whether that run lent the store room (`ReclaimJournal.roomLent`); true unless read.
    public var reclaimRoomLent = true
    /// A migration journal is open (`MigrationJournal`): the move may shrink the image's device
    /// or replace it at any moment (attack 13 X9: grow extended the image, then failed against
    /// the running replace). Grow refuses then, nothing changed.
    public var migration: MigrationJournal? = nil
    /// The image store is thick (`--thick`): its image fully allocated and mounted without
    /// discard, as provision makes it. Grow preallocates the new range too, so the host still
    /// cannot run out under it.
    public var thick = false
    /// The store is read-only (statvfs's ST_RDONLY: mounted `ro`, or forced read-only by btrfs
    /// after an error), with `StoreCondition.ReadOnly`'s kind. Grow refuses then, nothing
    /// changed (attack 31 R 2b: it extended the image and the loop device, then the resize
    /// failed with EROFS).
    public var readOnly: StoreCondition.ReadOnly = .no

    public init(mountpoint: String, fstype: String, uuid: String?, devices: [Device]) {
        self.mountpoint = mountpoint
        self.fstype = fstype
        self.uuid = uuid
        self.devices = devices
    }
}

/// One idempotent step of growing.
public enum GrowStep: AppliedStep, Equatable {
    /// `preallocate`: the image is thick (`GrowObservation.thick`), the new range is fallocated.
    case extendImage(path: String, loop: String, from: UInt64, to: UInt64, preallocate: Bool = false)
    case refreshLoop(device: String)
    case resizeFilesystem(devid: UInt64, uuid: String?, from: UInt64, to: UInt64)

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case extendImage = "extend-image"
        case refreshLoop = "loop-capacity"
        case resizeFilesystem = "resize"
    }

    /// The grower names the mountpoint the re-checks look at.
    public typealias Context = Grower

    public var kind: Kind {
        switch self {
        case .extendImage: return .extendImage
        case .refreshLoop: return .refreshLoop
        case .resizeFilesystem: return .resizeFilesystem
        }
    }

    public var description: String {
        switch self {
        case .extendImage(let path, _, let from, let to, let preallocate):
            return "extend \(path) from \(ByteSize.format(from)) to \(ByteSize.format(to)) (\(preallocate ? "preallocated (fallocate), as the image was made --thick" : "sparse"))"
        case .refreshLoop(let device):
            return "tell \(device) its backing file grew (LOOP_SET_CAPACITY)"
        case .resizeFilesystem(let devid, _, let from, let to):
            return "resize btrfs device \(devid) from \(ByteSize.format(from)) to its full \(ByteSize.format(to))"
        }
    }
}

/// The pure decision behind `dockstore grow`.
public enum GrowPlanner {
    public static func plan(_ observed: GrowObservation, to target: UInt64?, allowOvercommit: Bool) throws -> (steps: [GrowStep], warnings: [String]) {
        guard observed.fstype == "btrfs" else {
            let tool = observed.fstype == "xfs" ? "xfs_growfs \(observed.mountpoint.shellWord)" : "resize2fs on its device"
            throw DockStoreError.refused("\(observed.mountpoint) is \(observed.fstype), not btrfs; grow it with \(tool)")
        }
        if observed.reclaimOpen {
            // Outside attack 14, X3: one wording, from the room itself, for every command.
            throw ReclaimJournal.openRefusal(lent: observed.reclaimRoomLent, journal: ReclaimJournal.path.string, then: "grow")
        }
        if let journal = observed.migration {
            let device = (journal.volumeID ?? journal.device).shellWord
            throw DockStoreError.refused("a migration of the store at \(observed.mountpoint) onto \(journal.deviceLabel) is open (phase: \(journal.phase), \(MigrationJournal.path.string)); grow changes nothing while it is: finish it (dockstore migrate-ebs \(device)) and grow the volume's store then, or abort it (dockstore migrate-ebs \(device) --abort) and grow the image")
        }
        if let refusal = observed.readOnly.refusal(observed.mountpoint, cannotBe: "grown") { throw refusal }
        guard observed.devices.count == 1, let device = observed.devices.first else {
            // No migration is open here (its refusal came first): devices added by hand (attack 53 W Z5a).
            let each = observed.devices.map { "\($0.devid) \($0.path)" }.joined(separator: ", ")
            throw DockStoreError.refused("\(observed.mountpoint) spans \(observed.devices.count) devices (devid \(each)), and grow grows a store of one; nothing was changed: move the store onto one (btrfs device remove DEVID \(observed.mountpoint.shellWord) for each other) and re-run, or grow each device yourself (btrfs filesystem resize DEVID:max \(observed.mountpoint.shellWord))")
        }
        var steps: [GrowStep] = []
        var warnings: [String] = []
        // A device smaller than the btrfs on it (attack 12, A1): said, never hidden behind the
        // device's size; only a size that covers the filesystem again is a repair.
        let shrunk = device.blockSize < device.btrfsSize || (device.image.map { $0.apparentBytes < device.btrfsSize } ?? false)
        if let image = device.image {
            // An image larger than its btrfs (a grow killed after extending it: attack 40 S F4):
            // a bare grow finishes it, to the image's size.
            let unfinished = !shrunk && image.apparentBytes > device.btrfsSize ? image.apparentBytes : nil
            guard let target = target ?? unfinished else {
                if shrunk {
                    throw DockStoreError.usage("the store is the image \(image.image) (\(ByteSize.format(image.apparentBytes))), but its btrfs claims \(ByteSize.format(device.btrfsSize)) on \(device.path): the image shrank under the filesystem; grow it back with --to \(LimitRules.exactSize(device.btrfsSize)) (or more)")
                }
                // Attack 55 A: after a grow that finished, a bare re-run read as a bad call; it says why.
                throw DockStoreError.usage("the store is the image \(image.image) (\(ByteSize.format(image.apparentBytes))), and its btrfs uses all of it: no grow is unfinished; give the new size with --to SIZE")
            }
            if shrunk, target < device.btrfsSize {
                throw DockStoreError.refused("refusing: the btrfs on \(device.path) claims \(ByteSize.format(device.btrfsSize)), more than --to \(ByteSize.format(target)); the image shrank under the filesystem and must hold at least that again: --to \(LimitRules.exactSize(device.btrfsSize)) (or more)")
            }
            if target < image.apparentBytes {
                throw DockStoreError.refused("refusing to shrink \(image.image) from \(ByteSize.format(image.apparentBytes)) to \(ByteSize.format(target)); dockstore only grows a store")
            }
            if target > image.apparentBytes, let largest = device.imageLargestFile, target > largest {
                throw DockStoreError.refused("refusing: the filesystem holding \(image.image) allows files of at most \(largest) bytes, less than --to \(ByteSize.format(target)) (\(target) bytes); nothing was changed: give --to \(LimitRules.exactSize((largest >> 20) << 20)) or less")
            }
            let promise = target > image.allocatedBytes ? target - image.allocatedBytes : 0
            if observed.thick, target > image.apparentBytes, image.hostAvailableBytes < promise {
                throw DockStoreError.refused("refusing: the image \(image.image) is preallocated (--thick, mounted nodiscard) and the host filesystem under it has \(ByteSize.format(image.hostAvailableBytes)) free, less than the \(ByteSize.format(promise)) growing it to \(ByteSize.format(target)) preallocates; nothing was changed: free space on the host or grow less")
            }
            if target > image.apparentBytes, image.hostAvailableBytes < promise {
                let text = "the host filesystem under \(image.image) has \(ByteSize.format(image.hostAvailableBytes)) free, less than the \(ByteSize.format(promise)) a \(ByteSize.format(target)) image could still claim"
                guard allowOvercommit else {
                    throw DockStoreError.refused("refusing: \(text); grow the root volume first, or pass --allow-overcommit")
                }
                warnings.append("\(text); growing anyway (--allow-overcommit)")
            }
            if target > image.apparentBytes {
                for sibling in device.imageSiblings where sibling.offset == nil {
                    warnings.append("\(image.image) is also attached to \(sibling.loop)\(sibling.mounted ? ", which is mounted" : ""): it keeps its size, so after the grow it is shorter than the store and cannot be mounted as it, and the next provision refuses while it is bound; whatever writes to it writes into the store: detach it (losetup -d \(sibling.loop))")
                }
                if let root = device.imageOutsideRoot {
                    throw Host.outsideRoot(verb: "extend", image.image, root: root, done: "extended")
                }
                if let obstacle = device.imageUnchangeable {
                    throw DockStoreError.refused("refusing: the image \(obstacle); nothing was changed")
                }
                steps.append(.extendImage(path: image.image, loop: device.path, from: image.apparentBytes, to: target, preallocate: observed.thick))
            }
            if max(target, image.apparentBytes) > device.blockSize {
                steps.append(.refreshLoop(device: device.path))
            }
            let newSize = max(target, image.apparentBytes)
            if newSize > device.btrfsSize {
                steps.append(.resizeFilesystem(devid: device.devid, uuid: observed.uuid, from: device.btrfsSize, to: newSize))
            }
        } else {
            if target != nil {
                throw DockStoreError.usage("--to is for an image store; a device store grows to the size of its device (enlarge the EBS volume first)")
            }
            if shrunk {
                throw DockStoreError.refused("refusing: \(device.path) holds \(ByteSize.format(device.blockSize)), less than the \(ByteSize.format(device.btrfsSize)) its btrfs claims (writes past its end fail and the next mount fails); grow the device back to at least \(device.btrfsSize) bytes, then run dockstore grow")
            }
            if device.blockSize > device.btrfsSize {
                steps.append(.resizeFilesystem(devid: device.devid, uuid: observed.uuid, from: device.btrfsSize, to: device.blockSize))
            }
        }
        return (steps, warnings)
    }
}
