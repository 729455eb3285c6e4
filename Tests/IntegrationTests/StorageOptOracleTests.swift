import DockStoreCore
import Foundation
import Testing

/// Outside attack 12, B17: the real dockerd 20.10 judges every storage option value dockstore
/// accepts or refuses. For each row, DOCKER_OPTS is set to the option as an admin might have
/// written it; `dockstore backend` says "dockerd can start with this" (exit 0) or reports a
/// problem (exit 4), `backend DRIVER --storage-opt` accepts it (exit 0, dry run) or refuses
/// it (64 for the value, 2 for a filesystem without project quota) — and dockerd, started on
/// the store as docker.service starts it, starts or refuses exactly so.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct StorageOptOracleTests {
    static let btrfsValues = ["10G", "1.5g", "512MiB", "0", "99999999999999999999P", "10E", "-1", "1G,btrfs.min_space=2G",
                              "0x10", "1e3", "", "1.2.3G"]

    @Test func btrfsMinSpaceAsDockerdReadsIt() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            for value in Self.btrfsValues {
                try judge(root, driver: "btrfs", option: "btrfs.min_space=\(value)")
            }
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }

    /// overlay2 on xfs: overlay2.size needs project quota (the mount's pquota), a size read as 0 does not.
    @Test(arguments: [false, true])
    func overlay2OnXfsAsDockerdReadsIt(_ pquota: Bool) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            _ = try root.sh("mkfs.xfs -q '\(disk)' && mkdir -p '\(root.mountpoint)'")
            // A kernel built without XFS quota support refuses pquota: nothing to judge there.
            guard (try? root.sh("mount \(pquota ? "-o pquota " : "")'\(disk)' '\(root.mountpoint)'")) != nil || !pquota else { return }
            if !pquota { _ = try root.sh("findmnt '\(root.mountpoint)'") }
            for option in ["overlay2.size=1G", "overlay2.size=0", "overlay2.size=0.5", "overlay2.size=xx", "overlay2.size=10E",
                           "overlay2.override_kernel_check=true", "overlay2.override_kernel_check=yes"] {
                try judge(root, driver: "overlay2", option: option)
            }
            _ = try root.sh("umount '\(root.mountpoint)'")
        }
    }

    func judge(_ root: TestRoot, driver: String, option: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
        try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=\(driver) --storage-opt=\(option)\"\n")
        let report = try root.dockstore(["backend"])
        #expect(report.status == 0 || report.status == 4, "\(option): \(report.stderr)", sourceLocation: sourceLocation)
        let set = try root.dockstore(["backend", driver, "--storage-opt", option, "--dry-run"])
        #expect([0, 2, 64].contains(set.status), "\(option): \(set.stderr)", sourceLocation: sourceLocation)
        let (dockerd, log) = try Dockerd.startReadingOptions(in: root, dataRoot: root.mountpoint)
        dockerd?.stop()
        let started = dockerd != nil
        let said = log.split(separator: "\n").last(where: { $0.contains("failed to start daemon") }).map(String.init) ?? ""
        #expect((report.status == 0) == started,
                "\(option): backend \(report.status == 0 ? "says dockerd can start" : "reports \(report.stdout)"); dockerd \(started ? "started" : "refused: \(said)")",
                sourceLocation: sourceLocation)
        #expect((set.status == 0) == started,
                "\(option): backend \(driver) --storage-opt exit \(set.status) \(set.stderr); dockerd \(started ? "started" : "refused: \(said)")",
                sourceLocation: sourceLocation)
    }
}
