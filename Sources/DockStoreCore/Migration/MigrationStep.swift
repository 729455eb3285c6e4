/// One idempotent step of a migration.
public enum MigrationStep: AppliedStep, Equatable {
    case begin(journal: MigrationJournal)
    /// Shrink the image's btrfs device to `size` (the target's), so the replace can copy
    /// it: only chunks beyond that size move.
    case shrink(devid: UInt64, path: String, from: UInt64, to: UInt64, deviceUUID: String?, store: String)
    /// Replace the image's device with the target (start it, or wait for the one running).
    case replace(devid: UInt64, source: String, target: String, bytes: UInt64, deviceUUID: String?, store: String)
    /// `--abort` of a replace: cancel it; the store stays on the image.
    case cancelReplace(target: String)
    /// `--abort` after a shrink: grow the image's device back to the whole image.
    case growImage(devid: UInt64, path: String, deviceUUID: String?, store: String)
    case addDevice(path: String, store: String)
    case removeLoop(devid: UInt64, path: String, bytes: UInt64, deviceUUID: String?, store: String)
    /// `--abort`: move everything back onto the image and release the device.
    case removeDevice(devid: UInt64, path: String, bytes: UInt64, deviceUUID: String?, store: String)
    /// Drops the records of the store's canceled replace targets (`CanceledReplaceTarget`) once
    /// the store left the image: the partial copy a record describes is gone (the target took
    /// the store) or stands for nothing dockstore may reuse (the store is elsewhere).
    case forgetCanceled(devices: [String], store: String)
    case resize(path: String, store: String)
    /// Carries fstab as the plan read it (`FileBasis`): the write refuses a file changed since.
    /// With `dropIn`, it then removes the image store's mount unit drop-in (`MountDropIn`),
    /// whose condition names the image while the line now mounts the volume: in the same step,
    /// so a re-run after a kill between the two still plans it (`MigrationPlanner`).
    case writeFstab(bytes: [UInt8], line: String, basis: FileBasis, dropIn: MountDropInRemoval? = nil)
    /// Detaches the image's loop device once it is no longer part of the store `store`.
    case detachLoop(path: String, store: String)
    /// Renames the image to its `RetiredImage` name; the unlink comes after the move.
    /// `otherNames`: the file's other hard links when planned, which keep its bytes.
    case deleteImage(path: String, otherNames: UInt64 = 0)
    case finish

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case begin = "journal"
        case shrink
        case replace
        case cancelReplace = "cancel-replace"
        case growImage = "grow-image"
        case addDevice = "add-device"
        case removeLoop = "remove-loop"
        case removeDevice = "remove-device"
        case forgetCanceled = "forget-canceled"
        case resize
        case writeFstab = "fstab"
        case detachLoop = "detach-loop"
        case deleteImage = "delete-image"
        case finish

        /// Whether a move by `method` (or, with `abort`, its abort) runs this kind of step.
        public func runs(_ method: MigrationMethod, abort: Bool) -> Bool {
            switch (self, method) {
            case (.begin, _), (.forgetCanceled, _), (.resize, _), (.writeFstab, _), (.detachLoop, _), (.deleteImage, _): return !abort
            case (.finish, _): return true
            case (.shrink, .replace), (.replace, .replace), (.addDevice, .addRemove), (.removeLoop, .addRemove): return !abort
            case (.cancelReplace, .replace), (.growImage, .replace), (.removeDevice, .addRemove): return abort
            default: return false
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .begin: return .begin
        case .shrink: return .shrink
        case .replace: return .replace
        case .cancelReplace: return .cancelReplace
        case .growImage: return .growImage
        case .addDevice: return .addDevice
        case .removeLoop: return .removeLoop
        case .removeDevice: return .removeDevice
        case .forgetCanceled: return .forgetCanceled
        case .resize: return .resize
        case .writeFstab: return .writeFstab
        case .detachLoop: return .detachLoop
        case .deleteImage: return .deleteImage
        case .finish: return .finish
        }
    }

    /// The migrator names the journal, the store's mountpoint and the image.
    public typealias Context = Migrator

    public func plannedWrites(_ migrator: Migrator) throws -> [WritePreflight.PlannedWrite] {
        let host = migrator.host
        switch self {
        case .begin(let journal):
            return [.at(MigrationJournal.path, on: host, bytes: try journal.encoded().count).renaming(MigrationJournal.path, on: host, backup: false)]
        case .writeFstab(let bytes, _, _, let dropIn):
            return [.at(HostPaths.fstab, on: host, bytes: bytes.count).renaming(HostPaths.fstab, on: host, backup: true)]
                + (dropIn.map { [.removal($0.path, on: host)] } ?? [])
        case .deleteImage:
            return [WritePreflight.PlannedWrite.removal(migrator.image, on: host).renaming(RetiredImage(host: host, image: migrator.image).path, on: host, backup: false)]
        default: return []
        }
    }

    public var description: String {
        switch self {
        case .begin(let journal): return "record the migration onto \(journal.deviceLabel) (btrfs \(journal.filesystemUUID ?? "?")) in the journal"
        case .shrink(let devid, let path, let from, let to, _, _):
            return "shrink btrfs on \(path) (devid \(devid)) from \(ByteSize.format(from)) to \(ByteSize.format(to)), the target's size (only chunks beyond it move)"
        case .replace(let devid, let source, let target, let bytes, _, _):
            return "replace \(source) (devid \(devid)) with \(target), copying \(ByteSize.format(bytes)) of chunks (waits for a replace already running)"
        case .cancelReplace(let target): return "cancel the device replace onto \(target); the store stays on the image"
        case .growImage(let devid, let path, _, _): return "grow btrfs on \(path) (devid \(devid)) back to the whole image"
        case .addDevice(let path, _): return "add \(path) to the mounted btrfs"
        case .removeLoop(let devid, let path, let bytes, _, _):
            return "remove \(path) (devid \(devid)) from it, moving \(ByteSize.format(bytes)) of chunks onto the new device"
        case .removeDevice(let devid, let path, let bytes, _, _):
            return "remove \(path) (devid \(devid)) again, moving \(ByteSize.format(bytes)) of chunks back onto the image"
        case .forgetCanceled(let devices, _):
            return "forget the canceled replace target\(devices.count == 1 ? "" : "s") \(devices.joined(separator: ", ")) recorded for this store (the store left the image: no partial copy of it is reused again)"
        case .resize(let path, _): return "grow btrfs on \(path) to the whole device"
        case .writeFstab(_, let line, _, let dropIn):
            return "fstab: mount by UUID: '\(line)'" + (dropIn.map { "; remove \($0.shown): its condition on the image would hold back the volume's mount" } ?? "")
        case .detachLoop(let path, _): return "detach \(path)"
        case .deleteImage(let path, let others) where others > 0:
            return "delete \(path) (renamed to \(path)\(RetiredImage.suffix) now; its blocks stay, kept by the file's \(others) other name(s))"
        case .deleteImage(let path, _): return "delete \(path) (renamed to \(path)\(RetiredImage.suffix) now, its blocks freed after the move)"
        case .finish: return "close the journal"
        }
    }
}

/// The mount unit drop-in migrate-ebs removes with its fstab step, as the plan read it.
public struct MountDropInRemoval: Sendable, Equatable {
    public var path: HostPath
    public var shown: String
    public var basis: FileBasis
}
