import DockStoreCore
import Foundation
import Testing

/// Attack 33 V C10: /var/lib a link to /srv/a when provision ran, moved to /srv/b while the
/// store stays mounted at /srv/a/docker. teardown resolved the paths through the new link, saw
/// no store, removed the configuration and exited 0, leaving the store mounted and the old
/// unit's drop-in behind; provision would have made a second, empty store at /srv/b. Both refuse
/// now, naming the store and the way back (status says the same), and nothing changes; with the
/// link put back, teardown takes the store down. After a reboot (nothing mounted at /srv/a),
/// teardown and provision remove the old unit's drop-in, which names a unit systemd no longer makes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RelinkedStoreIntegrationTests {
    func provisionBehindLink(_ root: TestRoot) throws {
        _ = try root.sh("rm -rf '\(root.path)/var/lib' && mkdir -p '\(root.path)/srv/a' '\(root.path)/srv/b' && ln -s /srv/a '\(root.path)/var/lib'")
        let run = try root.dockstore(["provision", "--size", "256M"])
        try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
        try root.write(root.path + "/srv/a/docker/marker", "kept\n")
        _ = try root.sh("ln -sfn /srv/b '\(root.path)/var/lib'")
    }

    var oldDropIn: String { "/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf" }

    /// Attack 34 W C6, C6b: without docker.service's drop-in — provision killed after its fstab
    /// step, before the drop-in, or the drop-in removed by an admin — the link changed, and
    /// provision made a second, empty store at /srv/b and mounted it beside the first. The
    /// configuration's layout (image and mountpoint in one folder) names the store at /srv/a
    /// now: provision and teardown refuse with nothing changed, check says where it is; with the
    /// link put back, provision finishes and teardown takes it down.
    /// Attack 39 T F1: a nested image tree under the root with its own /var/lib a link (its store
    /// at R/mnt/image/srv/q/docker) was taken for this root's relinked store: provision refused
    /// at boot. A store under a folder holding an `etc` folder is that tree's.
    @Test func aNestedTreesStoreBehindItsOwnLinkIsNotThisRootsStore() throws {
        try withTestRoot { root in
            _ = try root.sh("rm -rf '\(root.path)/var/lib' && mkdir -p '\(root.path)/srv/b' && ln -s /srv/b '\(root.path)/var/lib'")
            let killed = try root.dockstore(["provision", "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "fstab"])
            try #require(killed.signal == SIGKILL)
            let store = try root.sh("findmnt -rn -o SOURCE '\(root.path)/srv/b/docker'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.path)/srv/b/docker' && (losetup -d \(store) 2>/dev/null || true)")
            let nested = root.path + "/mnt/image"
            _ = try root.sh("mkdir -p '\(nested)/etc/sysconfig' '\(nested)/srv/q' '\(nested)/var' && ln -s /srv/q '\(nested)/var/lib'")
            let tree = try root.run(TestRoot.binary, ["provision", "--root", nested, "--size", "256M"])
            try #require(tree.status == 0, "\(tree.stdout)\(tree.stderr)")
            defer { _ = try? root.run(TestRoot.binary, ["teardown", "--root", nested, "--delete-image"]) }
            let own = try root.dockstore(["provision"])
            #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
            #expect(Set(root.mounts().map(\.target)) == [root.path + "/srv/b/docker", nested + "/srv/q/docker"], "\(root.mounts().map(\.target))")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }

    /// The layout alone is a relinked store only while a link on the mountpoint's path leads
    /// elsewhere: a nested tree with no `etc` yet (its provision killed after the mount, before
    /// the fstab step made one) under a root with no link on /var/lib was taken for this root's
    /// store, and provision refused at boot.
    @Test func aNestedTreeWithoutEtcUnderARootWithoutALinkIsNotThisRootsStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("rm -r '\(root.path)/etc/systemd/system/docker.service.d'")
            let store = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(store) 2>/dev/null || true)")
            let nested = root.path + "/mnt/bare"
            _ = try root.sh("mkdir -p '\(nested)/srv/q' '\(nested)/var' && ln -s /srv/q '\(nested)/var/lib'")
            let tree = try root.run(TestRoot.binary, ["provision", "--root", nested, "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "mount"])
            try #require(tree.signal == SIGKILL && !FileManager.default.fileExists(atPath: nested + "/etc"), "\(tree.stdout)\(tree.stderr)")
            defer { _ = try? root.run(TestRoot.binary, ["teardown", "--root", nested, "--delete-image"]) }
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && !check.stdout.contains(nested), "\(check.stdout)")
            let own = try root.dockstore(["provision"])
            #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
            #expect(Set(root.mounts().map(\.target)) == [root.mountpoint, nested + "/srv/q/docker"], "\(root.mounts().map(\.target))")
        }
    }

    @Test(arguments: ["killed before the drop-in", "drop-in removed"])
    func withoutDockersDropInTheLayoutNamesTheStoreWhereTheLinkLed(_ how: String) throws {
        try withTestRoot { root in
            _ = try root.sh("rm -rf '\(root.path)/var/lib' && mkdir -p '\(root.path)/srv/a' '\(root.path)/srv/b' && ln -s /srv/a '\(root.path)/var/lib'")
            if how == "drop-in removed" {
                try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
                _ = try root.sh("rm -r '\(root.path)/etc/systemd/system/docker.service.d'")
            } else {
                let killed = try root.dockstore(["provision", "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "fstab"])
                try #require(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
                #expect(!FileManager.default.fileExists(atPath: root.dropIn), "the kill came before the drop-in")
            }
            try root.write(root.path + "/srv/a/docker/marker", "kept\n")
            _ = try root.sh("ln -sfn /srv/b '\(root.path)/var/lib'")
            let before = root.snapshot()
            let store = "the store dockstore set up is mounted at \(root.path)/srv/a/docker (/dev/loop"
            let why = "; the image \(root.path)/srv/a/docker-storage.btrfs beside it, this configuration's image and mountpoint in one folder), but /var/lib/docker resolves to /srv/b/docker now: a link on its path was changed since provision ran; point it back (so /var/lib/docker leads to that store again)"
            for command in ["provision", "teardown"] {
                let run = try root.dockstore([command])
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1, "\(command): \(run.stdout)\(run.stderr)")
                #expect(run.stderr.hasPrefix("dockstore: refusing: \(store)") && run.stderr.contains(why + " and run dockstore \(command) again; nothing was changed"),
                        "\(command): \(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(command): \(root.changes(since: before))")
            }
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is mounted at \(root.path)/srv/b/docker: \(store)") && check.stdout.contains(why),
                    "\(check.stdout)")
            #expect(try root.sh("ls -A '\(root.path)/srv/b'").isEmpty, "DATA: a second store was made at /srv/b")
            _ = try root.sh("ln -sfn /srv/a '\(root.path)/var/lib'")
            let finished = try root.dockstore(["provision"])
            #expect(finished.status == 0 && FileManager.default.fileExists(atPath: root.dropIn), "\(finished.stdout)\(finished.stderr)")
            #expect(root.read(root.path + "/srv/a/docker/marker") == "kept\n", "the store is the same")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(try root.sh("findmnt -rn -o TARGET | grep -c '^\(root.path)/' || true").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    @Test func aStoreMountedWhereTheLinkLedIsRefusedNotLeftBehind() throws {
        try withTestRoot { root in
            try provisionBehindLink(root)
            let before = root.snapshot()
            let refusal = "refusing: the store dockstore set up is mounted at \(root.path)/srv/a/docker ("
            let why = "docker.service's drop-in waits for srv-a-docker.mount), but /var/lib/docker resolves to /srv/b/docker now: a link on its path was changed since provision ran; point it back (so /var/lib/docker leads to that store again) and run dockstore"

            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains(refusal) && status.stdout.contains(why), "\(status.stdout)")
            // The state does not send the admin to a provision that refuses.
            #expect(status.stdout.contains("problem(s); 'dockstore provision' refuses until the first is resolved:\n  - \(refusal)")
                    && !status.stdout.contains("fixes what it can"), "\(status.stdout)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is mounted at \(root.path)/srv/b/docker: \(refusal.dropFirst("refusing: ".count))")
                    && check.stdout.contains(why.replacingOccurrences(of: " and run dockstore", with: "\n")), "\(check.stdout)")
            let json = try root.dockstore(["status", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["provisionRefusal"] as? String)?.hasPrefix(refusal) == true, "\(json.stdout)")
            for command in ["provision", "teardown"] {
                let run = try root.dockstore([command])
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1, "\(command): \(run.stdout)\(run.stderr)")
                #expect(run.stderr.contains(refusal) && run.stderr.contains(why + " \(command) again; nothing was changed"), "\(command): \(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(command): \(root.changes(since: before))")
            }
            #expect(root.read(root.path + "/srv/a/docker/marker") == "kept\n", "the store stays mounted")

            _ = try root.sh("ln -sfn /srv/a '\(root.path)/var/lib'")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(try root.sh("findmnt -rn -o TARGET | grep -c '^\(root.path)/' || true").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            #expect(!FileManager.default.fileExists(atPath: root.path + oldDropIn))
            #expect(!FileManager.default.fileExists(atPath: root.dropIn))
        }
    }

    func reboot(_ root: TestRoot) throws {
        _ = try root.sh("umount '\(root.path)/srv/a/docker'")
        #expect(try root.sh("findmnt -rn -o TARGET | grep -c '^\(root.path)/' || true").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func afterARebootTeardownRemovesTheOldUnitsDropIn() throws {
        try withTestRoot { root in
            try provisionBehindLink(root)
            try reboot(root)
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0 && down.stdout.contains("[mount-drop-in] remove \(root.path)\(oldDropIn)"), "\(down.stdout)\(down.stderr)")
            let left = try root.sh("find '\(root.path)/etc/systemd' -name '*.conf'")
            #expect(left.isEmpty, "\(left)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/srv/a/docker-storage.btrfs"), "the image is kept")
            // Attack 34 W C8: it said nothing of what it left where the link led.
            #expect(down.stdout.contains(relinkNote(root, edited: false)), "\(down.stdout)")
            // Pointed back, the next teardown finds what provision made there and takes it down.
            _ = try root.sh("ln -sfn /srv/a '\(root.path)/var/lib'")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0 && !again.stdout.contains("when provision last ran"), "\(again.stdout)\(again.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/srv/a/docker-storage.btrfs"))
            #expect(!FileManager.default.fileExists(atPath: root.path + "/srv/a/docker"))
            #expect(!FileManager.default.fileExists(atPath: root.path + "/srv/a/dockstore"))
        }
    }

    func relinkNote(_ root: TestRoot, edited: Bool) -> String {
        "when provision last ran, /var/lib/docker was /srv/a/docker (docker.service's drop-in waits for srv-a-docker.mount); a link on its path was changed since, and it is /srv/b/docker now: teardown takes down what is there and leaves what provision made where the link led then (the store's image or device, the folders it made)"
            + (edited ? ", and \(root.path)\(oldDropIn), which someone changed (dockstore removes only its own): remove it by hand" : "")
            + "; to take that down too, point the link back and run dockstore teardown again (with --delete-image to delete the image)\n"
    }

    /// Attack 34 X F7: an old unit's drop-in an admin edited stayed without a word.
    @Test func afterARebootTeardownNamesAnEditedOldDropInItKeeps() throws {
        try withTestRoot { root in
            try provisionBehindLink(root)
            try reboot(root)
            try root.write(root.path + oldDropIn, (root.read(root.path + oldDropIn) ?? "") + "# kept by the admin\n")
            let dry = try root.dockstore(["teardown", "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains(relinkNote(root, edited: true)), "\(dry.stdout)\(dry.stderr)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0 && down.stdout.contains(relinkNote(root, edited: true)), "\(down.stdout)\(down.stderr)")
            #expect(root.read(root.path + oldDropIn)?.hasSuffix("# kept by the admin\n") == true)
        }
    }

    /// Another filesystem mounted where the link led (a tmpfs after the reboot) is not the store:
    /// provision does not refuse in its name, and makes the store where the link leads now.
    @Test func anotherFilesystemWhereTheLinkLedIsNotTakenForTheStore() throws {
        try withTestRoot { root in
            try provisionBehindLink(root)
            try reboot(root)
            _ = try root.sh("mount -t tmpfs none '\(root.path)/srv/a/docker'")
            let status = try root.dockstore(["status"])
            #expect(!status.stdout.contains("the store dockstore set up is mounted at"), "\(status.stdout)")
            let run = try root.dockstore(["provision", "--size", "256M"])
            #expect(run.status == 0 && !run.stderr.contains("the store dockstore set up is mounted at"), "\(run.stdout)\(run.stderr)")
            #expect(try root.sh("findmnt -rn -o FSTYPE '\(root.path)/srv/b/docker'").trimmingCharacters(in: .whitespacesAndNewlines) == "btrfs")
            #expect(try root.sh("findmnt -rn -o FSTYPE '\(root.path)/srv/a/docker'").trimmingCharacters(in: .whitespacesAndNewlines) == "tmpfs")
        }
    }

    @Test func afterARebootProvisionRemovesTheOldUnitsDropIn() throws {
        try withTestRoot { root in
            try provisionBehindLink(root)
            try reboot(root)
            let run = try root.dockstore(["provision", "--size", "256M"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("remove it: the mountpoint resolves to /srv/b/docker now (a link on its path was changed), so systemd mounts it as srv-b-docker.mount and no longer makes srv-a-docker.mount"), "\(run.stdout)")
            #expect(!FileManager.default.fileExists(atPath: root.path + oldDropIn))
            // Attack 34 X F2: the warning names where the link led (it said only "the image is missing").
            #expect(run.stderr.contains("; when provision last ran, /var/lib/docker was /srv/a/docker (docker.service's drop-in waits for srv-a-docker.mount): a link on its path was changed since, and the store may be where it led then: point the link back before Docker fills the new one"),
                    "\(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/srv-b-docker.mount.d/dockstore.conf"))
            #expect((root.read(root.dropIn) ?? "").contains("Wants=srv-b-docker.mount\n"))
            #expect(FileManager.default.fileExists(atPath: root.path + "/srv/a/docker-storage.btrfs"), "the old image is kept")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
        }
    }
}
