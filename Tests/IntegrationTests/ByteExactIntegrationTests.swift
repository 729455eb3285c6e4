import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 as an outside tester tried it, on loop devices under a temporary --root: bytes
/// that are not UTF-8 kept or refused, never replaced; each path escaped for the reader of
/// each file and read back by that reader; a CRLF legacy line adopted so that it mounts; no
/// temp files left by a killed write after the next run.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ByteExactIntegrationTests {
    func bytes(_ file: String) -> [UInt8]? { FileManager.default.contents(atPath: file).map { Array($0) } }

    func writeBytes(_ file: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    func tree(_ root: TestRoot) throws -> [String] {
        try root.sh("cd \(root.path) && find . -path ./.out-\\* -prune -o -path ./.err-\\* -prune -o -print | LC_ALL=C sort")
            .split(separator: "\n").map(String.init)
    }

    @Test func latin1LinesInFstabAndSysconfigAreKeptByteForByte() throws {
        try withTestRoot { root in
            let fstab = Array("/dev/vdb /srv/caf".utf8) + [0xE9] + Array(" ext4 defaults,nofail 0 2\n# r".utf8) + [0xE9, 0x73, 0x75, 0x6D, 0xE9, 0x0A]
            let comment = Array("# Docker f".utf8) + [0xFC] + Array("r SUSE\n".utf8)
            let sysconfig = comment + Array("DOCKER_OPTS=\"\"\n".utf8)
            try writeBytes(root.fstab, fstab)
            try writeBytes(root.sysconfig, sysconfig)
            let run = try root.dockstore(["provision", "--size", "512M"])
            #expect(run.status == 0, "\(run.stderr)")
            let after = try #require(bytes(root.fstab))
            #expect(Array(after.prefix(fstab.count)) == fstab, "the foreign lines are the same bytes")
            #expect(bytes(root.fstab + ".dockstore.bak") == fstab)
            let newSysconfig = try #require(bytes(root.sysconfig))
            #expect(Array(newSysconfig.prefix(comment.count)) == comment)
            #expect(String(decoding: newSysconfig, as: UTF8.self).contains("DOCKER_OPTS=\"--storage-driver=btrfs\""))
            // libmount still reads the Latin-1 mountpoint as it was.
            let targets = try root.sh("findmnt --fstab -F \(root.fstab) -n -r -o TARGET")
            #expect(targets.contains("/srv/caf\\xe9"), "\(targets)")
            #expect(try root.dockstore(["provision"]).status == 0)
        }
    }

    /// An argument that is not UTF-8 is refused with exit 64 and one line; nothing is created.
    @Test func aPathThatIsNotUTF8IsRefused() throws {
        try withTestRoot { root in
            let before = try tree(root)
            for option in ["--image", "--mountpoint", "--device"] {
                let value = option == "--device" ? "/dev/x\\351" : "/var/lib/x\\351.btrfs"
                let run = try root.run("/bin/sh", ["-c", "\"$0\" provision --size 512M \(option) \"$(printf '\(value)')\" --root \(root.path)", TestRoot.binary])
                #expect(run.status == 64, "\(option): \(run.stderr)")
                #expect(run.stderrLines.count == 1 && run.stderr.contains("\\xE9") && run.stderr.contains("not UTF-8"), "\(run.stderr)")
            }
            // check is a Nagios plugin: UNKNOWN (3), one line.
            let check = try root.run("/bin/sh", ["-c", "\"$0\" check --mountpoint \"$(printf '/srv/x\\351')\" --root \(root.path)", TestRoot.binary])
            #expect(check.status == 3 && check.stdout.hasPrefix("DOCKSTORE UNKNOWN - ") && check.stdout.contains("\\xE9"), "\(check.status) \(check.stdout)")
            try root.write(root.path + "/etc/sysconfig/dockstore.tmp", "")
            try root.sh("printf 'DOCKSTORE_IMAGE=/var/lib/x\\351.btrfs\\n' > \(root.path)/etc/sysconfig/dockstore && rm \(root.path)/etc/sysconfig/dockstore.tmp && chmod 600 \(root.path)/etc/sysconfig/dockstore")
            let settings = try root.dockstore(["provision", "--size", "512M"])
            #expect(settings.status == 64 && settings.stderrLines.count == 1 && settings.stderr.contains("x\\xE9.btrfs"), "\(settings.stderr)")
            try root.sh("rm -r \(root.path)/etc/sysconfig")
            #expect(try tree(root) == before, "nothing changed")
        }
    }

    @Test(arguments: ["/var/lib/x\u{9B}.btrfs", "/srv/a,b/store.btrfs", "/srv/a\\b/store.btrfs"])
    func anImagePathNoReaderCanCarryIsRefusedBeforeAnythingIsCreated(_ image: String) throws {
        try withTestRoot { root in
            let before = try tree(root)
            let run = try root.dockstore(["provision", "--size", "512M", "--image", image])
            #expect(run.status == 64 && run.stderrLines.count == 1, "\(run.status) \(run.stderr)")
            #expect(try tree(root) == before, "nothing created for \(image.debugDescription)")
        }
    }

    /// Outside attack 15, Y7: dockerd 20.10 garbles a data root holding `%` (it writes its image
    /// store into a folder named after a Go format string, on the root filesystem), however it
    /// is given: provision refuses such a mountpoint with nothing changed. (fstab's and the
    /// drop-in's escaping of `%` stay checked by EscapeOracleTests against libmount and systemd.)
    @Test(arguments: [("/srv/100%", false), ("/srv/%n", true)])
    func aMountpointDockerdCannotTakeIsRefused(_ mountpoint: String, _ inDaemonJSON: Bool) throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: true)
            if inDaemonJSON { try root.write(root.path + "/etc/docker/daemon.json", "{\"data-root\": \"\(mountpoint)\"}\n") }
            let before = root.snapshot()
            let run = try root.dockstore(["provision", "--size", "512M", "--mountpoint", mountpoint])
            #expect(run.status == 2 && run.stderrLines.count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("the mountpoint \(mountpoint) holds a %, which dockerd 20.10 cannot take as its data root"), "\(run.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    /// Letters of any script and `=` go into DOCKER_OPTS as they are (outside attack 15, Y8:
    /// they were refused, saying the unquoted expansion would change them; it does not).
    @Test(arguments: ["/srv/dö-ck", "/srv/a=b"])
    func plainMountpointsOfOtherLettersAreTaken(_ mountpoint: String) throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: true)
            let run = try root.dockstore(["provision", "--size", "512M", "--mountpoint", mountpoint])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(root.read(root.sysconfig)?.contains("--data-root=\(mountpoint)") == true)
            let bash = try root.run("/bin/bash", ["-c", "source '\(root.sysconfig)' && printf '%s' \"$DOCKER_OPTS\""])
            #expect(bash.stdout.split(separator: " ").contains(Substring("--data-root=\(mountpoint)")), "\(bash.stdout)")
            let status = try root.dockstore(["status", "--mountpoint", mountpoint])
            #expect(status.status == 0, "\(status.stdout)")
        }
    }

    /// A mountpoint with a backslash: fstab escaped for libmount and the fstab generator, the
    /// drop-in for systemd's unit parser; each reader reads the same path.
    @Test(.enabled(if: hasSystemdTools, "needs systemd-analyze and systemd-fstab-generator"),
          arguments: ["/srv/a\\b", "/srv/x\\x41"])
    func oddMountpointsAreReadBackByEveryReader(_ mountpoint: String) throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: true)
            if mountpoint.contains("\\") {
                // $DOCKER_OPTS (expanded unquoted) cannot carry it as --data-root (attack 12, B21):
                // the admin names it as dockerd's data root in daemon.json, as provision's refusal says.
                try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
                try root.write(root.path + "/etc/docker/daemon.json", "{\"data-root\": \"\(mountpoint.replacingOccurrences(of: "\\", with: "\\\\"))\"}\n")
            }
            let run = try root.dockstore(["provision", "--size", "512M", "--mountpoint", mountpoint])
            try #require(run.status == 0, "\(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.path + mountpoint))
            let unitName = try root.sh("systemd-escape --path --suffix=mount '\(mountpoint)'").trimmingCharacters(in: .newlines)
            // libmount
            let targets = try root.sh("findmnt --fstab -F \(root.fstab) -n -r -o TARGET")
            let expectedRaw = mountpoint.replacingOccurrences(of: "\\", with: "\\x5c")
            #expect(targets.split(separator: "\n").contains(Substring(expectedRaw)), "findmnt read \(targets)")
            // systemd-fstab-generator
            let out = root.path + "/generator"
            try root.sh("mkdir -p \(out) && SYSTEMD_FSTAB=\(root.fstab) /lib/systemd/system-generators/systemd-fstab-generator \(out) \(out) \(out)")
            #expect(FileManager.default.fileExists(atPath: out + "/" + unitName), "the generator made \((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [])")
            // systemd's unit parser, on the drop-in as written
            let units = root.path + "/units"
            try root.sh("mkdir -p \(units)/docker.service.d && printf '[Service]\\nExecStart=/bin/true\\n' > \(units)/docker.service && cp \(root.dropIn) \(units)/docker.service.d/")
            let verify = try root.run("/bin/sh", ["-c", "SYSTEMD_LOG_LEVEL=debug SYSTEMD_UNIT_PATH=\(units): systemd-analyze verify docker.service 2>&1"])
            #expect(verify.stdout.contains(unitName + ": Failed to load configuration"), "systemd does not require \(unitName): \(verify.stdout.split(separator: "\n").filter { $0.contains(".mount") })")
            #expect(!verify.stdout.contains("dockstore.conf:"), "\(verify.stdout)")
            #expect(try root.dockstore(["provision", "--mountpoint", mountpoint]).stdout.contains("in place"))
        }
    }

    /// SUSE's legacy line written on Windows: CRLF and four fields. Adopted as libmount reads
    /// it, it mounts, and the other CRLF lines stay as they were.
    @Test func aCRLFFourFieldLegacyLineIsAdoptedAndMounts() throws {
        try withTestRoot { root in
            let other = "/dev/vda1 / ext4 defaults 0 1\r\n"
            try root.write(root.fstab, other + "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults\r\n# end\r\n")
            let run = try root.dockstore(["provision", "--size", "512M"])
            try #require(run.status == 0, "\(run.stderr)")
            let text = try #require(root.read(root.fstab))
            #expect(text.hasPrefix(other))
            #expect(text.hasSuffix("# end\r\n"))
            let options = try root.sh("findmnt --fstab -F \(root.fstab) -n -r -o OPTIONS --target /var/lib/docker")
            #expect(options == "nofail,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service\n", "\(options.debugDescription)")
            #expect(root.mounts().contains { $0.target == root.mountpoint })
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("in place"), "\(again.stdout)")
        }
    }

    /// A write killed between its temp file and the rename leaves the temp file; the next
    /// changing command, whichever file it writes, removes it: each folder then holds the
    /// file and its one backup.
    @Test(arguments: ["docker", "docker.dockstore.bak", "fstab", "fstab.dockstore.bak"])
    func aKilledWriteLeavesNothingAfterTheNextRun(_ name: String) throws {
        try withTestRoot { root in
            try root.write(root.fstab, "# host\n")
            try root.write(root.sysconfig, DockerOptions.suseSysconfigTemplate)
            let killed = try root.dockstore(["provision", "--size", "512M"], environment: [Failpoint.variable: "atomic-write:\(name)"])
            try #require(killed.signal == SIGKILL, "\(killed.status) \(killed.stderr)")
            let folder = name.hasPrefix("docker") ? root.path + "/etc/sysconfig" : root.path + "/etc"
            let base = name.hasPrefix("docker") ? "docker" : "fstab"
            func ours() -> Set<String> {
                Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(base) || $0.hasPrefix("." + base) })
            }
            #expect(ours().contains { $0.hasPrefix(".\(name).dockstore-") }, "the kill left the temp file: \(ours())")
            // grow writes neither file and has nothing to do, and still clears what the killed
            // write left (debris makes any run a changing one; a refusal would change nothing).
            let grow = try root.dockstore(["grow", "--to", "512M"])
            #expect(grow.status == 0, "\(grow.stdout) \(grow.stderr)")
            #expect(ours().allSatisfy { !$0.hasPrefix(".") }, "\(ours())")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(ours() == [base, base + ".dockstore.bak"], "\(ours())")
        }
    }
}
