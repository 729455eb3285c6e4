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
        case tmpfsOverDriverFolder, immutableSubvolumes, appendOnlyContainers, readOnlyBindOfDriverFolder, immutableImageFolder,
             readOnlyTmpfsOnImageMetadata, readOnlyBindOfNetwork, tmpfsOnTmp
        var testDescription: String { rawValue }
        var folder: String {
            switch self {
            case .tmpfsOverDriverFolder, .readOnlyBindOfDriverFolder: return "btrfs"
            case .immutableSubvolumes: return "btrfs/subvolumes"
            case .appendOnlyContainers: return "containers"
            case .immutableImageFolder: return "image"
            case .readOnlyTmpfsOnImageMetadata: return "image/btrfs"
            case .readOnlyBindOfNetwork: return "network"
            case .tmpfsOnTmp: return "tmp"
            }
        }
        var figure: String? {
            switch self {
            case .immutableSubvolumes, .appendOnlyContainers: return "data_root_attribute"
            case .tmpfsOverDriverFolder, .readOnlyBindOfDriverFolder, .readOnlyTmpfsOnImageMetadata, .readOnlyBindOfNetwork: return "mounted_in_data_root"
            case .immutableImageFolder, .tmpfsOnTmp: return nil
            }
        }
        func make(_ path: String) -> String {
            switch self {
            case .tmpfsOverDriverFolder: return "mount -t tmpfs stray '\(path)'"
            case .immutableSubvolumes: return "chattr +i '\(path)'"
            case .appendOnlyContainers: return "chattr +a '\(path)'"
            case .immutableImageFolder: return "chattr +i '\(path)'"
            case .readOnlyTmpfsOnImageMetadata: return "mount -t tmpfs -o ro stray '\(path)'"
            case .readOnlyBindOfNetwork: return "mount --bind '\(path)' '\(path)' && mount -o remount,bind,ro '\(path)'"
            case .tmpfsOnTmp: return "mount -t tmpfs stray '\(path)'"
            case .readOnlyBindOfDriverFolder: return "mount -o remount,bind,ro '\(path)'"
            }
        }
        func undo(_ path: String) -> String {
            switch self {
            case .tmpfsOverDriverFolder: return "umount '\(path)'"
            case .immutableSubvolumes: return "chattr -i '\(path)'"
            case .appendOnlyContainers: return "chattr -a '\(path)'"
            case .immutableImageFolder: return "chattr -i '\(path)'"
            case .readOnlyTmpfsOnImageMetadata, .readOnlyBindOfNetwork, .tmpfsOnTmp: return "umount '\(path)'"
            case .readOnlyBindOfDriverFolder: return "mount -o remount,bind,rw '\(path)'"
            }
        }
    }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)), arguments: Obstacle.allCases)
    func aFolderDockerdCannotWriteIsCritical(_ obstacle: Obstacle) throws {
        try withStoreAndDockerd { root, dockerd in
            let path = root.mountpoint + "/" + obstacle.folder
            // dockerd's own state: its bind of btrfs/ onto itself, a running container's shm, a
            // tmpfs volume mounted under volumes/.
            let volume = try dockerd.docker(["volume", "create", "--driver", "local", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "scratch"])
            try #require(volume.status == 0, "\(volume.stderr)")
            let running = try dockerd.docker(["run", "-d", "--network", "none", "-v", "scratch:/scratch", "busybox:test", "/bin/busybox", "sleep", "600"])
            try #require(running.status == 0, "\(running.stdout)\(running.stderr)")
            let clean = try root.dockstore(["check"])
            #expect(clean.status == 0, "dockerd's own mounts: \(clean.stdout)")

            _ = try root.sh(obstacle.make(path))
            var made = true
            defer { if made { _ = try? root.sh(obstacle.undo(path)) } }
            let works = try oracle(dockerd, root, round: 1)
            let check = try root.dockstore(["check"])
            let json = try root.dockstore(["check", "--format", "json"])
            let status = try root.dockstore(["status"])
            if let figure = obstacle.figure {
                #expect(works != nil, "ORACLE: dockerd created and removed a container, a network and an image with \(obstacle)")
                #expect(check.status == 2 && check.stdout.contains(path) && check.stdout.hasPrefix("DOCKSTORE CRITICAL - "), "\(check.stdout)")
                #expect(json.stdout.contains("\"\(figure)\""), "\(json.stdout)")
                #expect(status.stdout.contains(path), "\(status.stdout)")
            } else {
                #expect(works == nil, "ORACLE: \(obstacle): \(works ?? "")")
                #expect(check.status == 0, "\(check.stdout)")
            }
            _ = try root.sh(obstacle.undo(path))
            made = false
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            _ = try dockerd.docker(["container", "prune", "-f"])
            let again = try oracle(dockerd, root, round: 2)
            #expect(again == nil, "\(again ?? "")")
        }
    }

    /// Attack 45 N D: chattr +i or +a on one thing's own folder one level down (a container's
    /// folder, a layer's subvolume): `docker rm` of that container failed while check said OK.
    enum LockedThing: String, CaseIterable, CustomTestStringConvertible {
        case immutableContainerFolder, appendOnlyContainerFolder, immutableLayerSubvolume, twoImmutableContainerFolders,
             immutableContainerConfig, immutableVolumeData
        var testDescription: String { rawValue }
        var flag: String { self == .appendOnlyContainerFolder ? "a" : "i" }
    }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)), arguments: LockedThing.allCases)
    func aContainersOrLayersOwnFolderDockerdCannotChangeIsCritical(_ thing: LockedThing) throws {
        try withStoreAndDockerd { root, dockerd in
            var ids: [String] = []
            for _ in 0..<(thing == .twoImmutableContainerFolders ? 2 : 1) {
                let made = try dockerd.docker(["create", "--network", "none", "busybox:test", "/bin/busybox", "true"])
                try #require(made.status == 0, "\(made.stderr)")
                ids.append(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let clean = try root.dockstore(["check"])
            #expect(clean.status == 0, "\(clean.stdout)")
            if thing == .immutableVolumeData {
                let volume = try dockerd.docker(["volume", "create", "kept"])
                try #require(volume.status == 0, "\(volume.stderr)")
            }
            let paths: [String] = try ids.map { id in
                switch thing {
                case .immutableLayerSubvolume:
                    let mountID = try String(contentsOfFile: root.mountpoint + "/image/btrfs/layerdb/mounts/" + id + "/mount-id", encoding: .utf8)
                    return root.mountpoint + "/btrfs/subvolumes/" + mountID.trimmingCharacters(in: .whitespacesAndNewlines)
                case .immutableContainerConfig: return root.mountpoint + "/containers/" + id + "/config.v2.json"
                case .immutableVolumeData: return root.mountpoint + "/volumes/kept/_data"
                default: return root.mountpoint + "/containers/" + id
                }
            }
            for path in paths { _ = try root.sh("chattr +\(thing.flag) '\(path)'") }
            var made = true
            defer { if made { for path in paths { _ = try? root.sh("chattr -\(thing.flag) '\(path)'") } } }
            let refused = thing == .immutableVolumeData ? try dockerd.docker(["volume", "rm", "kept"]) : try dockerd.docker(["rm", ids[0]])
            #expect(refused.status != 0, "ORACLE: docker rm (or volume rm) worked with \(thing)")
            let check = try root.dockstore(["check"])
            let json = try root.dockstore(["check", "--format", "json"])
            let status = try root.dockstore(["status"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - "), "\(check.stdout)")
            #expect(paths.contains { check.stdout.contains($0) }, "\(check.stdout)")
            #expect(json.stdout.contains("\"data_root_attribute\""), "\(json.stdout)")
            #expect(paths.contains { status.stdout.contains($0) }, "\(status.stdout)")
            if thing == .twoImmutableContainerFolders {
                #expect(check.stdout.contains("and 1 more entry of \(root.mountpoint)/containers"), "\(check.stdout)")
                #expect(check.stdout.components(separatedBy: "data root have the immutable").count == 2, "one finding for both: \(check.stdout)")
            }
            for path in paths { _ = try root.sh("chattr -\(thing.flag) '\(path)'") }
            made = false
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            for id in ids {
                let removed = try dockerd.docker(["rm", id])
                #expect(removed.status == 0 || thing == .immutableContainerConfig, "\(removed.stderr)")
            }
            if thing == .immutableVolumeData {
                let removed = try dockerd.docker(["volume", "rm", "kept"])
                #expect(removed.status == 0, "\(removed.stderr)")
            }
        }
    }

    /// Attack 49 S A14: a folder the other storage driver would use, left over (a change of
    /// driver), with chattr +i: dockerd with the btrfs driver never touches overlay2, so it is no
    /// finding; Docker works.
    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func theOtherDriversFolderIsNoFinding() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let stale = root.mountpoint + "/overlay2/stale1"
            _ = try root.sh("mkdir -p '\(stale)' && chattr +i '\(stale)' '\(root.mountpoint)/overlay2'")
            defer { _ = try? root.sh("chattr -i '\(stale)' '\(root.mountpoint)/overlay2'") }
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let dockerd = try #require(started, "dockerd did not start: \(log)")
            defer { dockerd.stop() }
            try dockerd.importBusybox()
            let works = try oracle(dockerd, root, round: 1)
            #expect(works == nil, "ORACLE: \(works ?? "")")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "\(check.stdout)")
        }
    }

    /// A provisioned store with a real dockerd (btrfs driver) on it and busybox imported.
    func withStoreAndDockerd(_ body: (TestRoot, Dockerd) throws -> Void) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let dockerd = try #require(started, "dockerd did not start: \(log)")
            defer { dockerd.stop() }
            try dockerd.importBusybox()
            try body(root, dockerd)
        }
    }

    /// What dockerd fails to do of: create and remove a container, create and remove a network,
    /// import an image; nil when it does all.
    func oracle(_ dockerd: Dockerd, _ root: TestRoot, round: Int) throws -> String? {
        let create = try dockerd.docker(["create", "--network", "none", "busybox:test", "/bin/busybox", "true"])
        guard create.status == 0 else { return "docker create: \(create.stderr)" }
        let remove = try dockerd.docker(["rm", create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        guard remove.status == 0 else { return "docker rm: \(remove.stderr)" }
        let network = try dockerd.docker(["network", "create", "--internal", "oracle\(round)"])
        guard network.status == 0 else { return "docker network create: \(network.stderr)" }
        let gone = try dockerd.docker(["network", "rm", "oracle\(round)"])
        guard gone.status == 0 else { return "docker network rm: \(gone.stderr)" }
        let imported = try root.run("/bin/sh", ["-c", "tar -C '\(root.path)/busybox-rootfs' -c . | /usr/bin/docker -H unix://\(dockerd.socket) import - oracle:\(round)"])
        guard imported.status == 0 else { return "docker import: \(imported.stderr)" }
        return nil
    }
}
