import Testing
@testable import DockStoreCore

/// Attack 29 I1–I5: an image path inside a system folder or dockstore's own records; the
/// mountpoint rules as they were. The name is the admin's (`--image X`, a settings line).
@Suite struct StorePlacementTests {
    @Test(arguments: [
        ("/etc/fstab", "is inside /etc, a system folder"),
        ("/etc/machine-id", "is inside /etc, a system folder"),
        ("/etc/dockstore.disabled", "is inside /etc, a system folder"),
        ("/etc/sysconfig/docker", "is inside /etc, a system folder"),
        ("/etc", "is inside /etc, a system folder"),
        ("/run/dockstore.lock", "is inside /run, a system folder"),
        ("/boot/store.btrfs", "is inside /boot, a system folder"),
        ("/usr/local/store.btrfs", "is inside /usr, a system folder"),
        ("/dev/shm/x.btrfs", "is inside /dev, which holds no files"),
        ("/proc/x", "is inside /proc, which holds no files"),
        ("/var/lib/dockstore/migration.json", "is inside /var/lib/dockstore, where dockstore keeps its records"),
        ("/var/lib/dockstore", "is inside /var/lib/dockstore"),
        ("/tmp/store.btrfs", "is inside /tmp, whose files systemd-tmpfiles deletes"),
        ("/var/tmp/store.btrfs", "is inside /var/tmp"),
        ("/var/lib/docker-storage.btrfs", nil),
        ("/srv/docker.img", nil),
        ("/var/lib/dockstore.btrfs", nil),
        ("/etcetera/store.btrfs", nil),
        ("/runs/store.btrfs", nil),
        ("/data/run/store.btrfs", nil),
    ] as [(String, String?)])
    func imagePlaces(_ path: String, _ fragment: String?) throws {
        let refusal = StorePlacement.imageRefusal(try HostPath(path, what: "--image"), name: "--image \(path)")
        if let fragment {
            #expect(refusal?.hasPrefix("--image \(path) \(fragment)") == true, "\(refusal ?? "accepted")")
            #expect(refusal?.hasSuffix("give a path such as /var/lib/docker-storage.btrfs") == true)
        } else {
            #expect(refusal == nil)
        }
    }

    @Test(arguments: [
        ("/", "would mount Docker's storage over the whole system"),
        ("/etc/docker", "is inside /etc, a system folder"),
        ("/run/docker", "is inside /run, a system folder"),
        ("/var/lib/dockstore/d", "is inside /var/lib/dockstore"),
        ("/var/lib", "would cover /var/lib/dockstore"),
        ("/tmp/docker", "is inside /tmp"),
        ("/var/lib/docker", nil),
        ("/srv/docker", nil),
        ("/var/lib/dockstore-data", nil),
    ] as [(String, String?)])
    func mountpointPlaces(_ path: String, _ fragment: String?) throws {
        let refusal = StorePlacement.mountpointRefusal(try HostPath(path, what: "--mountpoint"), name: "--mountpoint \(path)")
        if let fragment {
            #expect(refusal?.hasPrefix("--mountpoint \(path) \(fragment)") == true, "\(refusal ?? "accepted")")
        } else {
            #expect(refusal == nil)
        }
    }
}
