import Testing
@testable import DockStoreCore

/// provision --device and the write-ahead record of its format (`FormatRecord`): a blank device
/// with an identity gets the record before mkfs; a re-run after a kill inside mkfs formats the
/// device again only while the record names its identity, size and format; anything else it
/// holds is refused as before; the record is forgotten after the fstab line.
@Suite struct FormatRecordPlannerTests {
    static let host = DevicePlannerTests.host
    static let newUUID = "11111111-2222-4333-8444-555555555555"
    static let recordedUUID = "99999999-8888-4777-8666-555555555555"
    static let loop = ResolvedDevice(path: "/dev/loop7", name: "loop7", volumeID: nil, requested: "/dev/loop7")
    static let identity = DeviceIdentity(loopFileDevice: 2049, loopFileInode: 1234, loopOffset: 0, loopSizeLimit: 0)
    static let size: UInt64 = 512 << 20
    static let record = FormatRecord(identity: identity, size: size, filesystem: "btrfs", label: "docker", uuid: recordedUUID, device: "/dev/loop7")

    /// `temporary`: the fsid of the temporary btrfs superblock the device carries (mkfs.btrfs's
    /// early write); by default the recorded UUID's when the device holds unknown data.
    static func observed(_ content: BlockContent, record: FormatRecord? = record, identity: DeviceIdentity? = identity,
                         temporary: String?? = .none, recordDeviceNow: [String] = []) -> ProvisionObservation {
        var d = DeviceObservation.fixture(device: loop, kind: .blockDevice, size: size, content: content, newUUID: newUUID)
        d.identity = identity
        d.formatRecord = record
        d.formatRecordDeviceNow = recordDeviceNow
        d.temporaryBtrfsFSID = temporary ?? (content == .unrecognizedData ? recordedUUID : nil)
        return ProvisionObservation.fixture(mountpoint: .emptyFolder, device: d)
    }

    static func changed(_ change: (inout FormatRecord) -> Void) -> FormatRecord {
        var r = record
        change(&r)
        return r
    }

    static let request: ProvisionRequest = (try? ProvisionRequest(device: DeviceRequest(spec: .path("/dev/loop7")))) ?? { fatalError() }()
    static let forced: ProvisionRequest = (try? ProvisionRequest(device: DeviceRequest(spec: .path("/dev/loop7"), force: true))) ?? { fatalError() }()

    static let recorded = ["format-record", "format-device", "mount", "fstab", "forget-format-record", "drop-in", "sysconfig"]
    static let resumed = ["format-device", "mount", "fstab", "forget-format-record", "drop-in", "sysconfig"]
    static let refusedData = "no known signature"
    static let superseding = ["format-device", "mount", "fstab", "forget-format-record", "drop-in", "sysconfig"]

    /// (name, observation, --force, step ids or nil for a refusal, the UUID formatted and written to fstab, refusal text)
    static let table: [(String, ProvisionObservation, Bool, [String]?, String?, String)] = [
        ("blank, no record: recorded, then formatted", observed(.blank, record: nil), false, recorded, newUUID, ""),
        ("blank, a record of another device not attached, under another name: replaced",
         observed(.blank, record: changed { $0.identity.loopFileInode = 99; $0.device = "/dev/loop2" }), false, recorded, newUUID, ""),
        // Attack 33 U F1: after a reboot the name given (the one the record names) is another device's.
        ("blank, a record of another device under this name: refused",
         observed(.blank, record: changed { $0.identity.loopFileInode = 99 }), false, nil, nil,
         "refusing: a provision --device of /dev/loop7 as recorded (a loop device over the file with device 2049, inode 99, offset 0; not attached now) was killed before it finished (/var/lib/dockstore/format-record.json records it), and /dev/loop7 is another device now (a loop device over the file with device 2049, inode 1234, offset 0), which took the recorded name; nothing was changed: attach it and finish that format with dockstore provision --device ITS-DEVICE, or, to format /dev/loop7 instead, remove /var/lib/dockstore/format-record.json and re-run"),
        ("blank, a record of another device attached under another name: refused",
         observed(.blank, record: changed { $0.identity.loopFileInode = 99; $0.device = "/dev/loop2" }, recordDeviceNow: ["/dev/loop3"]), false, nil, nil,
         "refusing: a provision --device of /dev/loop3 (recorded as /dev/loop2: a reboot renamed it) was killed before it finished (/var/lib/dockstore/format-record.json records it), and /dev/loop7 is another device; nothing was changed: finish that format with dockstore provision --device /dev/loop3, or, to format /dev/loop7 instead, remove /var/lib/dockstore/format-record.json and re-run"),
        ("blank, no identity: formatted without a record", observed(.blank, record: nil, identity: nil), false,
         ["format-device", "mount", "fstab", "drop-in", "sysconfig"], newUUID, ""),
        ("blank again, its record there: the recorded UUID", observed(.blank), false, resumed, recordedUUID, ""),
        ("killed inside mkfs: finished with the recorded UUID", observed(.unrecognizedData), false, resumed, recordedUUID, ""),
        ("killed inside mkfs, --force: the same", observed(.unrecognizedData), true, resumed, recordedUUID, ""),
        ("killed inside mkfs, its temporary superblock's fsid in upper case", observed(.unrecognizedData, temporary: recordedUUID.uppercased()), false, resumed, recordedUUID, ""),
        // The record alone is never proof (attack 8, F1 and F2): the device must carry mkfs.btrfs's
        // temporary superblock with the recorded UUID.
        ("record + temporary superblock of another fsid", observed(.unrecognizedData, temporary: newUUID), false, nil, nil, refusedData),
        ("record + no temporary superblock (random data written after the kill, or another file at the inode)",
         observed(.unrecognizedData, temporary: .some(nil)), false, nil, nil, refusedData),
        // The forced format supersedes whatever record is there (this device's or another's): it
        // is forgotten after the fstab line, as the unforced path forgets its own.
        ("record + no temporary superblock, --force: wiped with a new UUID, the record forgotten", observed(.unrecognizedData, temporary: .some(nil)), true,
         superseding, newUUID, ""),
        ("ext4 since, record names it, --force: the record forgotten", observed(.signature(type: "ext4", uuid: "e", label: nil)), true, superseding, newUUID, ""),
        ("ext4, a record of another device, --force: the record forgotten",
         observed(.signature(type: "ext4", uuid: "e", label: nil), record: changed { $0.identity.loopFileInode = 99 }), true, superseding, newUUID, ""),
        ("no record + temporary superblock", observed(.unrecognizedData, record: nil, temporary: recordedUUID), false, nil, nil, refusedData),
        ("an ext4 record + a temporary btrfs superblock of its UUID: ext4 is never resumed",
         observed(.unrecognizedData, record: changed { $0.filesystem = "ext4" }, temporary: recordedUUID), false, nil, nil, refusedData),
        ("unknown data, the record names another file's loop", observed(.unrecognizedData, record: changed { $0.identity.loopFileInode = 99 }), false, nil, nil, refusedData),
        ("unknown data, the record names another offset", observed(.unrecognizedData, record: changed { $0.identity.loopOffset = 4096 }), false, nil, nil, refusedData),
        ("unknown data, the record names another size", observed(.unrecognizedData, record: changed { $0.size = 1 << 30 }), false, nil, nil, refusedData),
        ("unknown data, the record names xfs", observed(.unrecognizedData, record: changed { $0.filesystem = "xfs" }), false, nil, nil, refusedData),
        ("unknown data, the record names another label", observed(.unrecognizedData, record: changed { $0.label = "other" }), false, nil, nil, refusedData),
        ("unknown data, the record names an EBS volume", observed(.unrecognizedData, record: changed { $0.identity = DeviceIdentity(volumeID: "vol-0abc1234def567890") }), false, nil, nil, refusedData),
        ("unknown data, no identity, a record", observed(.unrecognizedData, identity: nil), false, nil, nil, refusedData),
        ("unknown data, no record", observed(.unrecognizedData, record: nil), false, nil, nil, refusedData),
        ("ext4 since, record names it", observed(.signature(type: "ext4", uuid: "e", label: nil)), false, nil, nil, "holds a ext4 signature"),
        ("the recorded btrfs with another label", observed(.signature(type: "btrfs", uuid: recordedUUID, label: "data")), false, nil, nil, "holds a btrfs signature"),
        ("a gpt since, record names it", observed(.partitionTable("gpt")), false, nil, nil, "gpt partition table"),
        ("ambivalent, record names it", observed(.ambivalent), false, nil, nil, "more than one signature"),
        ("unreadable, record names it", observed(.unreadable("EIO")), false, nil, nil, "unreadable"),
        ("the finished format: used, record forgotten", observed(.signature(type: "btrfs", uuid: recordedUUID, label: "docker")), false,
         ["mount", "fstab", "forget-format-record", "drop-in", "sysconfig"], recordedUUID, ""),
        ("another docker btrfs: used, the record kept", observed(.signature(type: "btrfs", uuid: "other", label: "docker")), false,
         ["mount", "fstab", "drop-in", "sysconfig"], "other", ""),
    ]

    @Test(arguments: table)
    func decides(_ name: String, _ observed: ProvisionObservation, _ force: Bool, _ expected: [String]?, _ uuid: String?, _ fragment: String) {
        do {
            let plan = try ProvisionPlanner.plan(observed, force ? Self.forced : Self.request, Self.host)
            #expect(plan.steps.map(\.id) == expected, "\(name)")
            for step in plan.steps {
                if case .formatDevice(_, let formatted, let wipe, _) = step {
                    #expect(formatted == uuid, "\(name)")
                    #expect(wipe == (observed.device?.content != .blank), "\(name)")
                }
                if case .forgetFormat(let forgotten, let superseded) = step {
                    #expect(forgotten == (superseded ? Self.recordedUUID : uuid), "\(name)")
                    #expect(superseded == (force && uuid != Self.recordedUUID), "\(name)")
                }
                if case .recordFormat(let written, _) = step {
                    #expect(written == FormatRecord(identity: Self.identity, size: Self.size, filesystem: "btrfs", label: "docker", uuid: Self.newUUID, device: "/dev/loop7"), "\(name)")
                }
                if case .writeFstab(let bytes, _, _) = step, let uuid {
                    #expect(String(decoding: bytes, as: UTF8.self).contains("UUID=\(uuid) /var/lib/docker btrfs"), "\(name)")
                }
            }
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): refused unexpectedly: \(error.message)")
            #expect(error.kind == .refused, "\(name)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    /// A formatted device's planner, its record there: --force wiping data writes no record.
    @Test func forceWipingDataWritesNoRecord() throws {
        let plan = try ProvisionPlanner.plan(Self.observed(.signature(type: "ext4", uuid: "e", label: nil), record: nil), Self.forced, Self.host)
        #expect(plan.steps.map(\.id) == ["format-device", "mount", "fstab", "drop-in", "sysconfig"])
    }

    /// At the format: data no signature describes is formatted without --force only while the
    /// record still names the device (read again then).
    @Test(arguments: [(true, FormatRecheck.Action?.some(.wipeThenFormat)), (false, nil)])
    func theRecordAtTheFormat(_ recorded: Bool, _ action: FormatRecheck.Action?) {
        let outcome = Result {
            try FormatRecheck.device(.unrecognizedData, filesystem: .btrfs, label: "docker", uuid: "u", wipe: true, forced: false, device: "/dev/loop7",
                                     isCanceledTarget: { false }, isRecordedFormat: { recorded })
        }
        switch outcome {
        case .success(let got): #expect(got == action)
        case .failure(let error): #expect(action == nil && "\(error)".contains("unfinished format dockstore recorded"), "\(error)")
        }
    }

    /// The proof a record needs: a btrfs format, the temporary superblock's fsid equal to its UUID.
    @Test func theProofIsTheTemporarySuperblocksFSID() {
        #expect(Self.record.isProven(byTemporaryFSID: Self.recordedUUID))
        #expect(Self.record.isProven(byTemporaryFSID: Self.recordedUUID.uppercased()))
        #expect(!Self.record.isProven(byTemporaryFSID: nil))
        #expect(!Self.record.isProven(byTemporaryFSID: Self.newUUID))
        #expect(!Self.changed { $0.filesystem = "xfs" }.isProven(byTemporaryFSID: Self.recordedUUID))
    }

    @Test func theRecordReadsBackAndADamagedOneRefuses() throws {
        let bytes = try Self.record.encoded()
        #expect(try FormatRecord.decode(bytes, shownAs: "/r") == Self.record)
        #expect(throws: DockStoreError.self) { try FormatRecord.decode(Array("{\"size\":1}".utf8), shownAs: "/r") }
    }
}
