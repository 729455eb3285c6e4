import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every bad input a user can type, in one table: the documented exit code, one line that
/// names the input, and fstab, sysconfig, daemon.json, the image and the spare device's
/// first and last MiB unchanged.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct BadInputMatrixTests {
    /// (arguments, setup shell run in the root with $R and $DISK, exit code, text the message must hold)
    static let cases: [([String], String, Int32, String)] = [
        (["provision", "--size=-5G"], "", 64, "'-5G'"),
        (["provision", "--size", "0"], "", 64, "--size 0"),
        (["provision", "--size", "-1"], "", 64, "--size '-1' is negative"),
        (["provision", "--bogus"], "", 64, "'--bogus'; see dockstore provision --help"),
        (["migrate-ebs"], "", 64, "needs the DEVICE"),
        (["backend", "vfs"], "rm -f $R/etc/sysconfig/docker && mkfifo $R/etc/sysconfig/docker", 2, "is a named pipe, not a regular file; replace it"),
        (["provision", "--size", "10Q"], "", 64, "'10Q'"),
        (["provision", "--size", "1.5G"], "", 64, "'1.5G'"),
        (["provision", "--size", "100M"], "", 64, "below 109 MiB"),
        (["provision", "--size", "99999999999999999999"], "", 64, "too large"),
        (["provision", "--size", "8E"], "", 64, "'8E'"),
        (["provision", "--image", "relative.btrfs"], "", 64, "'relative.btrfs'"),
        (["provision", "--image", "/var/lib/../etc/x"], "", 64, "'/var/lib/../etc/x'"),
        (["provision", "--image", "/var/lib/my image"], "", 64, "'/var/lib/my image'"),
        (["provision", "--mountpoint", "docker"], "", 64, "'docker'"),
        (["provision", "--mountpoint", "/"], "", 64, "--mountpoint /"),
        (["provision", "--image", "/var/lib/docker/x.btrfs"], "", 64, "/var/lib/docker/x.btrfs"),
        (["provision", "--mountpoint", "/var/lib/docker-storage.btrfs/x"], "", 64, "inside --image"),
        (["provision", "--mountpoint", "/etc/fstab"], "", 64, "--mountpoint /etc/fstab is inside /etc"),
        (["provision", "--mountpoint", "/proc/docker"], "", 64, "--mountpoint /proc/docker"),
        (["provision", "--image", "/dev/shm/x.btrfs"], "", 64, "--image /dev/shm/x.btrfs"),
        (["provision", "--image", "/nonexistent/x.btrfs"], "", 2, "/nonexistent"),
        (["provision", "--image", "/etc"], "", 64, "--image /etc is inside /etc, a system folder"),
        (["provision", "--image", "/srv/x.btrfs", "--mountpoint", "/srv/d", "--image", "/etc/fstab"], "", 64, "--image is given twice ('/srv/x.btrfs', then '/etc/fstab'): give it once"),
        (["provision", "--thick", "--size", "10T"], "", 2, "--thick needs"),
        (["provision", "--device", "/dev/null"], "", 2, "/dev/null is a character device"),
        (["provision", "--device", "/dev/zero"], "", 2, "/dev/zero is a character device"),
        (["provision", "--device", "/dev/nonexistent", "--wait", "0"], "", 2, "/dev/nonexistent does not exist"),
        (["provision", "--device", "nvme1n1"], "", 64, "'nvme1n1'"),
        (["provision", "--device", "vol-xyz"], "", 64, "'vol-xyz'"),
        (["provision", "--device", "$DISK", "--volume-id", "vol-1"], "", 64, "'vol-1'"),
        (["provision", "--device", "$DISK", "--fs", "zfs"], "", 64, "'zfs'"),
        (["provision", "--device", "$DISK", "--wait=-1"], "", 64, "--wait"),
        (["provision", "--device", "$DISK", "--size", "1G"], "", 64, "a size"),
        (["provision", "--device", "$DISK", "--volume-id", "vol-0abc1234def567890"], "", 2, "no EBS volume id"),
        (["provision", "--device", "$DISK1"], "", 2, "is a partition of"),
        (["provision", "--mount-options", "compress;reboot"], "", 64, "'compress;reboot'"),
        (["provision", "--force"], "", 64, "--force goes with --device"),
        (["provision"], "printf 'DOCKER_OPTS=\"$(reboot)\"\\n' > $R/etc/sysconfig/docker", 2, "bash expands the $ or ` in DOCKER_OPTS"),
        (["provision"], "printf 'DOCKER_OPTS=\"-s btrfs\\n' > $R/etc/sysconfig/docker", 2, "never closed"),
        // Outside attack on issue 15: lines outside the accepted grammar, also with --force.
        (["backend", "vfs", "--force"], "printf 'DOCKER_OPTS=\"-s btrfs\"\\nunset DOCKER_OPTS\\n' > $R/etc/sysconfig/docker", 2, "sysconfig/docker line 2 is no blank line"),
        (["backend", "vfs", "--force"], "printf 'DOCKER_OPTS=\"-s btrfs\"\\nDOCKER_OPTS\\\\\\n=x\\n' > $R/etc/sysconfig/docker", 2, "sysconfig/docker line 2 is no blank line"),
        (["provision"], "printf 'DOCKSTORE_SIZE=200M\\r\\n' > $R/etc/sysconfig/dockstore", 2, "sysconfig/dockstore line 1 ends in a carriage return"),
        (["provision"], "printf '{ \"storage-driver\": ' > $R/etc/docker/daemon.json", 2, "daemon.json is not valid JSON"),
        (["provision"], "printf '[\"storage-driver\"]' > $R/etc/docker/daemon.json", 2, "does not hold a JSON object"),
        (["provision"], "printf 'a /var/lib/docker btrfs defaults 0 0\\nb /var/lib/docker btrfs defaults 0 0\\n' > $R/etc/fstab", 2, "2 lines for /var/lib/docker"),
        (["provision"], "printf 'UUID=x /var/lib/docker xfs defaults 0 0\\n' > $R/etc/fstab", 2, "already mounts UUID=x"),
        (["provision"], "printf '/var/lib/docker-storage.btrfs /var/lib/docker\\n' > $R/etc/fstab", 2, "line 1 names /var/lib/docker but is not a valid fstab line"),
        (["provision", "--size", "256M"], "printf 'UUID=0ddba11-0000 /var/lib/docker btrfs nofail 0 0\\n' > $R/etc/fstab", 2, "no device holds that filesystem"),
        (["provision"], "mkdir -p $R/var/lib/docker/image && echo x > $R/var/lib/docker/image/repositories.json", 2, "holds files"),
        (["backend", "aufs"], "", 64, "'aufs'"),
        (["backend", "btrfs", "--storage-opt", "btrfs.min_space=1G;id"], "", 64, "'btrfs.min_space=1G;id'"),
        (["backend", "btrfs", "--storage-opt", "overlay2.size=1G"], "", 64, "'overlay2.size=1G'"),
        (["backend", "overlay2", "--storage-opt", "size"], "", 64, "'size'"),
        (["check", "-w", "lots"], "", 3, "'lots'"),
        (["check", "--mountpoint", "relative"], "", 3, "'relative'"),
        (["grow", "--to", "1G"], "", 2, "nothing is mounted"),
        (["grow", "--to=-1G"], "", 64, "'-1G'"),
        // An empty root is what a finished teardown --wipe-device leaves (nothing to do, exit 0):
        // fstab naming the image is what has no device to wipe.
        (["teardown", "--wipe-device"], "printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0\\n' > $R/etc/fstab", 2,
         "--wipe-device: the store has no device"),
        (["migrate-ebs", "/dev/null", "--yes"], "", 2, "/dev/null is a character device"),
        (["migrate-ebs", "vol-1", "--yes"], "", 64, "'vol-1'"),
        // Attack 54 X 5: the refusal named an option --device that migrate-ebs does not have.
        (["migrate-ebs", "/srv/x.img", "--yes"], "", 64, "DEVICE '/srv/x.img' is neither a /dev path nor an EBS volume id"),
        (["provision", "--root", "/nonexistent-root"], "", 64, "/nonexistent-root"),
        (["provision", "--lock-timeout=-1"], "", 64, "--lock-timeout -1.0"),
        (["provision", "--size", "256M"], readOnlyEtc, 2, "is on a read-only filesystem"),
        (["provision", "--device", "$DISK", "--force"], readOnlyEtc, 2, "is on a read-only filesystem"),
        (["backend", "vfs"], readOnlyEtc, 2, "is on a read-only filesystem"),
        (["provision", "--size", "256M"], fullEtc, 2, "free, less than"),
        (["provision", "--size", "256M"], "truncate -s 256M $R/var/lib/docker-storage.btrfs && chattr +i $R/var/lib/docker-storage.btrfs", 2, "docker-storage.btrfs is immutable (chattr +i), so"),
        (["provision", "--size", "256M"], "chattr +i $R/var/lib", 2, "var/lib is immutable (chattr +i), so"),
        (["provision", "--size", "256M"], "touch $R/etc/fstab && chattr +a $R/etc/fstab", 2, "fstab is append-only (chattr +a), so"),
        (["backend", "vfs"], fullEtc, 2, "free, less than"),
        // Attack 54 Y B-sysconfig-loop: a link loop on the way was a failed call (exit 1).
        (["backend", "vfs"], "rm -rf $R/etc/sysconfig && ln -s sysconfig2 $R/etc/sysconfig && ln -s sysconfig $R/etc/sysconfig2", 2,
         "the symbolic links on the way to it loop, or are nested too deep; fix them and run again"),
        (["provision", "--dry-run"], "rm -rf $R/etc/sysconfig && ln -s sysconfig2 $R/etc/sysconfig && ln -s sysconfig $R/etc/sysconfig2", 2,
         "the symbolic links on the way to it loop, or are nested too deep; fix them and run again"),
        // The fifteenth attack's C20: the dry run refuses what the run refuses.
        (["backend", "vfs", "--dry-run"], "rmdir $R/etc/sysconfig", 2, "etc/sysconfig does not exist; is this a SUSE system"),
    ]

    /// /etc on its own small tmpfs holding what the root's /etc held; `extra` runs before it is sealed.
    static func etcOnTmpfs(size: String, then extra: String) -> String {
        "cp -a $R/etc $R/etc.copy && mount -t tmpfs -o size=\(size),mode=0755 tmpfs $R/etc && cp -a $R/etc.copy/. $R/etc/ && rm -rf $R/etc.copy && \(extra)"
    }
    static let readOnlyEtc = etcOnTmpfs(size: "4m", then: "mount -o remount,ro $R/etc")
    static let fullEtc = etcOnTmpfs(size: "256k", then: "(dd if=/dev/zero of=$R/etc/filler bs=4k 2>/dev/null; true)")

    @Test func everyBadInputIsRefusedAndChangesNothing() throws {
        #expect(Self.cases.count >= 40)
        for (arguments, setup, status, text) in Self.cases {
            try withTestRoot { root in
                // The partition table is written to the file, then the file attached with its
                // partitions under whatever name is free (never a name detached a moment ago:
                // another test run may have taken it since).
                let file = root.path + "/disk-gpt.img"
                try root.sh("truncate -s 256M \(file) && printf 'label: gpt\\n,\\n' | sfdisk -q \(file) >/dev/null")
                let disk = try root.sh("losetup -P -f --show \(file)").trimmingCharacters(in: .whitespacesAndNewlines)
                try root.sh("partx -u \(disk) 2>/dev/null; true")
                if !setup.isEmpty { try root.sh("R=\(root.path); mkdir -p $R/etc/sysconfig $R/etc/docker; \(setup)") }
                let expanded = arguments.map { $0.replacingOccurrences(of: "$DISK1", with: disk + "p1").replacingOccurrences(of: "$DISK", with: disk) }
                let before = root.snapshot()
                let ends = try root.ends(disk)
                let withRoot = expanded.contains("--root") ? expanded : expanded + ["--root", root.path]
                let result = try root.run(TestRoot.binary, withRoot)
                // Warnings come on lines of their own before the error.
                let output = (result.stderr.isEmpty ? result.stdout : result.stderr).split(separator: "\n")
                    .filter { !$0.hasPrefix("dockstore: warning:") }.joined(separator: "\n")
                #expect(result.status == status, "\(arguments): \(output)")
                if status != 0 {
                    #expect(output.split(separator: "\n").count == 1, "\(arguments): one line: \(output)")
                    #expect(output.contains(text), "\(arguments): names the input: \(output)")
                }
                #expect(root.changes(since: before) == [], "\(arguments): nothing changed")
                #expect(try root.ends(disk) == ends, "\(arguments): the device is untouched")
            }
        }
        reliability("bad-input matrix", cases: Self.cases.count, runs: Self.cases.count)
    }

    @Test func neverWritesThroughASymlinkItDidNotExpect() throws {
        for target in ["etc/fstab", "etc/sysconfig/docker", "etc/docker/daemon.json", "etc/systemd/system/docker.service.d"] {
            try withTestRoot { root in
                try root.write(root.path + "/etc/shadow", "root:secret:1:0:99999:7:::\n")
                try root.sh("mkdir -p \(root.path)/etc/sysconfig \(root.path)/etc/docker \(root.path)/etc/systemd/system \(root.path)/secret-dir")
                let link = root.path + "/" + target
                try root.sh("rm -rf '\(link)' && ln -s \(target.hasSuffix(".d") ? root.path + "/secret-dir" : root.path + "/etc/shadow") '\(link)'")
                let result = try root.dockstore(["provision", "--size", "256M"])
                #expect(result.status == 2, "\(target): \(result.stderr)")
                #expect(result.stderr.contains("symbolic link"), "\(target): \(result.stderr)")
                #expect(root.read(root.path + "/etc/shadow") == "root:secret:1:0:99999:7:::\n", "\(target)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/secret-dir").isEmpty, "\(target)")
            }
        }
        reliability("hostile files: symlinks in place of files and folders", cases: 4, runs: 4)
    }

    /// The check-then-write race: while backend rewrites /etc/sysconfig/docker over and over,
    /// another process keeps swapping the sysconfig folder for a symlink to a folder dockstore
    /// must never write into, and the file for a symlink to /etc/shadow. Each run either
    /// writes the real file or refuses; nothing ever lands behind a link.
    @Test func aFolderSwappedForASymlinkMidWriteIsNeverWrittenThrough() throws {
        try withTestRoot { root in
            let r = root.path
            try root.write(r + "/etc/shadow", "root:secret:1:0:99999:7:::\n")
            try root.sh("mkdir -p \(r)/etc/sysconfig \(r)/secret-dir && printf 'DOCKER_OPTS=\"\"\\n' > \(r)/etc/sysconfig/docker")
            let racer = Process()
            racer.executableURL = URL(fileURLWithPath: "/bin/sh")
            racer.arguments = ["-c", """
                cd \(r)/etc; while [ ! -e \(r)/stop ]; do
                  mv sysconfig sysconfig.real && ln -s \(r)/secret-dir sysconfig && rm sysconfig && mv sysconfig.real sysconfig
                  mv sysconfig/docker sysconfig/docker.real && ln -s \(r)/etc/shadow sysconfig/docker && rm sysconfig/docker && mv sysconfig/docker.real sysconfig/docker
                done
                """]
            try racer.run()
            defer {
                _ = FileManager.default.createFile(atPath: r + "/stop", contents: nil)
                racer.waitUntilExit()
            }
            var wrote = 0, refused = 0
            for run in 0..<60 {
                let driver = run % 2 == 0 ? "vfs" : "btrfs"
                let result = try root.dockstore(["backend", driver, "--force"])
                if result.status == 0 { wrote += 1 } else { refused += 1 }
                #expect([0, 1, 2].contains(result.status), "run \(run): \(result.stderr)")
                #expect(root.read(r + "/etc/shadow") == "root:secret:1:0:99999:7:::\n", "run \(run)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: r + "/secret-dir").isEmpty, "run \(run)")
            }
            print("symlink race: 60 backend runs against a swapping racer: \(wrote) wrote the real file, \(refused) refused; /etc/shadow and the decoy folder untouched")
        }
        reliability("hostile files: symlink swapped in during the write (racer)", cases: 1, runs: 60)
    }

    /// The same race made certain: dockstore pauses a second after it has opened the folder
    /// it writes into (DOCKSTORE_PAUSE=atomic-write), the folder is swapped for a symlink to a
    /// decoy during that second, and the file still lands in the real folder, now renamed.
    @Test func aSwapDuringThePauseStillWritesTheFolderThatWasChecked() throws {
        try withTestRoot { root in
            let r = root.path
            try root.sh("mkdir -p \(r)/etc/sysconfig \(r)/secret-dir && printf 'DOCKER_OPTS=\"\"\\n' > \(r)/etc/sysconfig/docker")
            let run = Process()
            run.executableURL = URL(fileURLWithPath: TestRoot.binary)
            run.arguments = ["backend", "vfs", "--force", "--root", r]
            run.environment = ProcessInfo.processInfo.environment.merging([Failpoint.pauseVariable: "atomic-write"]) { $1 }
            run.standardOutput = FileHandle.nullDevice
            run.standardError = FileHandle.nullDevice
            try run.run()
            usleep(400_000)
            try root.sh("cd \(r)/etc && mv sysconfig sysconfig.real && ln -s \(r)/secret-dir sysconfig")
            run.waitUntilExit()
            #expect(run.terminationStatus == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: r + "/secret-dir").isEmpty)
            #expect(root.read(r + "/etc/sysconfig.real/docker")?.contains("--storage-driver=vfs") == true, "\(root.read(r + "/etc/sysconfig.real/docker") ?? "")")
        }
        reliability("hostile files: symlink swapped in after the check (paused)", cases: 1, runs: 1)
    }

    /// From the outside attack on issue 15 (F1): the mountpoint folder swapped for a link to a
    /// folder outside --root while provision is about to mount (DOCKSTORE_PAUSE=mount). The
    /// mount goes through a descriptor of the folder opened inside the root, so it never lands
    /// outside: a link in its place is refused and nothing is mounted anywhere.
    @Test func aMountpointSwappedForALinkBeforeTheMountIsNeverMountedThrough() throws {
        try withTestRoot { root in
            let r = root.path
            let decoy = r + "-decoy"
            try root.sh("mkdir -p \(decoy)/docker")
            defer {
                _ = try? root.sh("umount \(decoy)/docker 2>/dev/null; rm -rf \(decoy)")
            }
            let run = Process()
            run.executableURL = URL(fileURLWithPath: TestRoot.binary)
            run.arguments = ["provision", "--size", "256M", "--root", r]
            run.environment = ProcessInfo.processInfo.environment.merging([Failpoint.pauseVariable: "mount"]) { $1 }
            let stderr = Pipe()
            run.standardOutput = FileHandle.nullDevice
            run.standardError = stderr
            try run.run()
            // The folder is made by the step before the mount, which then pauses a second.
            for _ in 0..<200 where root.status(root.mountpoint) == nil { usleep(50_000) }
            try root.sh("rmdir \(root.mountpoint) && ln -s \(decoy)/docker \(root.mountpoint)")
            run.waitUntilExit()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(run.terminationStatus == 2, "\(message)")
            #expect(message.contains("is no longer a folder"), "\(message)")
            #expect(message.split(separator: "\n").count == 1, "one line: \(message)")
            let mounts = try root.sh("findmnt -rn -o TARGET")
            #expect(!mounts.contains(decoy), "nothing mounted outside --root: \(mounts)")
            #expect(!mounts.contains(root.mountpoint), "nothing mounted through the link")
        }
        reliability("hostile files: mountpoint swapped for a link before the mount (paused)", cases: 1, runs: 1)
    }
}
