@testable import DockStoreCore
import Testing

/// Attack 15, Y5: a host upgraded from a version whose drop-in required the store's mount
/// (`RequiresMountsFor=`) boots with its image lost: systemd's mount fails, docker.service's
/// start fails on that requirement, provision then makes the store and rewrites the drop-in.
/// It starts Docker (without waiting: docker.service is ordered after it) only then: the old
/// drop-in rewritten, the mount unit failed in this boot, docker.service enabled, down and with
/// no job queued.
struct DockerStartAfterRepairTests {
    static let legacy = Array((DockerDropIn.legacyHeader + "/var/lib/docker\n").utf8)
    static let enabledDown = SystemdService(name: "docker.service", unitFileState: "enabled", activeState: "inactive", job: "")

    func plan(dropIn: [UInt8]?, service: SystemdService?) throws -> [String] {
        var o = ProvisionPlannerTests.with {
            $0.mountpoint = .emptyFolder
            $0.imageMountedAt = []
            $0.systemdRunning = true
            $0.mountUnit = SystemdMountUnit(name: "var-lib-docker.mount", loadState: "loaded", activeState: "failed", subState: "failed",
                                            sourcePath: "/etc/fstab", needsDaemonReload: false)
        }
        o.dropIn = dropIn
        o.dockerService = service
        return try ProvisionPlanner.plan(o, ProvisionPlannerTests.request, ProvisionPlannerTests.host).steps.map(\.id)
    }

    @Test func dockerIsStartedOnlyAfterTheOldDropInFailedIt() throws {
        #expect(try plan(dropIn: Self.legacy, service: Self.enabledDown) == ["mount", "drop-in", "daemon-reload", "start-docker"])
        // Docker's start is still queued (provision's Before= holds it): nothing to start.
        var queued = Self.enabledDown
        queued.job = "42"
        #expect(try plan(dropIn: Self.legacy, service: queued) == ["mount", "drop-in", "daemon-reload"])
        var disabled = Self.enabledDown
        disabled.unitFileState = "disabled"
        #expect(try plan(dropIn: Self.legacy, service: disabled) == ["mount", "drop-in", "daemon-reload"])
        var running = Self.enabledDown
        running.activeState = "active"
        #expect(try plan(dropIn: Self.legacy, service: running) == ["mount", "drop-in", "daemon-reload"])
        // The current drop-in does not require the mount: Docker's start waits for provision.
        #expect(try plan(dropIn: Array(ProvisionPlannerTests.dropIn.utf8), service: nil) == ["mount"])
    }

    @Test func theOlderDropInIsToldApartAndSystemctlShowIsRead() {
        #expect(DockerDropIn.isLegacy(Self.legacy))
        #expect(!DockerDropIn.isLegacy(Array(ProvisionPlannerTests.dropIn.utf8)))
        #expect(!DockerDropIn.isLegacy(Array((DockerDropIn.legacyHeader + "/var/lib/docker\nAfter=x\n").utf8)))
        let shown = SystemdService.parse("UnitFileState=enabled\nActiveState=failed\nJob=\n", name: "docker.service")
        #expect(shown == SystemdService(name: "docker.service", unitFileState: "enabled", activeState: "failed", job: ""))
        #expect(shown.enabledButDown)
        #expect(!SystemdService.parse("UnitFileState=enabled\nActiveState=inactive\nJob=17\n", name: "d").enabledButDown)
    }
}
