import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A refused provision leaves the tree as it was: every folder it would write into is checked
/// inside --root before the first step (nothing is created, formatted or mounted first), and
/// a refusal creates no run lock, so even /run's entries and times stay. Two runs still
/// exclude each other.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RefusedTreeIntegrationTests {
    /// Every entry below the root (not the root itself, where the test runner keeps its output
    /// files, left out here too) with its name, type, mode, modification time, size and link target, as find shows them.
    func tree(_ root: TestRoot) throws -> String {
        try root.sh("cd '\(root.path)' && find . -mindepth 1 -xdev \\( -path './.out-*' -o -path './.err-*' \\) -prune -o -printf '%p|%y|%m|%T@|%s|%l\\n' | LC_ALL=C sort")
    }

    /// A folder provision writes into, broken one way at a time: the tree, the path the one
    /// line must name, and what it must say.
    static let brokenFolders: [(String, String, String)] = [
        ("rm -r etc && ln -s /nonexistent-etc etc", "/etc", "symbolic link to a folder that does not exist"),
        ("mkdir -p etc && ln -s /gone/sysconfig etc/sysconfig", "/etc/sysconfig", "symbolic link to a folder that does not exist"),
        ("mkdir -p etc && touch etc/systemd", "/etc/systemd", "is not a folder"),
        ("mkdir -p etc/systemd && ln -s ../../missing etc/systemd/system", "/etc/systemd/system", "symbolic link to a folder that does not exist"),
    ]

    @Test(arguments: brokenFolders)
    func aFolderProvisionWritesIntoIsCheckedBeforeAnythingChanges(_ setup: String, _ named: String, _ says: String) throws {
        try withTestRoot { root in
            try root.sh("cd '\(root.path)' && \(setup)")
            let before = try tree(root)
            let result = try root.dockstore(["provision", "--size", "256M"])
            #expect(result.status == ExitStatus.refused.rawValue, "\(setup): \(result.stdout) \(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(setup): \(result.stderr)")
            #expect(result.stderr.contains(root.path + named) && result.stderr.contains(says), "\(setup): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(setup): nothing was done: \(result.stdout)")
            #expect(try tree(root) == before, "\(setup)")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty, "\(setup)")
        }
    }

    /// A refusal (exit 2) and a bad value (exit 64) leave every entry as it was: no
    /// run/dockstore.lock, and run's modification time unchanged.
    @Test func aRefusalLeavesTheTreeIdentical() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "/dev/sdz /var/lib/docker ext4 defaults 0 0\n")
            let before = try tree(root)
            let refused = try root.dockstore(["provision", "--size", "256M"])
            #expect(refused.status == ExitStatus.refused.rawValue, "\(refused.stderr)")
            #expect(try tree(root) == before)
            #expect(root.status(root.path + "/run/dockstore.lock") == nil)
            let usage = try root.dockstore(["provision", "--size", "-1"])
            #expect(usage.status == ExitStatus.usage.rawValue, "\(usage.stderr)")
            #expect(try tree(root) == before)
        }
    }

    /// The other changing commands plan before they lock: a refusal, a bad value and
    /// nothing to do leave every entry as it was, run/dockstore.lock included.
    /// (command, sysconfig, exit status); teardown with the boot switch already off has nothing to do.
    static let otherCommands: [([String], String, Int32)] = [
        (["backend", "vfs"], "DOCKER_OPTS=\"--log-level=warn\"\nDOCKER_OPTS+=\" -s overlay2\"\n", ExitStatus.refused.rawValue),
        (["backend", "vfs"], "DOCKER_OPTS=\"-s overlay2\"; DOCKER_OPTS=\"-s devicemapper\"\n", ExitStatus.refused.rawValue),
        (["backend", "nosuchdriver"], "DOCKER_OPTS=\"\"\n", ExitStatus.usage.rawValue),
        (["grow", "--to", "2G"], "DOCKER_OPTS=\"\"\n", ExitStatus.refused.rawValue),
        (["teardown"], "DOCKER_OPTS=\"\"\n", 0),
        (["migrate-ebs", "/dev/null"], "DOCKER_OPTS=\"\"\n", ExitStatus.refused.rawValue),
        (["migrate-ebs", "/dev/nonexistent-volume", "--wait", "0"], "DOCKER_OPTS=\"\"\n", ExitStatus.refused.rawValue),
        (["reclaim"], "DOCKER_OPTS=\"\"\n", ExitStatus.refused.rawValue),
        (["reclaim", "--orphans"], "DOCKER_OPTS=\"\"\n", ExitStatus.refused.rawValue),
    ]

    @Test(arguments: otherCommands)
    func otherCommandsRefuseWithTheTreeIdentical(_ command: [String], _ sysconfig: String, _ status: Int32) throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, sysconfig)
            try root.write(root.path + "/etc/dockstore.disabled", "")
            let before = try tree(root)
            let result = try root.dockstore(command)
            #expect(result.status == status, "\(command): \(result.stdout) \(result.stderr)")
            if status != 0 { #expect(result.stderrLines.count == 1, "\(command): \(result.stderr)") }
            #expect(try tree(root) == before, "\(command)")
            #expect(root.status(root.path + "/run/dockstore.lock") == nil, "\(command)")
        }
    }

    /// With no lock file, two provisions started together: one builds the store, the other
    /// finds the lock taken, waits, plans again and has nothing to do.
    @Test func twoRunsStillExcludeEachOtherWithoutALockFile() throws {
        for round in 0..<4 {
            try withTestRoot { root in
                let script = """
                    "$1" provision --size 256M --root "$2" > "$2/a.out" 2>&1 & a=$!
                    "$1" provision --size 256M --root "$2" > "$2/b.out" 2>&1 & b=$!
                    wait $a; ra=$?; wait $b; rb=$?; echo "$ra $rb"
                    """
                let statuses = try root.run("/bin/bash", ["-c", script, "two-runs", TestRoot.binary, root.path]).stdout
                let outputs = [root.read(root.path + "/a.out") ?? "", root.read(root.path + "/b.out") ?? ""]
                #expect(statuses == "0 0\n", "round \(round): \(outputs)")
                #expect(outputs.filter { $0.contains("[create-image]") }.count == 1, "round \(round): exactly one run builds the image: \(outputs)")
                #expect(outputs.filter { $0.contains("nothing to do") }.count == 1, "round \(round): \(outputs)")
                #expect(root.mounts().count == 1)
                #expect(root.fstabAfterCreatedMark?.split(separator: "\n").count == 1)
            }
        }
    }

    /// A run that finds the lock file made by a run that is still changing the store (held at
    /// its mount step) waits for it, and then has nothing to do.
    @Test func aRunWaitsForTheRunThatCreatedTheLock() throws {
        try withTestRoot { root in
            let script = """
                DOCKSTORE_PAUSE=mount "$1" provision --size 256M --root "$2" > "$2/a.out" 2>&1 & a=$!
                for i in $(seq 1 500); do [ -e "$2/run/dockstore.lock" ] && break; sleep 0.01; done
                "$1" provision --size 256M --root "$2" > "$2/b.out" 2>&1; rb=$?
                kill -0 $a 2>/dev/null && echo "a still runs after b ended"
                wait $a; echo "$? $rb"
                """
            let out = try root.run("/bin/bash", ["-c", script, "waits", TestRoot.binary, root.path]).stdout
            #expect(out == "0 0\n", "\(out) \(root.read(root.path + "/a.out") ?? "") \(root.read(root.path + "/b.out") ?? "")")
            #expect(root.read(root.path + "/b.out")?.contains("nothing to do") == true, "\(root.read(root.path + "/b.out") ?? "")")
            #expect(root.mounts().count == 1)
        }
    }
}
