@testable import DockStoreCore
import Foundation
import Testing

/// The mount unit's drop-in that holds systemd's mount of an image store's line to the image
/// being there (attack 18, B-F2): where it lives, what it says, and when it is dockstore's.
@Suite struct MountDropInTests {
    @Test func itLivesInTheMountUnitsFolder() {
        #expect(MountDropIn.path(unitPath: HostPaths.defaultMountpoint).string == "/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf")
        let other = HostPath.known("/srv/docker-data")
        #expect(MountDropIn.path(unitPath: other).string == "/etc/systemd/system/srv-docker\\x2ddata.mount.d/dockstore.conf")
    }

    /// Its folder is the unit's name and `.d`, a file name: the unit name may be 253 bytes at most.
    @Test func theMountUnitNameLeavesRoomForTheDropInFolder() {
        let longest = HostPath.known("/" + String(repeating: "a", count: 247))
        #expect(MountUnitName.of(longest).utf8.count == 253 && MountUnitName.fits(longest))
        #expect(MountDropIn.path(unitPath: longest).parent.lastComponent.utf8.count == 255)
        #expect(!MountUnitName.fits(HostPath.known("/" + String(repeating: "a", count: 248))))
    }

    @Test func itConditionsTheMountOnTheImage() {
        let text = MountDropIn.render(image: HostPaths.defaultImage)
        #expect(text.hasPrefix("# Written by dockstore provision"))
        #expect(text.hasSuffix("[Unit]\nConditionPathExists=/var/lib/docker-storage.btrfs\n"))
        // systemd reads `%` as a specifier in a condition's path
        #expect(MountDropIn.render(image: HostPath.known("/srv/50%/store.btrfs")).hasSuffix("ConditionPathExists=/srv/50%%/store.btrfs\n"))
    }

    @Test func onlyExactlyWhatItWritesIsDockstores() {
        for image in ["/var/lib/docker-storage.btrfs", "/srv/50%/store.btrfs"] {
            #expect(MountDropIn.ownership(of: Array(MountDropIn.render(image: HostPath.known(image)).utf8)) == .dockstore)
        }
        let ours = MountDropIn.render(image: HostPaths.defaultImage)
        let foreign = [
            ours + "ConditionPathExists=/etc/extra\n",           // an admin's line after it
            ours.replacingOccurrences(of: "\n", with: "\r\n"),   // CRLF
            String(ours.dropLast()),                             // no final newline
            ours.replacingOccurrences(of: "docker-storage", with: "docker storage"), // not one path
            ours.replacingOccurrences(of: "=/var", with: "=var"), // not absolute
            ours.replacingOccurrences(of: "/var/lib/docker-storage.btrfs", with: "/var/lib/../lib/x"), // not normalized
            ours.replacingOccurrences(of: "btrfs\n", with: "btrfs%\n"), // a `%` alone
            "[Unit]\nConditionPathExists=/var/lib/docker-storage.btrfs\n", // no header
            "",
        ]
        for text in foreign {
            guard case .foreign = MountDropIn.ownership(of: Array(text.utf8)) else {
                Issue.record("taken as dockstore's: \(text.debugDescription)"); continue
            }
        }
        guard case .foreign(let reason) = MountDropIn.ownership(of: [0xFF]) else { Issue.record("bytes that are not UTF-8"); return }
        #expect(reason == "it is not UTF-8 text")
    }

    /// Attack 21 F8: the header 79cf8f6 and 8495fb2 wrote said the line mounts with `loop`. Such
    /// a file is still dockstore's (never refused as an admin's), and provision rewrites it.
    @Test func theOlderHeaderIsDockstoresAndRewritten() throws {
        let image = HostPaths.defaultImage
        let older = try #require(MountDropIn.olderHeaders.first)
        #expect(older.contains("mounts with `loop`") && !MountDropIn.header.contains("`loop`"))
        let bytes = Array(MountDropIn.render(image: image, header: older).utf8)
        #expect(MountDropIn.ownership(of: bytes) == .dockstore)
        var observed = ProvisionPlannerTests.done
        observed.mountDropIn = bytes
        let plan = try ProvisionPlanner.plan(observed, ProvisionPlannerTests.request, ProvisionPlannerTests.host)
        #expect(plan.steps.map(\.id) == ["mount-drop-in"])
        #expect(plan.steps.first == .writeMountDropIn(path: MountDropIn.path(unitPath: HostPaths.defaultMountpoint), text: MountDropIn.render(image: image),
                                                      change: "rewrite it: var-lib-docker.mount mounts only while /var/lib/docker-storage.btrfs is there (with the image missing nothing is mounted, never another root's loop device of that name)",
                                                      basis: FileBasis(bytes)))
    }
}
