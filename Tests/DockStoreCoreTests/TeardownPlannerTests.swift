import Testing
@testable import DockStoreCore

/// teardown's planner as a table: what it takes down, and what it refuses to touch because
/// it cannot prove the store is dockstore's.
@Suite struct TeardownPlannerTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let imageLine = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0\n"
    static let uuidLine = "UUID=u /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"
    static let loopMount = MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 1)
    static let deviceMount = MountEntry(source: "/dev/nvme1n1", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 2)

    static func o(_ change: (inout TeardownObservation) -> Void) -> TeardownObservation {
        var o = TeardownObservation.fixture(mounted: loopMount, imageLoops: ["/dev/loop0"], imageExists: true, fstab: imageLine,
                                    dropIn: .dockstore)
        change(&o)
        return o
    }

    static func device(_ change: (inout TeardownObservation) -> Void = { _ in }) -> TeardownObservation {
        o {
            $0.mounted = deviceMount; $0.imageLoops = []; $0.imageExists = false; $0.device = "/dev/nvme1n1"
            $0.storeUUID = "u"; $0.deviceLabel = "docker"; $0.fstab = Array((uuidLine).utf8)
            change(&$0)
        }
    }

    static let cases: [(String, TeardownObservation, TeardownRequest, [String]?, String)] = [
        ("image store", o { _ in }, TeardownRequest(deleteImage: true),
         ["unmount", "detach-loop", "disable-boot", "fstab", "drop-in", "delete-image"], ""),
        ("already torn down", o { $0.mounted = nil; $0.imageLoops = []; $0.imageExists = false; $0.fstab = Array(("").utf8); $0.dropIn = nil; $0.bootDisabled = true },
         TeardownRequest(), [], ""),
        ("device store proven by its fstab line", device(), TeardownRequest(wipeDevice: true),
         ["unmount", "disable-boot", "wipe-device", "fstab", "drop-in"], ""),
        ("device store proven by the migration journal", device { $0.fstab = Array(("").utf8); $0.journalUUID = "u" }, TeardownRequest(wipeDevice: true),
         ["unmount", "disable-boot", "wipe-device", "drop-in"], ""),
        ("an admin's own UUID= line (no ordering option) proves nothing: attack 14 X4",
         device { $0.fstab = Array("UUID=u /var/lib/docker btrfs defaults 0 0\n".utf8) }, TeardownRequest(wipeDevice: true),
         nil, "neither an fstab line dockstore wrote for /var/lib/docker (with x-systemd.before=dockstore-provision.service)"),
        ("a filesystem labelled appdata", device { $0.deviceLabel = "appdata" }, TeardownRequest(wipeDevice: true),
         nil, "its label is 'appdata', not 'docker'"),
        ("labelled docker, but nothing of dockstore's names it", device { $0.fstab = Array(("").utf8) }, TeardownRequest(),
         nil, "neither an fstab line dockstore wrote for /var/lib/docker (with x-systemd.before=dockstore-provision.service), a migration journal nor a format record of provision names UUID=u"),
        ("a UUID that cannot be read", device { $0.storeUUID = nil }, TeardownRequest(), nil, "its filesystem UUID cannot be read"),
        ("dockerd runs", o { $0.dockerdPID = 42 }, TeardownRequest(), nil, "pass --stop-docker"),
        ("the drop-in holds an admin's lines", o { $0.dropIn = .foreign("it holds lines after RequiresMountsFor=") }, TeardownRequest(),
         nil, "dockstore.conf is not the drop-in dockstore writes (it holds lines after RequiresMountsFor=); teardown would lose the lines it holds"),
        ("wipe asked for an image store", o { _ in }, TeardownRequest(wipeDevice: true), nil, "the store has no device"),
    ]

    @Test(arguments: cases)
    func plans(_ name: String, _ observed: TeardownObservation, _ request: TeardownRequest, _ expected: [String]?, _ fragment: String) {
        do {
            let steps = try TeardownPlanner.plan(observed, request, Self.host)
            #expect(steps.map(\.id) == expected, "\(name)")
            if let wipe = steps.first(where: { $0.id == "wipe-device" }) {
                #expect(wipe == .wipeDevice(path: "/dev/nvme1n1", uuid: "u"), "\(name): the wipe is bound to the proven UUID")
            }
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.kind == .refused)
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }
}
