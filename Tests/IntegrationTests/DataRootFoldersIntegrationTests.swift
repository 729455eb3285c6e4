import DockStoreCore
import Foundation
import Testing

/// Attack 42 Q F6: a filesystem mounted on a folder dockerd keeps inside its data root (a tmpfs
/// over DATAROOT/btrfs), or chattr +i on one (DATAROOT/btrfs/subvolumes), made `docker create`
/// fail while check said OK. check says CRITICAL, naming the folder and the remedy; deeper
/// mounts (a container's shm, a tmpfs volume) and dockerd's own bind of its driver's folder are
/// no finding, nor an attribute on a folder dockerd only passes through. The real dockerd is the
/// oracle: it fails to create or remove a container in each state check calls CRITICAL, does
/// both where check says OK, and does both once the remedy is followed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DataRootFoldersIntegrationTests {
    enum Obstacle: String, CaseIterable, CustomTestStringConvertible {
        case tmpfsOverDriverFolder, immutableSubvolumes, appendOnlyContainers, readOnlyBindOfDriverFolder, immutableImageFolder
        var testDescription: String { rawValue }
        var folder: String {
            switch self {
            case .tmpfsOverDriverFolder, .readOnlyBindOfDriverFolder: return "btrfs"
            case .immutableSubvolumes: return "btrfs/subvolumes"
            case .appendOnlyContainers: return "containers"
            case .immutableImageFolder: return "image"
            }
        }
        var figure: String? {
            switch self {
            case .immutableSubvolumes, .appendOnlyContainers: return "data_root_attribute"
            case .tmpfsOverDriverFolder, .readOnlyBindOfDriverFolder: return "mounted_in_data_root"
            case .immutableImageFolder: return nil
            }
        }
        func make(_ path: String) -> String {
            switch self {
            case .tmpfsOverDriverFolder: return "mount -t tmpfs stray '\(path)'"
            case .immutableSubvolumes: return "chattr +i '\(path)'"
            case .appendOnlyContainers: return "chattr +a '\(path)'"
            case .immutableImageFolder: return "chattr +i '\(path)'"
            case .readOnlyBindOfDriverFolder: return "mount -o remount,bind,ro '\(path)'"
            }
        }
        func undo(_ path: String) -> String {
            switch self {
            case .tmpfsOverDriverFolder: return "umount '\(path)'"
            case .immutableSubvolumes: return "chattr -i '\(path)'"
            case .appendOnlyContainers: return "chattr -a '\(path)'"
            case .immutableImageFolder: return "chattr -i '\(path)'"
            case .readOnlyBindOfDriverFolder: return "mount -o remount,bind,rw '\(path)'"
            }
        }
    }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)), arguments: Obstacle.allCases)
    func aFolderDockerdCannotWriteIsCritical(_ obstacle: Obstacle) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let dockerd = try #require(started, "dockerd did not start: \(log)")
            defer { dockerd.stop() }
            try dockerd.importBusybox()
            let path = root.mountpoint + "/" + obstacle.folder
            // dockerd's own state: its bind of btrfs/ onto itself, a running container's shm.
            let running = try dockerd.docker(["run", "-d", "--network", "none", "busybox:test", "/bin/busybox", "sleep", "600"])
            try #require(running.status == 0, "\(running.stdout)\(running.stderr)")
            let clean = try root.dockstore(["check"])
            #expect(clean.status == 0, "dockerd's own mounts: \(clean.stdout)")

            _ = try root.sh(obstacle.make(path))
            var made = true
            defer { if made { _ = try? root.sh(obstacle.undo(path)) } }
            let create = try dockerd.docker(["create", "--network", "none", "busybox:test", "/bin/busybox", "true"])
            let id = create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let remove = create.status == 0 ? try dockerd.docker(["rm", id]) : create
            let check = try root.dockstore(["check"])
            let json = try root.dockstore(["check", "--format", "json"])
            let status = try root.dockstore(["status"])
            if let figure = obstacle.figure {
                #expect(remove.status != 0, "ORACLE: dockerd created and removed a container with \(obstacle)")
                #expect(check.status == 2 && check.stdout.contains(path) && check.stdout.hasPrefix("DOCKSTORE CRITICAL - "), "\(check.stdout)")
                #expect(json.stdout.contains("\"\(figure)\""), "\(json.stdout)")
                #expect(status.stdout.contains(path), "\(status.stdout)")
            } else {
                #expect(remove.status == 0, "ORACLE: \(obstacle): \(create.stdout)\(create.stderr)\(remove.stdout)\(remove.stderr)")
                #expect(check.status == 0, "\(check.stdout)")
            }
            _ = try root.sh(obstacle.undo(path))
            made = false
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            _ = try dockerd.docker(["container", "prune", "-f"])
            let again = try dockerd.docker(["create", "--network", "none", "busybox:test", "/bin/busybox", "true"])
            let gone = try dockerd.docker(["rm", again.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
            #expect(again.status == 0 && gone.status == 0, "\(again.stdout)\(again.stderr)\(gone.stderr)")
        }
    }
}
