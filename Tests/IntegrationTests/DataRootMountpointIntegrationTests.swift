import DockStoreCore
import Foundation
import Testing

/// A store at a mountpoint other than dockerd's default data root (attack 12, B21), on real
/// loop devices and btrfs: `provision --mountpoint /srv/d` adds `--data-root=/srv/d` to
/// DOCKER_OPTS (dockerd would otherwise keep /var/lib/docker and never use the store), status
/// and backend then say "in place"; without that flag (the implicit default /var/lib/docker)
/// both report a problem naming the default and the remedy, and provision puts it back;
/// teardown gives /etc/sysconfig/docker back byte for byte, or removes the file it created.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DataRootMountpointIntegrationTests {
    static let admins = "## Path: System/Management\n# the admin's own\nDOCKER_OPTS=\"--debug\"\nFOO=1\n"

    func words(_ root: TestRoot) throws -> String {
        try root.sh("bash -c '. \"\(root.sysconfig)\"; echo $DOCKER_OPTS'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [admins, nil as String?])
    func provisionMakesTheMountpointTheDataRootAndTeardownGivesTheFileBack(_ start: String?) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv' '\(root.path)/etc/sysconfig'")
            if let start { try root.write(root.sysconfig, start) }
            let at = ["--mountpoint", "/srv/d"]
            let provision = try root.dockstore(["provision", "--size", "300M"] + at)
            #expect(provision.status == 0, "\(provision.stdout) \(provision.stderr)")
            #expect(try words(root) == (start == nil ? "" : "--debug ") + "--storage-driver=btrfs --data-root=/srv/d")
            #expect(root.mounts().map(\.target) == [root.path + "/srv/d"])
            #expect(try root.dockstore(["status"] + at).status == 0)
            #expect(try root.dockstore(["backend"] + at).status == 0)

            // The implicit default data root is a problem, as an explicit /var/lib/docker is.
            try root.write(root.sysconfig, root.read(root.sysconfig)!.replacingOccurrences(of: " --data-root=/srv/d", with: ""))
            let status = try root.dockstore(["status"] + at)
            #expect(status.status == 4 && status.stdout.contains("--data-root=/srv/d"), "\(status.stdout)")
            let backend = try root.dockstore(["backend"] + at)
            #expect(backend.status == 4 && backend.stdout.contains("its default /var/lib/docker"), "\(backend.stdout)")
            #expect(backend.stdout.contains("not the store's mountpoint /srv/d"), "\(backend.stdout)")
            let again = try root.dockstore(["provision"] + at)
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try words(root).hasSuffix("--data-root=/srv/d"))
            #expect(try root.dockstore(["status"] + at).status == 0)

            let teardown = try root.dockstore(["teardown"] + at)
            #expect(teardown.status == 0, "\(teardown.stdout) \(teardown.stderr)")
            #expect(root.read(root.sysconfig) == start, "\(root.read(root.sysconfig) ?? "no file")")
            #expect(root.mounts().isEmpty)
        }
    }

    /// An explicit data root naming the mountpoint through `.` and `..` components (B03) is
    /// the mountpoint, as dockerd cleans it: no problem, nothing added.
    @Test func aCleanedDataRootIsTheMountpoint() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--data-root=/var/lib/./docker/btrfs/..\"\n")
            let provision = try root.dockstore(["provision", "--size", "300M"])
            #expect(provision.status == 0, "\(provision.stdout) \(provision.stderr)")
            #expect(try words(root) == "--data-root=/var/lib/./docker/btrfs/.. --storage-driver=btrfs")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["teardown"]).status == 0)
        }
    }
}
