import DockStoreCore
import Foundation
import Testing

/// /etc/sysconfig/dockstore, read once per run by the core (`StorePaths`): every command
/// works on the image and mountpoint it names, and every command that reads it refuses one
/// it cannot read or trust, changing nothing.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SettingsIntegrationTests {
    static let otherPaths = "DOCKSTORE_IMAGE=\"/srv/s.btrfs\"\nDOCKSTORE_MOUNTPOINT=\"/srv/docker\"\nDOCKSTORE_SIZE=\"512M\"\n"

    /// provision, status, check, grow, backend, reclaim, migrate-ebs and teardown each take the
    /// image and mountpoint from the settings file, and never the defaults.
    @Test func everyCommandWorksOnTheStoreTheSettingsName() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/sysconfig/dockstore", Self.otherPaths)
            try root.sh("mkdir -p \(root.path)/srv")
            let image = root.path + "/srv/s.btrfs", mountpoint = root.path + "/srv/docker"

            let provision = try root.dockstore(["provision"])
            try #require(provision.status == 0, "provision: \(provision.stderr)")
            #expect(root.mounts().contains { $0.target == mountpoint }, "provision mounts at the settings' mountpoint")
            #expect(root.status(image) != nil && root.status(root.image) == nil, "provision makes the settings' image only")
            #expect(root.read(root.fstab)?.contains("/srv/s.btrfs /srv/docker btrfs") == true, "\(root.read(root.fstab) ?? "")")

            let status = try root.dockstore(["status"])
            #expect(status.status == 0, "status: \(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains(mountpoint), "status: \(status.stdout)")

            let check = try root.dockstore(["check", "--format", "json"])
            #expect(check.status == 0 && check.stdout.contains("\"mountpoint\" : \"\(mountpoint)\""), "check: \(check.stdout)")

            let grow = try root.dockstore(["grow", "--to", "1G"])
            #expect(grow.status == 0, "grow: \(grow.stdout) \(grow.stderr)")
            #expect(root.status(image)?.st_size == 1 << 30, "grow grows the settings' image")

            let backend = try root.dockstore(["backend", "--json"])
            #expect(backend.status == 0 && backend.stdout.contains("\"filesystem\" : \"btrfs\""), "backend: \(backend.stdout) \(backend.stderr)")

            let reclaim = try root.dockstore(["reclaim", "--dry-run"])
            #expect(reclaim.status == 0 && reclaim.stdout.hasPrefix(mountpoint + ":"), "reclaim: \(reclaim.stdout) \(reclaim.stderr)")

            let disk = try root.attachDisk(megabytes: 4096)
            let migrate = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(migrate.status == 0, "migrate-ebs: \(migrate.stdout) \(migrate.stderr)")
            #expect(root.status(image) == nil, "migrate-ebs frees the settings' image")
            #expect(root.read(root.fstab)?.contains(" /srv/docker btrfs") == true && root.read(root.fstab)?.contains("UUID=") == true,
                    "\(root.read(root.fstab) ?? "")")

            let teardown = try root.dockstore(["teardown"])
            #expect(teardown.status == 0, "teardown: \(teardown.stdout) \(teardown.stderr)")
            #expect(!root.mounts().contains { $0.target == mountpoint }, "teardown unmounts the settings' mountpoint")
            #expect(root.read(root.fstab)?.contains("/srv/docker") != true, "\(root.read(root.fstab) ?? "")")
        }
    }

    /// A settings file that is a FIFO (never opened: reading it would hang the boot), a folder,
    /// or holds a value that is not UTF-8: every command that reads it refuses naming the file
    /// and what to do, with the documented exit status, and changes nothing; check says
    /// UNKNOWN. A command given every path it needs reads no settings (check, grow, backend
    /// with --mountpoint) and is not stopped by them.
    @Test(arguments: [
        ["provision"], ["status"], ["teardown"], ["migrate-ebs", "/dev/null"], ["reclaim"], ["check"],
        ["grow", "--to", "1G"], ["backend"], ["backend", "vfs"],
    ])
    func anUnreadableSettingsFileIsRefusedChangingNothing(_ command: [String]) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let file = root.path + "/etc/sysconfig/dockstore"
            let forms: [(String, String, Int32, String)] = [
                ("mkfifo '\(file)'", "fifo", 2, "is a named pipe, not a regular file; replace it with the settings file itself"),
                ("mkdir '\(file)'", "folder", 2, "is a folder, not a regular file; replace it with the settings file itself"),
                ("printf 'DOCKSTORE_IMAGE=\"/srv/\\377\"\\n' > '\(file)'", "bad bytes", 64, "is not UTF-8; systemd reads fstab and unit files only as UTF-8: give it in UTF-8"),
            ]
            for (make, what, exit, fragment) in forms {
                try root.sh("rm -rf '\(file)' && mkdir -p '\(root.path)/etc/sysconfig' && \(make)")
                let before = root.snapshot()
                let result = try root.dockstore(command)
                if command == ["check"] {
                    #expect(result.status == 3 && result.stdout.hasPrefix("DOCKSTORE UNKNOWN"), "\(what): \(result.stdout)")
                    #expect(result.stdout.contains(file) && result.stdout.contains(fragment), "\(what): \(result.stdout)")
                } else {
                    // status answers "the system could not be read" with 1, as its man page says (attack 14, Y-MSG-2).
                    let expected: Int32 = command == ["status"] && exit == 2 ? 1 : exit
                    #expect(result.status == expected, "\(command) \(what): \(result.status) \(result.stdout) \(result.stderr)")
                    #expect(result.stderrLines.count == 1 && result.stderr.contains(file) && result.stderr.contains(fragment),
                            "\(command) \(what): \(result.stderr)")
                }
                #expect(root.changes(since: before) == [], "\(command) \(what) changed something")
            }
            let withMountpoint: [String: [String]] = [
                "check": ["check", "--mountpoint", "/var/lib/docker"],
                "grow": ["grow", "--to", "1G", "--mountpoint", "/var/lib/docker", "--dry-run"],
                "backend": ["backend", "--mountpoint", "/var/lib/docker"] + command.dropFirst() + (command.count > 1 ? ["--dry-run"] : []),
            ]
            if let given = withMountpoint[command[0]] {
                let result = try root.dockstore(given)
                if command[0] == "backend", command.count > 1 {
                    // backend DRIVER records the driver where the boot's provision reads it
                    // (attack 14, Y-BOOT-1), so it reads the settings whatever the mountpoint,
                    // and a file it cannot read stops it, nothing changed.
                    #expect([2, 64].contains(result.status) && result.stderrLines.count == 1 && result.stderr.contains(file), "\(given): \(result.stdout) \(result.stderr)")
                } else {
                    #expect(result.status == 0 && !result.stderr.contains(file), "\(given) reads no settings: \(result.stdout) \(result.stderr)")
                }
            }
        }
    }
}
