import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 31 Q D3: `dockstore` without a command, and `dockstore help nosuch`, printed the
/// whole help and exited 0; dockstore(8) says a bad option or value is 64. Both are refused on
/// one line naming the commands; help itself still exits 0.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MissingCommandTests {
    @Test func noCommandAndHelpForNoCommandAreRefused() throws {
        try withTestRoot { root in
            let commands = "provision, status, backend, check, grow, migrate-ebs, reclaim, teardown"
            for arguments in [[], ["--root", root.path], ["--root=\(root.path)"]] {
                let run = try root.run(TestRoot.binary, arguments)
                #expect(run.status == 64 && run.stdout.isEmpty
                        && run.stderr == "dockstore: no command given: give one of \(commands); see dockstore --help\n",
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            let unknown = try root.run(TestRoot.binary, ["help", "nosuch"])
            #expect(unknown.status == 64 && unknown.stdout.isEmpty
                    && unknown.stderr == "dockstore: there is no command 'nosuch' to show help for: the commands are \(commands); see dockstore --help\n",
                    "exit \(unknown.status): \(unknown.stdout)\(unknown.stderr)")
            for arguments in [["help"], ["help", "provision"], ["--help"], ["provision", "--help"], ["--version"]] {
                let help = try root.run(TestRoot.binary, arguments)
                #expect(help.status == 0 && !help.stdout.isEmpty && help.stderr.isEmpty, "\(arguments): exit \(help.status): \(help.stderr)")
            }
        }
    }
}

/// Attack 31 Q D4: `migrate-ebs DEVICE` with nothing mounted waited the whole --wait (60 s by
/// default) for a device that was not there, then blamed its attachment; the refusal it would
/// have given at once is that nothing is mounted. It says that first, without waiting.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrateEBSNothingMountedTests {
    @Test func nothingMountedIsSaidBeforeTheDeviceIsWaitedFor() throws {
        try withTestRoot { root in
            let before = root.snapshot()
            for arguments in [["migrate-ebs", "/dev/xvdz", "--yes"], ["migrate-ebs", "/dev/xvdz", "--abort", "--yes"], ["migrate-ebs", "vol-0123456789abcdef0", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1
                        && run.stderr.hasPrefix("dockstore: nothing is mounted at \(root.mountpoint); run dockstore provision first"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(!run.stderr.contains("waiting up to") && !run.stderr.contains("did not appear"), "\(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
        }
    }

    /// Attack 32 S m2: killed before its replace began (the image still the store's only
    /// device), the store unmounted: migrate-ebs said "no device holds the store's filesystem
    /// …: attach that volume", for a volume that never held it. It says the image still holds
    /// the store and provision mounts it from there; following that works.
    @Test func nothingMountedWithTheImageHoldingTheStoreSaysSo() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            let uuid = try BtrfsFilesystem.open(root.mountpoint).uuid.lowercased()
            let disk = try root.attachDisk(megabytes: 600)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "journal", MigrationMethod.variable: "replace"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            _ = try root.sh("umount '\(root.mountpoint)'")
            let run = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(run.status == 2 && run.stderr.contains("nothing is mounted at \(root.mountpoint) (the image still holds the store's btrfs \(uuid), so provision mounts it from the image)")
                    && !run.stderr.contains("no device holds"), "exit \(run.status): \(run.stderr)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    /// Attack 32 S m5: the same killed migration, the image moved away and two block copies of
    /// it attached: migrate-ebs named the copies "the open migration's volume … now" (they carry
    /// the store's filesystem UUID). They carry the image's own devid and device UUID, which no
    /// migration gives its volume: it says they are copies, names the journal's volume as it
    /// began, and gives StoreCopies' advice (the same generation: it names neither).
    @Test func blockCopiesOfTheImageAreNotTheMigrationsVolume() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let uuid = try BtrfsFilesystem.open(root.mountpoint).uuid.lowercased()
            let disk = try root.attachDisk(megabytes: 600)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "journal", MigrationMethod.variable: "replace"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            _ = try root.sh("umount '\(root.mountpoint)'")
            let copies = try ["copy-1.img", "copy-2.img"].map { name in
                _ = try root.sh("cp --sparse=always '\(root.image)' '\(root.path)/\(name)'")
                return try root.sh("losetup -f --show '\(root.path)/\(name)'").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            _ = try root.sh("mv '\(root.image)' '\(root.path)/image-aside.img'")
            let before = root.snapshot()
            let run = try root.dockstore(["migrate-ebs", disk, "--yes", "--wait", "1"])
            #expect(run.status == 2 && run.stderrLines.count == 1, "exit \(run.status): \(run.stderr)")
            #expect(run.stderr.contains("nothing is mounted at \(root.mountpoint) (the open migration is onto \(disk); \(copies[0]) (generation ")
                    && run.stderr.contains("both carry devid 1 of the btrfs UUID=\(uuid)") && run.stderr.contains("block copies of one volume")
                    && run.stderr.contains("carry the same generation"), "\(run.stderr)")
            #expect(!run.stderr.contains("volume, \(disk) when it began, is"), "\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
        }
    }
}
