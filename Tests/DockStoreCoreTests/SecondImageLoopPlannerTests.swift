import Testing
@testable import DockStoreCore

/// Attack 8, F5: the store's image attached to a second loop device while the store is mounted
/// at the mountpoint. Mounted, it is a second btrfs instance that loses files: provision (and
/// status, which reports the planner's refusal as a problem) refuses; attached only, it warns.
@Suite struct SecondImageLoopPlannerTests {
    static func observed(_ seconds: [SecondImageLoop]) -> ProvisionObservation {
        var o = ProvisionPlannerTests.done
        o.imageLoops = ["/dev/loop0"] + seconds.map(\.loop)
        o.secondImageLoops = seconds
        return o
    }

    @Test func aSecondInstanceMountedElsewhereIsRefusedNamingItsLoopDeviceAndMount() {
        let observed = Self.observed([SecondImageLoop(loop: "/dev/loop5", mountedAt: ["/mnt/x"], mounted: true)])
        #expect(throws: DockStoreError.refused("/var/lib/docker-storage.btrfs is also attached to /dev/loop5, mounted at /mnt/x: a second btrfs instance of the store at /var/lib/docker, and two instances writing one file lose files; stop what writes there, umount /mnt/x and losetup -d /dev/loop5, then re-run; nothing was changed")) {
            try ProvisionPlanner.plan(observed, ProvisionPlannerTests.request, ProvisionPlannerTests.host)
        }
    }

    @Test func aSecondInstanceTheMountTableDoesNotShowIsRefusedToo() {
        let observed = Self.observed([SecondImageLoop(loop: "/dev/loop5", mountedAt: [], mounted: true)])
        #expect(throws: DockStoreError.refused("/var/lib/docker-storage.btrfs is also attached to /dev/loop5, mounted where this mount namespace does not show (find it: grep /dev/loop5 /proc/*/mountinfo): a second btrfs instance of the store at /var/lib/docker, and two instances writing one file lose files; stop what writes there, unmount it there and losetup -d /dev/loop5, then re-run; nothing was changed").unshownMount()) {
            try ProvisionPlanner.plan(observed, ProvisionPlannerTests.request, ProvisionPlannerTests.host)
        }
    }

    @Test func aSecondLoopDeviceNotMountedWarnsAndPlansNothing() throws {
        let plan = try ProvisionPlanner.plan(Self.observed([SecondImageLoop(loop: "/dev/loop5", mountedAt: [], mounted: false)]),
                                             ProvisionPlannerTests.request, ProvisionPlannerTests.host)
        #expect(plan.steps.isEmpty)
        #expect(plan.warnings == ["/var/lib/docker-storage.btrfs is also attached to /dev/loop5 (not mounted): mounting it would make a second btrfs instance of the store at /var/lib/docker, and two instances writing one file lose files; detach it (losetup -d /dev/loop5)"])
    }

    @Test func noSecondLoopDeviceNothingToDo() throws {
        let plan = try ProvisionPlanner.plan(Self.observed([]), ProvisionPlannerTests.request, ProvisionPlannerTests.host)
        #expect(plan.steps.isEmpty)
        #expect(plan.warnings.isEmpty)
    }
}
