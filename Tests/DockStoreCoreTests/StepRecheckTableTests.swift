#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DockStoreCore

/// The pure parts of the re-checks provision, migrate-ebs and grow run at the moment a
/// destructive step acts: each state of the world at that moment → act, find done, or refuse.
@Suite struct StepRecheckTableTests {
    // MARK: migrate-ebs: the store and the member a step acts on

    static func reading(_ uuid: String, _ members: [(UInt64, String?)]) -> BtrfsReading {
        BtrfsReading(uuid: uuid, spaces: [], devices: members.map { devid, deviceUUID in
            var device = BtrfsReading.Device(devid: devid, path: "/dev/loop\(devid)", size: 1 << 30)
            device.deviceUUID = deviceUUID
            return device
        })
    }

    /// (case, what the kernel says now, planned devid, planned device UUID, refused with)
    static let members: [(String, BtrfsReading, UInt64?, String?, String?)] = [
        ("the store, the member as planned", reading("s", [(1, "d1"), (2, "d2")]), 1, "d1", nil),
        ("the store, the member as planned (UUIDs in upper case)", reading("S", [(1, "D1")]), 1, "d1", nil),
        ("the member is gone: the step finds its work done", reading("s", [(2, "d2")]), 1, "d1", nil),
        ("a step on the store alone", reading("s", [(1, "d1")]), nil, nil, nil),
        ("a plan that read no device UUID checks the store only", reading("s", [(1, "other")]), 1, nil, nil),
        ("another btrfs is mounted at the mountpoint", reading("other", [(1, "d1")]), 1, "d1", "is now other, not the store s"),
        ("another btrfs, a step on the store alone", reading("other", [(1, "d1")]), nil, nil, "is now other, not the store s"),
        ("the devid is another device now", reading("s", [(1, "d9")]), 1, "d1", "is now the device d9"),
        ("the devid's device UUID cannot be read", reading("s", [(1, nil)]), 1, "d1", "cannot read the device UUID of devid 1"),
    ]

    @Test(arguments: Self.members)
    func theStoreAndTheMember(_ name: String, _ now: BtrfsReading, _ devid: UInt64?, _ deviceUUID: String?, _ refusal: String?) {
        let outcome = Result { try StoreMemberRecheck.check(now, store: "s", devid: devid, deviceUUID: deviceUUID,
                                                            path: "/dev/loop1", mountpoint: "/var/lib/docker") }
        expect(outcome, refusal, name)
    }

    // MARK: provision --device: what the device holds at the format

    static let deviceContents: [(String, BlockContent, Bool, FormatRecheck.Action?, String?)] = [
        ("blank", .blank, false, .format, nil),
        ("blank, --force", .blank, true, .format, nil),
        ("the planned filesystem with the store's label: done", .signature(type: "btrfs", uuid: "u", label: "docker"), false, .done, nil),
        ("the planned filesystem, UUID in upper case: done", .signature(type: "btrfs", uuid: "U", label: "docker"), false, .done, nil),
        ("the store's label, another UUID: another run's format", .signature(type: "btrfs", uuid: "v", label: "docker"), false, nil, "another run or program formatted it"),
        ("the store's label, another UUID, even with --force", .signature(type: "btrfs", uuid: "v", label: "docker"), true, nil, "another run or program formatted it"),
        ("the store's label, UUID not read", .signature(type: "btrfs", uuid: nil, label: "docker"), false, nil, "now holds"),
        ("btrfs labelled otherwise", .signature(type: "btrfs", uuid: "u", label: "data"), false, nil, "now holds"),
        ("ext4 appeared", .signature(type: "ext4", uuid: "x", label: nil), false, nil, "now holds"),
        ("ext4 appeared, --force wipes", .signature(type: "ext4", uuid: "x", label: nil), true, .wipeThenFormat, nil),
        ("a partition table", .partitionTable("gpt"), false, nil, "now holds"),
        ("a partition table, --force wipes", .partitionTable("gpt"), true, .wipeThenFormat, nil),
        ("unrecognised data", .unrecognizedData, false, nil, "now holds"),
        ("ambivalent, even with --force", .ambivalent, true, nil, "refusing"),
        ("unreadable, even with --force", .unreadable("EIO"), true, nil, "refusing"),
    ]

    @Test(arguments: Self.deviceContents)
    func theDeviceAtTheFormat(_ name: String, _ content: BlockContent, _ wipe: Bool, _ action: FormatRecheck.Action?, _ refusal: String?) {
        let outcome = Result {
            try FormatRecheck.device(content, filesystem: .btrfs, label: "docker", uuid: "u", wipe: wipe, forced: wipe, device: "/dev/loop7",
                                     isCanceledTarget: { Issue.record("\(name): --force never asks for the canceled target's record"); return false })
        }
        expect(outcome, refusal, name)
        if let action { #expect((try? outcome.get()) == action, "\(name)") }
    }

    /// A wipe planned without --force: only for a canceled replace's partial copy, still as its record says.
    static let canceledTargets: [(String, BlockContent, Bool, FormatRecheck.Action?, String?)] = [
        ("the canceled copy, as recorded", .unrecognizedData, true, .wipeThenFormat, nil),
        ("unrecognised data the record no longer matches", .unrecognizedData, false, nil, "no longer the partial copy"),
        ("ext4 written since, record or not", .signature(type: "ext4", uuid: "x", label: nil), true, nil, "no longer the partial copy"),
        ("a partition table written since", .partitionTable("gpt"), true, nil, "no longer the partial copy"),
        ("blank now: formats, no wipe", .blank, true, .format, nil),
    ]

    @Test(arguments: Self.canceledTargets)
    func aCanceledReplacesTargetAtTheFormat(_ name: String, _ content: BlockContent, _ recorded: Bool,
                                           _ action: FormatRecheck.Action?, _ refusal: String?) {
        let outcome = Result {
            try FormatRecheck.device(content, filesystem: .btrfs, label: "docker", uuid: "u", wipe: true, forced: false, device: "/dev/loop7",
                                     isCanceledTarget: { recorded })
        }
        expect(outcome, refusal, name)
        if let action { #expect((try? outcome.get()) == action, "\(name)") }
    }

    // MARK: provision: the image at the format

    static let imageContents: [(String, BlockContent, FormatRecheck.Action?)] = [
        ("blank", .blank, .format),
        ("the planned btrfs: done", .signature(type: "btrfs", uuid: "1234-abcd", label: "docker"), .done),
        ("the planned btrfs, UUID in upper case", .signature(type: "btrfs", uuid: "1234-ABCD", label: "docker"), .done),
        ("another btrfs", .signature(type: "btrfs", uuid: "9999", label: "docker"), nil),
        ("a btrfs whose UUID was not read", .signature(type: "btrfs", uuid: nil, label: nil), nil),
        ("xfs", .signature(type: "xfs", uuid: "1234-abcd", label: nil), nil),
        ("unrecognised data", .unrecognizedData, nil),
        ("unreadable", .unreadable("EIO"), nil),
    ]

    @Test(arguments: Self.imageContents)
    func theImageAtTheFormat(_ name: String, _ content: BlockContent, _ action: FormatRecheck.Action?) {
        let outcome = Result { try FormatRecheck.image(content, uuid: "1234-abcd", image: "/var/lib/docker-storage.btrfs") }
        expect(outcome, action == nil ? "not the blank file dockstore planned to format" : nil, name)
        if let action { #expect((try? outcome.get()) == action, "\(name)") }
    }

    // MARK: grow: the image behind the loop device, the store at the mountpoint

    static func file(_ kind: mode_t, device: UInt64, inode: UInt64) -> FileStatus {
        var st = stat()
        st.st_mode = kind | 0o600
        st.st_dev = __dev_t(device)
        st.st_ino = __ino_t(inode)
        return FileStatus(st)
    }

    static let loop = LoopDevice(path: "/dev/loop3", backingDevice: 8, backingInode: 42, backingName: "img", autoclear: false)

    static let images: [(String, LoopDevice?, FileStatus?, Bool)] = [
        ("the file the loop device reads", loop, file(S_IFREG, device: 8, inode: 42), true),
        ("another file took its name", loop, file(S_IFREG, device: 8, inode: 43), false),
        ("a file on another filesystem with the same inode", loop, file(S_IFREG, device: 9, inode: 42), false),
        ("a link took its name", loop, file(S_IFLNK, device: 8, inode: 42), false),
        ("the file is gone", loop, nil, false),
        ("the loop device was detached", nil, file(S_IFREG, device: 8, inode: 42), false),
    ]

    @Test(arguments: Self.images)
    func theImageBehindTheLoop(_ name: String, _ bound: LoopDevice?, _ file: FileStatus?, _ extends: Bool) {
        let outcome = Result { try GrowStep.checkImage("/var/lib/docker-storage.btrfs", behind: "/dev/loop3", bound: bound, file: file) }
        expect(outcome, extends ? nil : "no longer the file behind /dev/loop3", name)
    }

    static let stores: [(String, String?, String?, String?)] = [
        ("the planned store", "u", "u", nil),
        ("the planned store, UUID in upper case", "U", "u", nil),
        ("another btrfs", "other", "u", "btrfs other is mounted there now, not u"),
        ("no btrfs", nil, "u", "no btrfs is mounted there now"),
        ("a plan without the UUID", "u", nil, "its UUID was not read"),
    ]

    @Test(arguments: Self.stores)
    func theStoreAtTheResize(_ name: String, _ found: String?, _ planned: String?, _ refusal: String?) {
        expect(Result { try GrowStep.checkStore(found, planned: planned, mountpoint: "/var/lib/docker") }, refusal, name)
    }

    /// A refusal is `DockStoreError.refused` (exit 2) on one line with `refusal` in it; nil: no error.
    func expect<T>(_ outcome: Result<T, Error>, _ refusal: String?, _ name: String) {
        switch (outcome, refusal) {
        case (.success, nil): break
        case (.success, let refusal?): Issue.record("\(name): acted, expected a refusal with '\(refusal)'")
        case (.failure(let error), let refusal):
            guard let refusal, let error = error as? DockStoreError else { Issue.record("\(name): \(error)"); return }
            #expect(error.kind == .refused, "\(name): \(error)")
            #expect(error.message.contains(refusal), "\(name): \(error.message)")
            #expect(!error.message.contains("\n"), "\(name): one line")
        }
    }
}
