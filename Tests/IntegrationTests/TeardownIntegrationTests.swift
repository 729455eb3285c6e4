import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore teardown`: the reverse of provision, on image and device stores.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownIntegrationTests {
    static let otherLine = "/dev/disk/by-uuid/0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c / ext4 defaults 0 1\n"

    @Test func reversesAnImageStoreAndProvisionWorksAgain() throws {
        try withTestRoot { root in
            try root.write(root.fstab, Self.otherLine)
            try root.write(root.sysconfig, "## Path : x\nDOCKER_OPTS=\"--debug\"\n")
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try "kept".write(toFile: root.mountpoint + "/layer", atomically: false, encoding: .utf8)
            let result = try root.dockstore(["teardown"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.mounts().isEmpty)
            #expect(root.loopDevices().isEmpty)
            #expect(root.read(root.fstab) == Self.otherLine)
            #expect(root.status(root.dropIn) == nil)
            #expect(root.read(root.sysconfig) == "## Path : x\nDOCKER_OPTS=\"--debug\"\n")
            #expect(root.status(root.image) != nil, "the image stays without --delete-image")
            #expect(try root.dockstore(["teardown"]).stdout.contains("nothing to do"))

            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(root.read(root.mountpoint + "/layer") == "kept", "the kept image comes back with its data")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            #expect(root.status(root.image) == nil)
        }
    }

    @Test func reversesADeviceStoreAndWipesOnlyWhenAsked() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let result = try root.dockstore(["teardown"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.read(root.fstab) == nil, "the fstab provision created is removed")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "the device's data stays")
            #expect(try root.dockstore(["provision", "--device", disk]).status == 0)
            let wiped = try root.dockstore(["teardown", "--wipe-device"])
            #expect(wiped.status == 0, "\(wiped.stderr)")
            // Like wipefs, only the signatures go: the rest of the old superblock stays, so
            // provision treats it as unknown data and wants --force.
            #expect(BlockProbe.probe(disk) == .unrecognizedData)
            #expect(try root.dockstore(["provision", "--device", disk]).status == 2)
            #expect(try root.dockstore(["provision", "--device", disk, "--force"]).status == 0)
        }
    }

    @Test func refusesWhileDockerdRunsUnlessAskedToStopIt() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            // A stand-in for dockerd, spawned with SIGTERM at its default disposition.
            let pid = try spawnStandIn(root)
            defer {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            try root.write(root.path + "/run/docker.pid", "\(pid)\n")
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("dockerd is running (pid \(pid))"))
            #expect(root.changes(since: before) == [])
            let stopped = try root.dockstore(["teardown", "--stop-docker"])
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(kill(pid, 0) != 0 || DockerDaemon.isZombie(pid), "the stand-in got SIGTERM")
            #expect(root.mounts().isEmpty)
        }
    }

    /// Kills and reaps a stand-in (`spawnStandIn`); one already reaped is left alone.
    static func end(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    func spawnStandIn(_ root: TestRoot) throws -> pid_t {
        var pid: pid_t = 0
        // A copy of sleep named dockerd: dockstore takes a pidfile's process for dockerd only
        // by its kernel name.
        let binary = root.path + "/stand-in/dockerd"
        try root.sh("mkdir -p '\(root.path)/stand-in' && cp /bin/sleep '\(binary)'")
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("dockerd"), strdup("120"), nil]
        defer { argv.forEach { free($0) } }
        let rc = withDefaultSignals { posix_spawn(&pid, binary, nil, &$0, argv, environ) }
        guard rc == 0 else { throw TestFailure("posix_spawn: \(rc)") }
        return pid
    }

    /// An image made immutable (chattr +i) cannot be deleted even by root: teardown
    /// --delete-image says so before it changes anything, instead of unmounting, editing
    /// fstab and then failing with a bare "Operation not permitted".
    @Test func anImmutableImageIsRefusedBeforeAnythingChanges() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("chattr +i \(root.image)")
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown", "--delete-image"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("\(root.image) is immutable (chattr +i), so \(root.image) cannot be removed: remove that with chattr -i \(root.image)"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
            let grow = try root.dockstore(["grow", "--to", "300M"])
            #expect(grow.status != 0 && grow.stderr.contains("is immutable (chattr +i)"), "\(grow.stderr)")
            try root.sh("chattr -i \(root.image)")
            let done = try root.dockstore(["teardown", "--delete-image"])
            #expect(done.status == 0, "\(done.stderr)")
            #expect(root.status(root.image) == nil)
        }
    }

    /// While a reclaim run has lent the store room (its journal is open), teardown refuses:
    /// tearing down would leave the store depending on a temporary member nobody tracks. A
    /// journal it cannot read cannot tell whether room was lent: refused too, saying so.
    @Test func anOpenReclaimJournalIsRefused() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.path + "/var/lib/dockstore/reclaim.json", "{}\n")
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("reclaim.json is not a reclaim journal dockstore can read; move it aside and check the store"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    @Test func refusesToWipeAnImageStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let before = root.snapshot()
            let result = try root.dockstore(["teardown", "--wipe-device"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("--wipe-device: the store has no device"))
            #expect(root.changes(since: before) == [])
        }
    }

    @Test func everyTeardownCrashPointConverges() throws {
        let points = FailpointCoverage.reachable("teardown")
        for point in points {
            try withTestRoot { root in
                try root.write(root.fstab, Self.otherLine)
                // storage-opts, which provision removes and teardown gives back (its daemon-json steps).
                let daemonJSON = root.path + "/etc/docker/daemon.json"
                try root.write(daemonJSON, CrashIntegrationTests.conflictingDaemonJSON)
                try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
                // A format record a killed provision --device left (its device long gone), which
                // teardown removes before the folders (forget-format-record).
                try root.write(root.path + FormatRecord.path.string, Self.staleFormatRecord)
                // check's caches of the store, which teardown removes before the folders (forget-check-caches).
                try Self.writeCheckCaches(root)
                let crashed = try root.dockstore(["teardown", "--delete-image"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                let rerun = try root.dockstore(["teardown", "--delete-image"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                #expect(root.mounts().isEmpty && root.loopDevices().isEmpty, "\(point)")
                #expect(root.read(root.fstab) == Self.otherLine, "\(point)")
                #expect(root.status(root.image) == nil && root.status(root.dropIn) == nil, "\(point)")
                // The folder record is a file of its own, removed by the folders step: a run killed
                // at any point (after the drop-in went, too) leaves the next one the record.
                for folder in ["/etc/systemd", "/etc/sysconfig", "/var/lib/docker", "/var/lib/dockstore"] {
                    #expect(root.status(root.path + folder) == nil, "\(point): \(folder), made by provision, goes")
                }
                #expect(root.status(root.sysconfig) == nil, "\(point): the sysconfig file provision created goes")
                #expect(root.read(daemonJSON) == CrashIntegrationTests.conflictingDaemonJSON, "\(point): daemon.json comes back byte for byte")
                #expect(root.status(root.path + DaemonJSONRecord.path.string) == nil, "\(point): its record goes")
                #expect(root.status(root.path + "/etc/dockstore.disabled") != nil, "\(point): the boot unit stays off")
                #expect(root.status(root.path + FormatRecord.path.string) == nil, "\(point): the format record goes")
                #expect(root.status(root.path + OrphanTallyCache.defaultPath.string) == nil, "\(point): check's orphan count goes")
                #expect(root.status(root.path + DeviceErrorLedger.defaultPath.string) == nil, "\(point): check's device error record goes")
            }
        }
        reliability("teardown crash matrix", cases: points.count, runs: points.count * 2)
    }

    /// check's orphan count and device error record of the store at the root's mountpoint, as
    /// check writes them (the orphan count's first line names the data root; the record's lines
    /// the store's filesystem UUID).
    static func writeCheckCaches(_ root: TestRoot) throws {
        let uuid = try root.sh("blkid -p -s UUID -o value \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!uuid.isEmpty)
        try root.write(root.path + OrphanTallyCache.defaultPath.string, "\(root.mountpoint) 0:1:2.3 - - -\n0 1\n")
        try root.write(root.path + DeviceErrorLedger.defaultPath.string,
                       "# dockstore check: the btrfs device error counters it saw last, by <filesystem uuid>/<devid>\n\(uuid)/1 write_errs=0 read_errs=0 flush_errs=0 corruption_errs=2 generation_errs=0\n")
    }

    /// A valid format record naming an EBS volume this machine does not have.
    static let staleFormatRecord = #"{"identity":{"volumeID":"vol-0123456789abcdef0"},"size":536870912,"filesystem":"btrfs","label":"docker","uuid":"6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e","device":"/dev/nvme1n1"}"# + "\n"

    /// teardown leaves /etc/dockstore.disabled, which the boot unit's ConditionPathExists=!
    /// reads, so the next boot does not set the store up again; a provision run by hand
    /// sets it up and removes the file.
    @Test func teardownKeepsTheBootUnitFromProvisioningAgain() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let marker = root.path + "/etc/dockstore.disabled"
            #expect(root.status(marker) == nil)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[disable-boot]"), "\(down.stdout)")
            let text = try #require(root.read(marker))
            #expect(text.contains("ConditionPathExists=!/etc/dockstore.disabled") && text.contains("dockstore provision"))
            let unit = try String(contentsOfFile: "\(repository)/scripts/systemd/dockstore-provision.service", encoding: .utf8)
            #expect(unit.contains("ConditionPathExists=!/etc/dockstore.disabled\n"), "the unit reads the file teardown leaves")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("/etc/dockstore.disabled"), "\(status.stdout)")
            #expect(try root.dockstore(["teardown"]).stdout.contains("nothing to do"))
            let up = try root.dockstore(["provision", "--size", "512M"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(up.stdout.contains("[enable-boot]"), "\(up.stdout)")
            #expect(root.status(marker) == nil)
            #expect(try root.dockstore(["status"]).status == 0)
        }
    }
}
