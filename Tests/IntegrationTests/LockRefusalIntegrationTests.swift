import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The seventh outside attack: a read-only or immutable `run/` made every changing command exit 1
/// ("cannot open the lock file"), which provision(8) reads as "re-running finishes what was
/// started", although nothing had started. The lock comes before any change, so it is a refusal:
/// exit 2, one line saying what to make writable, the tree unchanged.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LockRefusalIntegrationTests {
    /// (how run/ is made unwritable, how it is made writable again)
    static let cases: [(String, String)] = [
        ("chattr +i $R/run", "chattr -i $R/run"),
        ("mount -t tmpfs -o ro,size=1m tmpfs $R/run", "umount $R/run"),
    ]

    /// Attack 47 Q 11: a link or a folder at the lock's name gave exit 1 and the bare errno
    /// ("Too many levels of symbolic links"); it is a refusal naming what is there.
    @Test(arguments: [("ln -s /etc/passwd $L", "a symbolic link"), ("ln -s dockstore.other $L && touch $R/run/dockstore.other", "a symbolic link"), ("mkdir $L", "a folder")])
    func somethingElseAtTheLocksNameIsRefusedAndNamed(_ make: String, _ what: String) throws {
        try withTestRoot { root in
            try root.write(root.fstab, "# host\n")
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig' '\(root.path)/run'")
            let lock = root.path + "/run/dockstore.lock"
            try root.sh(make.replacingOccurrences(of: "$L", with: "'\(lock)'").replacingOccurrences(of: "$R", with: "'\(root.path)'"))
            for command in [["provision"], ["backend", "vfs", "--force"]] {
                let before = root.snapshot()
                let result = try root.dockstore(command)
                #expect(result.status == 2 && result.stderrLines.count == 1
                        && result.stderr.contains("the lock file \(lock) is \(what), not a file dockstore made"), "\(command[0]): \(result.status) \(result.stderr)")
                #expect(root.changes(since: before) == [], "\(command[0])")
            }
        }
    }

    /// Attack 49 S F7, F11: backend as another user than root, with files only root may read
    /// (a 0700 /etc/sysconfig, a 0600 --config-file), exited 1 with the bare "Permission
    /// denied"; it says to run it as root, as status does, and is a refusal (exit 2).
    @Test func backendAsAnotherUserIsToldToRunItAsRoot() throws {
        try withTestRoot { root in
            try root.sh("chmod 755 '\(root.path)' && mkdir -p '\(root.path)/etc/sysconfig' && chmod 700 '\(root.path)/etc/sysconfig'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            let before = root.snapshot()
            for arguments in [["backend", "btrfs", "--dry-run"], ["backend"]] {
                let run = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary] + arguments + ["--root", root.path])
                #expect(run.status == 2 && run.stderr.contains("Permission denied; backend reads files that only root may read: run it as root")
                        && run.stderrLines.count == 1, "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before) == [])
        }
    }

    @Test(arguments: cases.indices)
    func anUnwritableRunFolderRefusesBeforeAnyChange(_ index: Int) throws {
        let (lock, unlock) = Self.cases[index]
        try withTestRoot { root in
            try root.write(root.fstab, "# host\n")
            // backend's plan refuses a root without /etc/sysconfig before it takes the lock.
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig'")
            try root.sh(lock.replacingOccurrences(of: "$R", with: root.path))
            defer { _ = try? root.sh(unlock.replacingOccurrences(of: "$R", with: root.path)) }
            for command in [["provision"], ["backend", "vfs", "--force"]] {
                let before = root.snapshot()
                let result = try root.dockstore(command)
                #expect(result.status == 2, "\(command[0]) (\(lock)): \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count == 1, "\(command[0]): \(result.stderr)")
                #expect(result.stderr.contains("cannot open the lock file") && result.stderr.contains("make \(root.path)/run writable"),
                        "\(command[0]): \(result.stderr)")
                #expect(root.changes(since: before) == [], "\(command[0])")
            }
        }
    }

    /// Attack 29 R-backend: backend's write-time refusals (an append-only daemon.json, an
    /// immutable sysconfig/docker) said "nothing was changed" and left a new run/ folder with the
    /// lock file in it. They are part of the plan now, which a refused run makes without a lock.
    @Test(arguments: [("chattr +a", "etc/docker/daemon.json"), ("chattr +i", "etc/sysconfig/docker")])
    func backendsWriteTimeRefusalTakesNoLock(_ attribute: String, _ file: String) throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/sysconfig/docker", "DOCKER_OPTS=\"\"\n")
            try root.write(root.path + "/etc/docker/daemon.json", "{\"storage-driver\": \"vfs\"}\n")
            try root.sh("\(attribute) '\(root.path)/\(file)'")
            defer { _ = try? root.sh("\(attribute.replacingOccurrences(of: "+", with: "-")) '\(root.path)/\(file)'") }
            try root.sh("rmdir '\(root.path)/run'")
            let before = root.snapshot()
            let result = try root.dockstore(["backend", "overlay2", "--force"])
            #expect(result.status == 2 && result.stderrLines.count == 1 && result.stderr.contains("nothing was changed"), "\(result.stdout)\(result.stderr)")
            #expect(root.status(root.path + "/run") == nil, "a refused backend made run/: \(result.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
        }
    }

    /// Attack 30, 4: teardown's and migrate-ebs's write-time refusals (an immutable fstab) left
    /// a new run/ with the lock file. Their write preflight is part of the plan now.
    @Test func teardownsAndMigrateEBSsWriteTimeRefusalsTakeNoLock() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 1024)
            try root.sh("rm -rf '\(root.path)/run' && chattr +i '\(root.fstab)'")
            defer { _ = try? root.sh("chattr -i '\(root.fstab)'") }
            for command in [["teardown"], ["migrate-ebs", disk, "--yes"]] {
                let before = root.snapshot()
                let result = try root.dockstore(command)
                #expect(result.status == 2 && result.stderrLines.count == 1 && result.stderr.contains("is immutable"), "\(command[0]): \(result.stdout)\(result.stderr)")
                #expect(root.status(root.path + "/run") == nil, "\(command[0]) made run/")
                #expect(root.changes(since: before) == [], "\(command[0]): \(root.changes(since: before))")
            }
        }
    }
}
