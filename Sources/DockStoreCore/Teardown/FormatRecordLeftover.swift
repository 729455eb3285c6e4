/// The write-ahead record of a format (`FormatRecord`) that teardown finds: a `provision
/// --device` killed inside mkfs left it, and the admin tears down instead of re-running
/// provision. It is dockstore's own state, so teardown removes it (the `forget-format-record`
/// step, before the folders, so that /var/lib/dockstore can go), while its name is still the
/// file observed here (device, inode). The device it names is left as it is: its half-made
/// format was never proven to be the store.
///
/// Read inside --root, no link followed; a file teardown cannot read as a format record is
/// refused before anything changes, as provision refuses it.
public struct FormatRecordLeftover: Sendable, Equatable {
    public var record: FormatRecord
    /// The record's file as teardown looked at it: only this file is removed.
    public var file: FileIdentity
    /// The devices with the recorded identity now (`DeviceIdentity.currentDevices`): a reboot
    /// may have given the recorded name to another device (attack 15, C13).
    public var currentNames: [String]

    public init(record: FormatRecord, file: FileIdentity, currentNames: [String] = []) {
        self.record = record
        self.file = file
        self.currentNames = currentNames
    }

    /// The record and its file; nil when there is none.
    public static func observe(host: Host) throws -> FormatRecordLeftover? {
        let path = FormatRecord.path
        let shown = host.real(path)
        guard let before = try host.statusInRoot(path) else { return nil }
        // FileContents.read refuses a link or anything but a regular file, in words of its own.
        guard let bytes = try FileContents.read(path, on: host) else { return nil }
        guard let after = try host.statusInRoot(path), after.kind == .regular, FileIdentity(after) == FileIdentity(before) else {
            throw DockStoreError.refused("\(shown) changed while teardown read it; nothing was changed: re-run teardown")
        }
        let record: FormatRecord
        do {
            record = try FormatRecord.decode(bytes, shownAs: shown)
        } catch {
            // Teardown's own words: provision's say what a re-run of provision then does.
            throw DockStoreError.refused("\(shown) is not a format record dockstore can read, so teardown cannot tell what it is; nothing was changed: look at it, and move it away if nothing needs it, then re-run teardown")
        }
        return FormatRecordLeftover(record: record, file: FileIdentity(after), currentNames: try record.identity.currentDevices())
    }
}

extension TeardownStep {
    /// The record is removed only while its name is still the file teardown read; one gone
    /// since needs nothing (the action finds nothing).
    static func recheckFormatRecord(_ host: Host, _ file: FileIdentity) throws {
        let shown = host.real(FormatRecord.path)
        guard let status = try host.statusInRoot(FormatRecord.path) else { return }
        guard status.kind == .regular, FileIdentity(status) == file else {
            throw DockStoreError.refused("\(shown) is another file than the format record teardown read (it was replaced); not removing it: look at it and re-run teardown")
        }
    }
}

extension TeardownPlanner {
    /// `--wipe-device` with no store to wipe but a format record: the device it names holds a
    /// format a killed provision began, which nothing proves is the store (no fstab line, no
    /// mount names it), so teardown wipes nothing, as for any device it cannot tie to the store.
    /// When the store is the image (mounted, or its file there: an image provision ran after
    /// the killed one), the message says so, and does not advise `provision --device`, which
    /// the image's store refuses (attack 8 F9).
    static func halfMadeFormatRefusal(_ o: TeardownObservation, _ found: FormatRecordLeftover, _ request: TeardownRequest, _ host: Host) -> DockStoreError {
        let record = found.record
        let device = record.deviceArgument(found.currentNames)
        let half = "\(record.whereNow(found.currentNames)) holds only the start of a format a killed provision began (\(host.real(FormatRecord.path))), which is not proven to be the store: nothing was changed"
        let store: String?
        if let mounted = o.mounted {
            store = "the store mounted at \(host.real(request.mountpoint)) is the image \(host.real(request.image)) (\(mounted.source)), which has no device to wipe"
        } else if o.imageExists {
            store = "the store is the image \(host.real(request.image)), which has no device to wipe"
        } else {
            store = nil
        }
        guard let store else {
            return .refused("--wipe-device: nothing is mounted at \(host.real(request.mountpoint)) and fstab names no device, so there is no store to wipe; \(half): run dockstore provision --device \(device) to finish it, or teardown without --wipe-device and wipefs -a \(device) yourself if that is what you want")
        }
        return .refused("--wipe-device: \(store); \(half): run teardown without --wipe-device (it takes down the image's store and removes the record), then wipefs -a \(device) yourself if that is what you want")
    }
}
