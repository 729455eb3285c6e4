import Testing
@testable import DockStoreCore

/// status's state line over problems provision does not refuse: it sends the admin to
/// provision only for the problems that are provision's pending steps (attack 53 W: "'dockstore
/// provision' fixes what it can" stood over a loop member no boot attaches, which provision
/// cannot fix).
@Suite struct StatusStateHeadingTests {
    @Test(arguments: [
        (2, 2, "2 problem(s); 'dockstore provision' fixes them:"),
        (1, 0, "1 problem(s), which 'dockstore provision' does not fix; each says what to do:"),
        (3, 1, "3 problem(s); 'dockstore provision' fixes the 1 pending step(s), each other problem says what to do:"),
    ])
    func stateLine(problems: Int, pendingSteps: Int, line: String) {
        #expect(StoreStatus.stateHeading(problems: problems, pendingSteps: pendingSteps) == line)
    }

    @Test func renderSaysWhichProblemsProvisionFixes() {
        var status = StoreStatus(store: "image", mountpoint: "/var/lib/docker", mounted: true, fstab: "in place",
                                 dropIn: "in place", dockerOpts: "in place", problems: [], warnings: [])
        status.problems.append("device 2 of the btrfs at /var/lib/docker is /dev/loop1, a loop device over /srv/room, which nothing attaches at boot")
        #expect(status.renderText().hasSuffix("state:       1 problem(s), which 'dockstore provision' does not fix; each says what to do:\n  - device 2 of the btrfs at /var/lib/docker is /dev/loop1, a loop device over /srv/room, which nothing attaches at boot"))
        status.recordPendingStep("fstab: add a line")
        #expect(status.renderText().contains("state:       2 problem(s); 'dockstore provision' fixes the 1 pending step(s), each other problem says what to do:\n"))
        status.problems.removeFirst()
        #expect(status.renderText().contains("state:       1 problem(s); 'dockstore provision' fixes them:\n  - fstab: add a line"))
    }
}
