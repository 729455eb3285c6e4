import DockStoreCore
import Foundation
import Testing

/// provision + teardown give /etc/sysconfig/docker and /etc/fstab back byte for byte, and keep
/// the owner, group and mode of every file they rewrite (third outside attack on issue 15:
/// scripts/attacks/issue15-2026-11-30-third.sh, cases sysconfig_*, fstab_*, group_ownership_reset).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GiveBackBytesIntegrationTests {
    static func bytes(_ file: String) -> [UInt8]? { FileManager.default.contents(atPath: file).map { Array($0) } }
    static func put(_ file: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    /// The admin's /etc/sysconfig/docker before provision: comes back byte for byte.
    static let sysconfigs: [[UInt8]] = [
        Array("FOO=bar".utf8), Array("A=1\n   ".utf8), Array("DOCKER_OPTS='--log-level=warn'\n".utf8),
        Array("DOCKER_OPTS=''\n".utf8), Array("DOCKER_OPTS=\n".utf8), Array("# c\nDOCKER_OPTS=\"--log-level=warn\"".utf8),
        Array("# caf".utf8) + [0xE9] + Array("\nDOCKER_OPTS=--debug".utf8),
    ]

    @Test(arguments: sysconfigs)
    func sysconfigComesBackByteForByte(_ start: [UInt8]) throws {
        try withTestRoot { root in
            try Self.put(root.sysconfig, start)
            let up = try root.dockstore(["provision", "--size", "200M"])
            try #require(up.status == 0, "\(up.stderr)")
            let words = try root.sh("set -f; . \(root.sysconfig); printf '%s\\n' $DOCKER_OPTS")
            #expect(words.split(separator: "\n").last == "--storage-driver=btrfs", "bash reads \(words)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(Self.bytes(root.sysconfig) == start, "\(String(decoding: start, as: UTF8.self).debugDescription) → \(root.read(root.sysconfig).debugDescription)")
        }
    }

    /// No fstab before: provision creates it with a comment libmount and the fstab generator
    /// skip, and teardown removes it again.
    @Test func anFstabProvisionCreatedIsRemoved() throws {
        try withTestRoot { root in
            unlink(root.fstab)
            let up = try root.dockstore(["provision", "--size", "200M"])
            try #require(up.status == 0, "\(up.stderr)")
            let created = try #require(root.read(root.fstab))
            #expect(created.hasPrefix(FstabFile.createdMark + "\n"))
            #expect(try root.sh("findmnt --fstab -F \(root.fstab) -n -r -o TARGET") == "/var/lib/docker\n")
            if hasSystemdTools {
                let out = root.path + "/generator"
                try root.sh("mkdir -p \(out) && SYSTEMD_FSTAB=\(root.fstab) SYSTEMD_PROC_CMDLINE= /lib/systemd/system-generators/systemd-fstab-generator \(out) \(out) \(out)")
                #expect(FileManager.default.fileExists(atPath: out + "/var-lib-docker.mount"))
            }
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.status(root.fstab) == nil, "the fstab dockstore created is gone")
        }
    }

    /// An fstab whose last line has no newline: the store's line ends with one (an admin's
    /// `echo LINE >> /etc/fstab` stays a line of its own, libmount reads all three), and
    /// teardown takes the newline back when nothing came after.
    @Test func aLastLineWithoutNewline() throws {
        try withTestRoot { root in
            let start = Array("UUID=abc / ext4 defaults 0 1".utf8)
            try Self.put(root.fstab, start)
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            #expect(Self.bytes(root.fstab)?.last == UInt8(ascii: "\n"))
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(Self.bytes(root.fstab) == start)

            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            try root.sh("echo 'UUID=def /data ext4 defaults 0 2' >> \(root.fstab)")
            let targets = try root.run("/bin/sh", ["-c", "findmnt --fstab -F \(root.fstab) -n -r -o TARGET 2>&1"])
            #expect(targets.stdout == "/\n/var/lib/docker\n/data\n", "\(targets.stdout)")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            #expect(root.read(root.fstab) == "UUID=abc / ext4 defaults 0 1\nUUID=def /data ext4 defaults 0 2\n")
        }
    }

    /// The store's own line found as the last line without a newline (SUSE's
    /// docker-img-store-setup line, adopted; or dockstore's own line, kept): provision ends it,
    /// so an admin's `echo LINE >> /etc/fstab` stays a line of its own and libmount reads every
    /// mount; teardown removes the line with that newline and keeps every byte before it.
    @Test(arguments: ["/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0", "kept"])
    func anUnendedStoreLineIsEnded(_ storeLine: String) throws {
        try withTestRoot { root in
            let other = "UUID=abc / ext4 defaults 0 1\n"
            if storeLine == "kept" {
                try Self.put(root.fstab, Array(other.utf8))
                try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
                let written = try #require(Self.bytes(root.fstab))
                try #require(written.last == UInt8(ascii: "\n"))
                try Self.put(root.fstab, Array(written.dropLast()))
            } else {
                try Self.put(root.fstab, Array((other + storeLine).utf8))
            }
            let up = try root.dockstore(["provision", "--size", "200M"])
            try #require(up.status == 0, "\(up.stderr)")
            let provisioned = try #require(root.read(root.fstab))
            #expect(provisioned.hasPrefix(other) && provisioned.hasSuffix(" 0 0\n")
                    && provisioned.split(separator: "\n").count == 2, "\(provisioned.debugDescription)")
            try root.sh("echo 'UUID=def /data ext4 defaults 0 2' >> \(root.fstab)")
            let targets = try root.run("/bin/sh", ["-c", "findmnt --fstab -F \(root.fstab) -n -r -o TARGET 2>&1"])
            #expect(targets.stdout == "/\n/var/lib/docker\n/data\n", "\(targets.stdout)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.read(root.fstab) == other + "UUID=def /data ext4 defaults 0 2\n")
        }
    }

    /// A line glued onto the store's (as an older dockstore left it): teardown --delete-image
    /// refuses with exit 2 and one line naming the fstab line, and changes nothing — the store
    /// stays mounted, the image and fstab stay.
    @Test func aGluedLineNamingTheStoreRefusesTeardown() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            var fstab = try #require(Self.bytes(root.fstab))
            fstab.removeLast()
            fstab += Array("UUID=def /data ext4 defaults 0 2\n".utf8)
            try Self.put(root.fstab, fstab)
            let lines = fstab.split(separator: UInt8(ascii: "\n")).count
            let before = root.snapshot()
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 2)
            #expect(down.stderrLines.count == 1 && down.stderr.contains("/etc/fstab line \(lines) names /var/lib/docker"), "\(down.stderr)")
            #expect(root.snapshot() == before, "nothing changed")
            #expect(root.mounts().contains { $0.target == root.mountpoint })
        }
    }

    /// Owner, group and mode (a set-group-id bit too) of the files provision rewrites stay, and
    /// their backups carry them as well.
    @Test func ownerGroupAndModeStay() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, "A=1\n")
            try root.write(root.fstab, "# the admin's fstab\n")
            try root.sh("chown 123:45 \(root.sysconfig) && chmod 2640 \(root.sysconfig) && chown 0:42 \(root.fstab) && chmod 640 \(root.fstab)")
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            for (file, owner, mode) in [(root.sysconfig, "123:45", "2640"), (root.sysconfig + ".dockstore.bak", "123:45", "2640"),
                                        (root.fstab, "0:42", "640"), (root.fstab + ".dockstore.bak", "0:42", "640")] {
                #expect(try root.sh("stat -c '%u:%g %a' \(file)") == "\(owner) \(mode)\n", "\(file)")
            }
        }
    }

    /// teardown removes exactly the folders provision created (`ProvisionFolderRecord`), when
    /// empty, deepest first; an admin's own empty docker.service.d (mode 700) made before
    /// provision stays, and so does a folder that holds anything.
    @Test func removesExactlyTheFoldersProvisionCreated() throws {
        try withTestRoot { root in
            try root.sh("rmdir \(root.path)/etc/sysconfig 2>/dev/null || true; mkdir -p \(root.path)/etc/systemd/system/docker.service.d && chmod 700 \(root.path)/etc/systemd/system/docker.service.d")
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let record = try #require(root.read(root.path + ProvisionFolderRecord.path.string))
            #expect(record == ProvisionFolderRecord.header + "\n/var/lib/dockstore\n/var/lib/docker\n/etc/systemd/system/var-lib-docker.mount.d\n/etc/sysconfig\n", "\(record)")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            #expect(root.status(root.path + "/etc/sysconfig") == nil, "created by provision, removed")
            #expect(root.status(root.path + "/etc/systemd/system/var-lib-docker.mount.d") == nil, "created by provision, removed")
            #expect(root.status(root.path + "/var/lib/dockstore") == nil, "the record's folder goes last")
            #expect(try root.sh("stat -c %a \(root.path)/etc/systemd/system/docker.service.d") == "700\n", "the admin's folder stays")
        }
        try withTestRoot { root in
            try root.sh("rm -rf \(root.path)/etc/sysconfig")
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            try root.write(root.path + "/etc/systemd/system/other.conf", "x\n")
            #expect(try root.dockstore(["teardown"]).status == 0)
            #expect(root.status(root.path + "/etc/systemd/system/docker.service.d") == nil && root.status(root.path + "/etc/sysconfig") == nil)
            #expect(root.status(root.path + "/var/lib/docker") == nil, "the mountpoint provision created is removed once empty")
            #expect(root.read(root.path + "/etc/systemd/system/other.conf") == "x\n", "a folder holding anything stays")
        }
    }
}
