import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 11, B02 and B03: a file dockstore replaces by rename (fstab, sysconfig) that
/// is a mount point (a bind mount over it, read-write or read-only) passed the write preflight;
/// rename(2) onto it gave EBUSY only after provision had made, formatted and mounted the image
/// (backend after it had rewritten daemon.json, teardown after the unmount and the detach).
/// Now the preflight refuses it before the first step: exit 2, one line, the tree as it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct WritePreflightMountPointIntegrationTests {
    static func renameRefusal(_ file: String) -> String {
        "dockstore: \(file) is a mount point (a bind mount over it): dockstore replaces the file by rename, which cannot replace a mount point; nothing was changed: unmount it (umount \(file)) and re-run"
    }

    static func removalRefusal(_ file: String) -> String {
        "dockstore: \(file) is a mount point (a bind mount over it): dockstore removes the file, which cannot remove a mount point; nothing was changed: unmount it (umount \(file)) and re-run"
    }

    /// Bind-mounts `file` over itself (read-only when `readOnly`).
    func bindOverItself(_ root: TestRoot, _ file: String, readOnly: Bool) throws {
        try root.sh("mount --bind '\(file)' '\(file)'" + (readOnly ? " && mount -o remount,bind,ro '\(file)'" : ""))
    }

    func refuses(_ root: TestRoot, _ arguments: [String], _ line: String) throws {
        let before = root.snapshot()
        let mounts = root.mounts().count
        let result = try root.dockstore(arguments)
        #expect(result.status == ExitStatus.refused.rawValue, "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
        #expect(result.stderrLines == [Substring(line)], "\(arguments): \(result.stderr)")
        #expect(root.changes(since: before) == [], "\(arguments): nothing changed")
        #expect(root.mounts().count == mounts, "\(arguments): nothing mounted or unmounted")
    }

    /// (the file under the root, read-only bind mount)
    static let provisionCases: [(String, Bool)] = [
        ("/etc/fstab", false), ("/etc/fstab", true), ("/etc/sysconfig/docker", false), ("/etc/sysconfig/docker", true),
    ]

    @Test(arguments: provisionCases)
    func provisionRefusesBeforeMakingTheImage(_ name: String, _ readOnly: Bool) throws {
        try withTestRoot { root in
            let file = root.path + name
            try root.write(file, name == "/etc/fstab" ? "# x\n" : "DOCKER_OPTS=\"--debug\"\n")
            try bindOverItself(root, file, readOnly: readOnly)
            try refuses(root, ["provision", "--size", "256M"], Self.renameRefusal(file))
            #expect(root.status(root.image) == nil, "no image was made")
            #expect(root.loopDevices().isEmpty, "nothing attached")
        }
    }

    /// B03: backend changes daemon.json and DOCKER_OPTS; with the sysconfig file bind-mounted it
    /// removed daemon.json's driver and then failed, leaving the driver set nowhere.
    @Test(arguments: [false, true])
    func backendRefusesBeforeChangingDaemonJSON(_ readOnly: Bool) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.mountpoint)")
            try root.write(root.path + "/etc/docker/daemon.json", "{\"storage-driver\":\"overlay2\"}\n")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--debug\"\n")
            try bindOverItself(root, root.sysconfig, readOnly: readOnly)
            try refuses(root, ["backend", "overlay2"], Self.renameRefusal(root.sysconfig))
            #expect(root.read(root.path + "/etc/docker/daemon.json") == "{\"storage-driver\":\"overlay2\"}\n")
        }
    }

    /// Teardown rewrites an admin's fstab (rename) and removes one it created (unlink): both
    /// refused before the unmount, with the store still mounted.
    @Test(arguments: [true, false])
    func teardownRefusesBeforeTheUnmount(_ adminsFstab: Bool) throws {
        try withTestRoot { root in
            if adminsFstab { try root.write(root.fstab, "# x\n") }
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try bindOverItself(root, root.fstab, readOnly: false)
            try refuses(root, ["teardown", "--delete-image"], adminsFstab ? Self.renameRefusal(root.fstab) : Self.removalRefusal(root.fstab))
            #expect(root.mounts().contains { $0.target == root.mountpoint }, "the store stays mounted")
            try root.sh("umount '\(root.fstab)'")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
        }
    }
}
