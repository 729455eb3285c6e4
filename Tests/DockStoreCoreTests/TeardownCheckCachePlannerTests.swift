import Testing
@testable import DockStoreCore

/// teardown's planner over check's caches of the store (`CheckCacheLeftover`, outside attack
/// 11, B17): removed before the folders, shown in --dry-run, their removals preflighted; which
/// cache is the store's is read from its bytes.
@Suite struct TeardownCheckCachePlannerTests {
    static let host = TeardownPlannerTests.host
    static let caches = [CheckCacheLeftover(.orphanCount, file: FileIdentity(device: 64, inode: 30)),
                         CheckCacheLeftover(.deviceErrors, file: FileIdentity(device: 64, inode: 31))]
    static let dockstoreFolder = HostPath.known("/var/lib/dockstore")

    @Test func theCachesGoRightBeforeTheFolders() throws {
        let o = TeardownPlannerTests.o { $0.checkCaches = Self.caches; $0.folderRecord = [Self.dockstoreFolder] }
        let steps = try TeardownPlanner.plan(o, TeardownRequest(deleteImage: true), Self.host)
        #expect(steps.map(\.id) == ["unmount", "detach-loop", "disable-boot", "fstab", "drop-in", "delete-image", "forget-check-caches", "folders"])
        let forget = TeardownStep.forgetCheckCaches(Self.caches)
        #expect(forget.describe(Self.host) == "remove /var/lib/dockstore/orphan-count (check's orphan count of this store), /var/lib/dockstore/device-errors (check's device error record of this store)")
        #expect(forget.plannedWrites(Teardowner(host: Self.host, request: TeardownRequest(), settings: .read(ProvisionSettings()))).map { ($0.path, $0.removes) }
            .elementsEqual([("/var/lib/dockstore/orphan-count", true), ("/var/lib/dockstore/device-errors", true)], by: ==))
        #expect(!forget.isConfiguration)
    }

    /// Caches alone (the store gone already, the boot unit off): removed, no boot marker.
    @Test func cachesAloneNeedNoMarker() throws {
        var o = TeardownObservation.fixture(fstab: nil, dropIn: nil)
        o.provisionUnitEnabled = false
        o.checkCaches = Self.caches
        #expect(try TeardownPlanner.plan(o, TeardownRequest(), Self.host) == [.forgetCheckCaches(Self.caches)])
    }

    static let uuid = "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e"
    static let other = "0a1b2c3d-0000-4000-8000-000000000000"

    static let cacheCases: [(CheckCacheLeftover.Which, String, Set<String>, Bool)] = [
        (.orphanCount, "/r/var/lib/docker 1:2:3.4 - - -\n0 1\n", [], true),
        (.orphanCount, "/r/var/lib/docker2 1:2:3.4 - - -\n0 1\n", [], false),
        (.orphanCount, "/r/var/lib/docker/x 1:2:3.4\n0 1\n", [], false),
        (.orphanCount, "", [], false),
        (.deviceErrors, "# c\n\(uuid)/1 write_errs=1\n\(uuid)/2 write_errs=0\n", [uuid], true),
        (.deviceErrors, "# c\n\(uuid)/1 write_errs=1\n", [], true),
        (.deviceErrors, "# c\n\(other)/1 write_errs=1\n", [], true),
        (.deviceErrors, "# c\n\(uuid)/1 write_errs=1\n\(other)/1 write_errs=1\n", [uuid, other], false),
        (.deviceErrors, "# c\n", [], false),
    ]

    @Test(arguments: cacheCases)
    func whichCacheIsTheStores(_ which: CheckCacheLeftover.Which, _ text: String, _ mounted: Set<String>, _ ours: Bool) {
        #expect(CheckCacheLeftover.isOfStore(which, Array(text.utf8), dataRoot: "/r/var/lib/docker", uuid: Self.uuid, mounted: mounted) == ours, "\(text)")
    }

    @Test func aRecordIsKeptWhenTheMountedFilesystemsCannotBeRead() {
        #expect(!CheckCacheLeftover.isOfStore(.deviceErrors, Array("\(Self.uuid)/1 write_errs=1\n".utf8), dataRoot: "/r", uuid: Self.uuid, mounted: nil))
    }
}
