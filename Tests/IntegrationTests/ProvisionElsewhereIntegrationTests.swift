import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One store per root (issue 15, D9): provision killed right after its mount (the image
/// attached and mounted at /var/lib/docker, no fstab line, no drop-in), then provision with
/// another --mountpoint and --image refuses, naming the store still mounted at /var/lib/docker,
/// its image and what to do, and changes nothing; the ordinary re-run (the same mountpoint)
/// still finishes, and a bind mount of the finished store elsewhere in the root does not stop it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ProvisionElsewhereIntegrationTests {
    /// provision killed after [mount]: the first store mounted, nothing else of it written.
    func killAfterMount(_ root: TestRoot) throws {
        try root.sh("mkdir -p '\(root.path)/srv'")
        let killed = try root.dockstore(["provision", "--size", "200M"], environment: ["DOCKSTORE_FAILPOINT": "mount"])
        #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
        #expect(root.mounts().map(\.target) == [root.mountpoint])
        #expect(root.read(root.fstab).map { $0.contains("docker-storage.btrfs") } != true)
    }

    @Test func anotherMountpointIsRefusedNamingTheStoreStillMounted() throws {
        try withTestRoot { root in
            try killAfterMount(root)
            let source = root.mounts().first?.source ?? "?"
            let before = root.snapshot()
            let args = ["provision", "--size", "300M", "--mountpoint", "/srv/docker", "--image", "/srv/store.img"]
            for run in [args, args + ["--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stdout.isEmpty, "\(run): \(refused.stdout)")
                #expect(refused.stderrLines == ["dockstore: \(root.mountpoint) has a store dockstore set up mounted on it (\(source), the image \(root.image), btrfs \(Self.uuid(root.image))), not at \(root.path)/srv/docker: dockstore keeps one store per root; finish that one (dockstore provision --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root \(root.path)) or take it down (dockstore teardown --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root \(root.path)), then re-run; nothing was changed"],
                        "\(run): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(run) changed the tree")
            }
            #expect(root.status(root.path + "/srv/store.img") == nil && root.status(root.path + "/srv/docker") == nil)
            // status of the asked-for store says the same, as a problem.
            let status = try root.dockstore(["status", "--mountpoint", "/srv/docker", "--image", "/srv/store.img"])
            #expect(status.status == 4 && status.stdout.contains("  - \(root.mountpoint) has a store dockstore set up mounted on it"), "\(status.stdout)")

            // The way out it names: the first store finished with its own mountpoint and image.
            let finish = try root.dockstore(["provision", "--size", "200M"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            #expect(root.read(root.fstab)?.contains("/var/lib/docker-storage.btrfs /var/lib/docker btrfs") == true, "\(root.read(root.fstab) ?? "")")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(root.mounts().map(\.target) == [root.mountpoint])
        }
    }

    @Test func aBindMountOfTheStoreElsewhereInTheRootDoesNotStopTheReRun() throws {
        try withTestRoot { root in
            try killAfterMount(root)
            let bind = root.path + "/srv/bind"
            try root.sh("mkdir -p '\(bind)' && mount --bind '\(root.mountpoint)' '\(bind)'")
            let rerun = try root.dockstore(["provision", "--size", "200M"])
            #expect(rerun.status == 0, "\(rerun.stdout) \(rerun.stderr)")
            let again = try root.dockstore(["provision", "--size", "200M"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try root.dockstore(["status"]).status == 0)
            try root.sh("umount '\(bind)'")
        }
    }

    /// Another tree's store under this root (an image tree provisioned under /mnt/image while
    /// its host's own store is set up with the host's root) is at none of this root's own
    /// places: it is that tree's store, and provision of this root goes on (the first
    /// version of the one-store rule refused it).
    @Test func aStoreOfANestedTreeDoesNotStopThisRootsProvision() throws {
        try withTestRoot { root in
            let inner = root.path + "/mnt/image"
            try root.sh("mkdir -p '\(inner)/var/lib' '\(inner)/etc'")
            let built = try root.run(TestRoot.binary, ["provision", "--size", "200M", "--root", inner])
            try #require(built.status == 0, "\(built.stdout) \(built.stderr)")
            let own = try root.dockstore(["provision", "--size", "200M"])
            #expect(own.status == 0, "\(own.stdout) \(own.stderr)")
            #expect(Set(root.mounts().map(\.target)) == [root.mountpoint, inner + "/var/lib/docker"])
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            let down = try root.run(TestRoot.binary, ["teardown", "--delete-image", "--root", inner])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(root.mounts().isEmpty)
        }
    }

    /// Attack 8, F8: a device store counts too. provision --device killed after its mount (the
    /// device, a loop device over a file outside the root, mounted at /var/lib/docker, nothing
    /// else written), then an image provision at another mountpoint refuses naming the device
    /// store and changes nothing (before: exit 0 and two stores in one root); the way out it
    /// names finishes the device store.
    @Test func aDeviceStoreKilledAfterItsMountStopsAnImageStoreElsewhere() throws {
        try withTestRoot { host in
            try withTestRoot { root in
                let disk = try host.attachDisk(megabytes: 300)
                try root.sh("mkdir -p '\(root.path)/srv'")
                let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "mount"])
                #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
                #expect(root.mounts().map(\.source) == [disk])
                let before = root.snapshot()
                let args = ["provision", "--size", "300M", "--mountpoint", "/srv/docker", "--image", "/srv/store.img"]
                for run in [args, args + ["--dry-run"]] {
                    let refused = try root.dockstore(run)
                    #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                    #expect(refused.stdout.isEmpty, "\(run): \(refused.stdout)")
                    #expect(refused.stderrLines == ["dockstore: \(root.mountpoint) has a store dockstore set up mounted on it (the device \(disk), btrfs \(Self.uuid(disk))), not at \(root.path)/srv/docker: dockstore keeps one store per root; finish that one (dockstore provision --mountpoint /var/lib/docker --device \(disk) --root \(root.path)) or take it down (dockstore teardown --mountpoint /var/lib/docker --root \(root.path)), then re-run; nothing was changed"],
                            "\(run): \(refused.stderr)")
                    #expect(root.changes(since: before) == [], "\(run) changed the tree")
                }
                #expect(root.mounts().map(\.target) == [root.mountpoint])
                let finish = try root.dockstore(["provision", "--mountpoint", "/var/lib/docker", "--device", disk])
                #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
                #expect(try root.dockstore(["status", "--device", disk]).status == 0)
            }
        }
    }

    static func uuid(_ image: String) -> String {
        if case .signature(_, let uuid?, _) = BlockProbe.probe(image) { return uuid }
        return "?"
    }
}
