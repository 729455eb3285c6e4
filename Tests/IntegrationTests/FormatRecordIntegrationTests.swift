import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// provision --device killed inside mkfs (issue 15 D10: a power cut at first boot while mkfs.btrfs
/// writes): the re-run finishes the format it began, by its write-ahead `FormatRecord`, and only
/// on the very device the record names, still holding nothing libblkid recognises.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FormatRecordIntegrationTests {
    /// A mkfs.btrfs first in PATH that formats with the real one, scratches the primary
    /// superblock's magic back to what mkfs.btrfs keeps there until its last write
    /// (BTRFS_MAGIC_TEMPORARY, so libblkid sees data no known signature describes), then kills
    /// dockstore (its parent) and itself with SIGKILL: a kill inside mkfs, every time.
    static func killingMkfs(_ root: TestRoot) throws -> [String: String] {
        let real = try root.sh("command -v mkfs.btrfs").trimmingCharacters(in: .whitespacesAndNewlines)
        let bin = root.path + "/.fakebin"
        try root.write(bin + "/mkfs.btrfs", """
            #!/bin/sh
            for a; do dev=$a; done
            '\(real)' "$@" || exit 1
            printf '!BHRfS_M' | dd of="$dev" bs=1 seek=65600 conv=notrunc status=none
            sync
            kill -9 $PPID
            kill -9 $$

            """)
        try root.sh("chmod 755 '\(bin)/mkfs.btrfs'")
        return ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")]
    }

    /// The record's fields these tests look at, read from the file as any reader would
    /// (and so this suite builds against a dockstore without the record, to show it fails there).
    struct Recorded: Decodable, Equatable {
        struct Identity: Decodable, Equatable {
            var volumeID: String?
            var loopFileInode: UInt64?
        }
        var identity: Identity
        var size: UInt64
        var filesystem: String
        var label: String
        var uuid: String
    }

    static let recordPath = "/var/lib/dockstore/format-record.json"

    static func record(_ root: TestRoot) throws -> Recorded? {
        guard let text = root.read(root.path + recordPath) else { return nil }
        return try JSONDecoder().decode(Recorded.self, from: Data(text.utf8))
    }

    /// Provisions `disk` with the killing mkfs; returns the record the killed run left.
    static func killInsideMkfs(_ root: TestRoot, _ disk: String) throws -> Recorded? {
        let crashed = try root.dockstore(["provision", "--device", disk], environment: try killingMkfs(root))
        #expect(crashed.signal == SIGKILL, "\(crashed.stderr)")
        #expect(BlockProbe.probe(disk) == .unrecognizedData)
        #expect(root.read(root.fstab) == nil, "the kill came before the fstab line")
        let recorded = try record(root)
        #expect(recorded != nil, "the killed run left its record")
        return recorded
    }

    @Test func theRerunFinishesTheFormatAKilledRunBegan() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let recorded = try Self.killInsideMkfs(root, disk)
            let rerun = try root.dockstore(["provision", "--device", disk])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let record = try #require(recorded)
            #expect(record.size == 512 << 20)
            #expect(record.filesystem == "btrfs" && record.label == "docker")
            #expect(record.identity.volumeID == nil && record.identity.loopFileInode != nil)
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(uuid == record.uuid, "formatted with the recorded UUID")
            #expect(try root.sh("blkid -s TYPE -o value \(disk)") == "btrfs\n")
            #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(record.uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"))
            #expect(root.mounts().map(\.source) == [disk])
            #expect(try Self.record(root) == nil, "the record is forgotten after the fstab line")
            #expect(try root.dockstore(["provision", "--device", disk]).stdout.contains("nothing to do"))
        }
    }

    @Test func dryRunShowsTheRecordBeforeTheFormat() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let result = try root.dockstore(["provision", "--device", disk, "--dry-run"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            let record = try #require(lines.firstIndex { $0.contains("record in \(root.path)/var/lib/dockstore/format-record.json, before formatting") })
            let format = try #require(lines.firstIndex { $0.contains("format \(disk) as btrfs") })
            let fstab = try #require(lines.firstIndex { $0.contains("/etc/fstab") })
            let forget = try #require(lines.firstIndex { $0.contains("remove \(root.path)/var/lib/dockstore/format-record.json: the format it records") })
            #expect(record < format && format < fstab && fstab < forget)
        }
    }

    /// After the kill, something changed that the record does not describe: refused as before,
    /// exit 2, nothing on disk changed, the device's ends untouched, the record kept.
    static let changes: [(String, String)] = [
        ("another loop over another file holding unknown data", "no known signature"),
        ("ext4 written on the device since", "holds a ext4 signature"),
        ("the device's size changed", "no known signature"),
    ]

    @Test(arguments: changes)
    func aChangeTheRecordDoesNotDescribeIsRefused(_ name: String, _ text: String) throws {
        try withTestRoot { root in
            var disk = try root.attachDisk(megabytes: 512)
            let record = try Self.killInsideMkfs(root, disk)
            switch name {
            case Self.changes[0].0:
                try root.sh("losetup -d \(disk)")
                disk = try root.attachDisk(megabytes: 512) { try root.sh("head -c 1048576 /dev/urandom | dd of='\($0)' conv=notrunc status=none") }
            case Self.changes[1].0:
                try root.sh("mkfs.ext4 -q -F \(disk)")
            default:
                let file = try root.sh("losetup -nO BACK-FILE \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
                try root.sh("truncate -s 600M '\(file)' && losetup -c \(disk)")
            }
            let before = root.snapshot()
            let ends = try root.ends(disk)
            let result = try root.dockstore(["provision", "--device", disk])
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(name): \(result.stderr)")
            #expect(result.stderr.contains(text) && result.stderr.contains(disk), "\(name): \(result.stderr)")
            #expect(root.changes(since: before) == [], "\(name)")
            #expect(try root.ends(disk) == ends, "\(name): the device is untouched")
            #expect(try Self.record(root) == record, "\(name): the record is kept")
        }
    }
}
