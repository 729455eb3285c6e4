import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 item 7: dockstore killed (SIGKILL, `atomic-write:NAME`) inside the atomic write of
/// each file it keeps under --root, after the temp file is written and before the rename,
/// leaves that temp file; the next changing command removes it whichever file it writes (an
/// unrelated one: `backend btrfs --force`, or `grow` where backend would edit the file itself), and the command
/// that writes the file then leaves its folder holding exactly the file, its one backup where
/// it keeps one, and dockstore's other files there. The `/etc/fstab` and
/// `/etc/sysconfig/docker` cases are ByteExactIntegrationTests.aKilledWriteLeavesNothingAfterTheNextRun.
/// canceled-replace-targets.json, written only when a device replace is canceled mid-copy, has
/// a test of its own (`aKilledWriteOfTheCanceledReplaceRecord…`).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct WriteDebrisIntegrationTests {
    /// The file's folder, the command killed inside its write (after `prepare`), the command
    /// that writes it again, and that folder's exact listing afterwards.
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let folder: String
        let kill: [String]
        let rewrite: [String]
        let listing: [String]
        /// The unrelated changing command run in between.
        var unrelated = ["backend", "btrfs", "--force"]
        var description: String { name }
    }

    static let state = "/var/lib/dockstore"
    /// backend would take daemon.json's storage keys out itself, leaving provision nothing to
    /// write there: grow, on the store the killed provision mounted, writes none of the files.
    static let grow = ["grow", "--to", "512M"]
    static let cases: [Case] = [
        Case(name: "provision-folders", folder: state, kill: ["provision", "--size", "512M"], rewrite: ["provision"],
             listing: ["provision-folders"]),
        Case(name: "daemon.json.before-provision", folder: state, kill: ["provision", "--size", "512M"], rewrite: ["provision"],
             listing: ["daemon.json.before-provision", "provision-folders"], unrelated: grow),
        Case(name: "daemon.json", folder: "/etc/docker", kill: ["provision", "--size", "512M"], rewrite: ["provision"],
             listing: ["daemon.json", "daemon.json.dockstore.bak"], unrelated: grow),
        Case(name: "dockstore.conf", folder: "/etc/systemd/system/docker.service.d", kill: ["provision", "--size", "512M"],
             rewrite: ["provision"], listing: ["dockstore.conf"]),
        Case(name: "dockstore.disabled", folder: "/etc", kill: ["teardown", "--delete-image"], rewrite: ["teardown", "--delete-image"],
             listing: ["dockstore.disabled", "fstab", "fstab.dockstore.bak", "sysconfig"]),
        Case(name: "last-reclaim.json", folder: state, kill: ["reclaim"], rewrite: ["reclaim"],
             listing: ["last-reclaim.json", "provision-folders"]),
        Case(name: "reclaim.json", folder: state, kill: ["reclaim"], rewrite: ["reclaim"],
             listing: ["last-reclaim.json", "provision-folders"]),
        Case(name: "orphan-count", folder: state, kill: ["check"], rewrite: ["check"],
             listing: ["orphan-count", "provision-folders"]),
        Case(name: "device-errors", folder: state, kill: ["check"], rewrite: ["check"],
             listing: ["device-errors", "provision-folders"]),
        Case(name: "migration.json", folder: state, kill: ["migrate-ebs", "DISK", "--yes"], rewrite: ["migrate-ebs", "DISK", "--yes"],
             listing: ["provision-folders"]),
    ]

    /// The names in `folder` of the root, sorted.
    func listing(_ root: TestRoot, _ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path + folder)) ?? ["<unreadable>"]).sorted()
    }

    /// Brings the root to where the killed command writes the file; returns the disk a
    /// migration moves to, if any.
    func prepare(_ root: TestRoot, _ name: String) throws -> String? {
        try root.write(root.fstab, "# host\n")
        try root.write(root.sysconfig, DockerOptions.suseSysconfigTemplate)
        switch name {
        case "daemon.json.before-provision", "daemon.json":
            try root.write(root.path + "/etc/docker/daemon.json", CrashIntegrationTests.conflictingDaemonJSON)
        case "provision-folders":
            // The record goes by AtomicFile into a folder that is there; a missing one is made
            // with the record inside and renamed into place (FolderRecordNewFolderIntegrationTests).
            try root.sh("mkdir -p \(root.path)\(Self.state)")
        case "dockstore.conf":
            break
        default:
            let provision = try root.dockstore(["provision", "--size", "512M"])
            try #require(provision.status == 0, "\(provision.stderr)")
        }
        switch name {
        case "reclaim.json":
            // Something to reclaim, so the run journals itself.
            try root.exhaustMetadata(keepEvery: 4)
        case "orphan-count":
            // A subvolume to count, in folders older than the two seconds the count is kept for.
            let store = root.mountpoint
            try root.sh("""
                mkdir -p \(store)/btrfs/subvolumes \(store)/image/btrfs/layerdb/sha256 && btrfs subvolume create \(store)/btrfs/subvolumes/orphan >/dev/null \
                && touch -d '1 hour ago' \(store)/btrfs/subvolumes \(store)/image/btrfs/layerdb/sha256
                """)
        case "device-errors":
            // A checksum error, so check records the counters (CheckStateIntegrationTests).
            try root.sh("python3 -c 'import sys; sys.stdout.buffer.write(b\"DOCKSTORE-CORRUPT\" * 8000)' > \(root.mountpoint)/victim && sync && btrfs filesystem sync \(root.mountpoint)")
            let offset = try #require(Int(try root.sh("grep -obUa DOCKSTORE-CORRUPT \(root.image) | head -1 | cut -d: -f1").trimmingCharacters(in: .whitespacesAndNewlines)))
            try root.sh("printf XXXXXXXX | dd of=\(root.image) bs=1 seek=\(offset) conv=notrunc status=none && sync && echo 1 > /proc/sys/vm/drop_caches")
            #expect(try root.run("/bin/cat", [root.mountpoint + "/victim"]).status != 0, "the read fails its checksum")
        case "migration.json":
            return try root.attachDisk(megabytes: 1024)
        default: break
        }
        return nil
    }

    @Test(arguments: cases)
    func aKilledWriteLeavesOnlyTheFileAndItsBackup(_ c: Case) throws {
        try withTestRoot { root in
            let disk = try prepare(root, c.name)
            func command(_ words: [String]) -> [String] { words.map { $0 == "DISK" ? disk ?? $0 : $0 } }
            let temp = ".\(c.name).dockstore-"
            let killed = try root.dockstore(command(c.kill), environment: [Failpoint.variable: "atomic-write:\(c.name)"])
            try #require(killed.signal == SIGKILL, "\(c.name): killed inside the write: \(killed.status) \(killed.stdout) \(killed.stderr)")
            #expect(listing(root, c.folder).contains { $0.hasPrefix(temp) }, "\(c.name): the kill left the temp file: \(listing(root, c.folder))")

            let unrelated = try root.dockstore(c.unrelated)
            #expect(unrelated.status == 0, "\(c.name): \(unrelated.stdout) \(unrelated.stderr)")
            #expect(!listing(root, c.folder).contains { $0.hasPrefix(".") }, "\(c.name): \(c.unrelated[0]) removed the temp file: \(listing(root, c.folder))")

            let again = try root.dockstore(command(c.rewrite))
            #expect(again.status == 0 || (c.rewrite == ["check"] && again.signal == nil), "\(c.name): \(again.stdout) \(again.stderr)")
            #expect(listing(root, c.folder) == c.listing, "\(c.name)")
        }
    }

    /// The sweep opens each folder inside --root (`Host.openInRoot`, one openat2 call, so no
    /// link swapped in between resolving and opening can lead out): with /var/lib an absolute
    /// link to a folder outside the root, a dead process's temp file of the folder record there
    /// (in the outside folder's dockstore/) is neither read nor removed; the same file inside
    /// the root, where the link leads once resolved in it, is removed.
    @Test func theSweepNeverLeavesTheRoot() throws {
        try withTestRoot { root in
            let outside = root.path + ".outside"
            defer { _ = try? root.run("/bin/rm", ["-rf", "--one-file-system", outside]) }
            let dead = ".provision-folders.dockstore-4194401-0"
            try root.write(root.sysconfig, DockerOptions.suseSysconfigTemplate)
            try root.write(outside + "/dockstore/" + dead, "outside\n")
            try root.write(root.path + outside + "/dockstore/" + dead, "inside\n")
            try root.sh("rm -r '\(root.path)/var/lib' && ln -s '\(outside)' '\(root.path)/var/lib'")
            let run = try root.dockstore(["backend", "btrfs", "--force"])
            #expect(run.signal == nil, "\(run.stdout) \(run.stderr)")
            #expect(root.read(outside + "/dockstore/" + dead) == "outside\n", "the file outside --root stays")
            #expect(listing(root, outside + "/dockstore") == [], "the file the link leads to inside --root is removed")
        }
    }

    /// `migrate-ebs --abort` of a replace killed mid-copy (MigrationReplaceIntegrationTests'
    /// way), itself killed inside the write of canceled-replace-targets.json: the re-run of the
    /// abort finishes it and leaves /var/lib/dockstore holding no temp file. It holds no record
    /// either: the kill came after the cancel, and the re-run sees no running replace to record,
    /// so the target counts as data again (the safe side; a later migrate-ebs onto it refuses).
    @Test func aKilledWriteOfTheCanceledReplaceRecordLeavesNoTempFile() throws {
        try withTestRoot { root in
            let replace = MigrationReplaceIntegrationTests()
            _ = try replace.base.layeredStore(root, megabytes: 512, snapshots: 3)
            let disk = try replace.slowDisk(root)
            let process = try replace.base.startMigration(root, disk)
            try replace.waitForTheReplace(root, then: 50_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let name = CanceledReplaceTarget.path.lastComponent
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"], environment: [Failpoint.variable: "atomic-write:\(name)"])
            try #require(killed.signal == SIGKILL, "killed inside the write: \(killed.status) \(killed.stdout) \(killed.stderr)")
            #expect(listing(root, Self.state).contains { $0.hasPrefix(".\(name).dockstore-") }, "the kill left the temp file: \(listing(root, Self.state))")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(listing(root, Self.state) == ["provision-folders"], "\(root.read(root.path + CanceledReplaceTarget.path.string) ?? "no record")")
        }
    }
}
