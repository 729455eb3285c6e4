import Testing
@testable import DockStoreCore

/// teardown's planner over the leftovers beside the image (`ImageLeftover`): rows of
/// `TeardownPlannerTests`' table kept in a file of their own, on the same image store.
@Suite struct TeardownLeftoverPlannerTests {
    static let host = TeardownPlannerTests.host
    static let image = HostPaths.defaultImage
    static let unfinished = ImageLeftover(which: .unfinished, path: HostPath.known("/var/lib/docker-storage.btrfs.dockstore-new"),
                                          state: .removable(FileIdentity(device: 64, inode: 7), allocated: 1 << 30))
    static let retired = ImageLeftover(which: .retired, path: HostPath.known("/var/lib/docker-storage.btrfs.dockstore-deleted"),
                                       state: .removable(FileIdentity(device: 64, inode: 8), allocated: 0))

    static func with(_ leftovers: [ImageLeftover], _ change: (inout TeardownObservation) -> Void = { _ in }) -> TeardownObservation {
        TeardownPlannerTests.o { $0.imageLeftovers = leftovers; change(&$0) }
    }

    static func held(_ leftover: ImageLeftover) -> ImageLeftover {
        var held = leftover
        held.state = .held("/dev/loop7")
        return held
    }

    static func folder(_ leftover: ImageLeftover) -> ImageLeftover {
        var folder = leftover
        folder.state = .foreign(.directory)
        return folder
    }

    /// A tree teardown already took down but for the leftovers; the boot unit is off.
    static func tornDown(_ leftovers: [ImageLeftover]) -> TeardownObservation {
        with(leftovers) {
            $0.mounted = nil; $0.imageLoops = []; $0.imageExists = false; $0.imageFile = nil; $0.fstab = []; $0.dropIn = nil
            $0.provisionUnitEnabled = false
        }
    }

    static let store = ["unmount", "detach-loop", "disable-boot", "fstab", "drop-in"]

    static let cases: [(String, TeardownObservation, TeardownRequest, [TeardownStep]?, String)] = [
        ("both leftovers go with --delete-image, after the image", with([unfinished, retired]), TeardownRequest(deleteImage: true),
         [.deleteLeftover(unfinished, file: FileIdentity(device: 64, inode: 7)), .deleteLeftover(retired, file: FileIdentity(device: 64, inode: 8))], ""),
        ("without --delete-image they stay", with([unfinished, retired]), TeardownRequest(), [], ""),
        ("one a loop device holds refuses --delete-image", with([unfinished, held(retired)]), TeardownRequest(deleteImage: true), nil,
         "refusing: /var/lib/docker-storage.btrfs.dockstore-deleted (an image a migrate-ebs move let go of) is attached to /dev/loop7; nothing was changed: detach it (losetup -d /dev/loop7) if nothing uses it, and re-run teardown --delete-image"),
        ("one a loop device holds is kept without --delete-image", with([held(unfinished)]), TeardownRequest(), [], ""),
        ("a folder under the name stays", with([folder(unfinished), retired]), TeardownRequest(deleteImage: true),
         [.deleteLeftover(retired, file: FileIdentity(device: 64, inode: 8))], ""),
        ("only a leftover is left: its deletion sets no boot marker", tornDown([unfinished]), TeardownRequest(deleteImage: true),
         [.deleteLeftover(unfinished, file: FileIdentity(device: 64, inode: 7))], ""),
        ("only a leftover is left, kept: nothing to do", tornDown([unfinished]), TeardownRequest(), [], ""),
    ]

    /// The steps after the store's own (`store`, and the image's deletion with --delete-image):
    /// `expected` lists only the leftovers' steps, in order, for an image store; a torn-down
    /// tree plans only them.
    @Test(arguments: cases)
    func plans(_ name: String, _ observed: TeardownObservation, _ request: TeardownRequest, _ expected: [TeardownStep]?, _ fragment: String) {
        do {
            let steps = try TeardownPlanner.plan(observed, request, Self.host)
            let ids = observed.mounted == nil ? [] : Self.store + (request.deleteImage ? ["delete-image"] : [])
            #expect(Array(steps.prefix(ids.count).map(\.id)) == ids, "\(name): \(steps.map(\.id))")
            #expect(Array(steps.dropFirst(ids.count)) == expected, "\(name)")
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.kind == .refused)
            #expect(error.message == fragment, "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func keptLinesSayWhatStaysAndHowToRemoveIt() {
        let kept = TeardownPlanner.keptLeftovers(Self.with([Self.unfinished, Self.held(Self.retired)]), TeardownRequest(), Self.host)
        #expect(kept == [
            "kept /var/lib/docker-storage.btrfs.dockstore-new (an image a killed provision left unfinished, 1 GiB allocated): remove it with teardown --delete-image",
            "kept /var/lib/docker-storage.btrfs.dockstore-deleted (an image a migrate-ebs move let go of), attached to /dev/loop7: detach it (losetup -d /dev/loop7) and remove it with teardown --delete-image",
        ])
        let deleting = TeardownPlanner.keptLeftovers(Self.with([Self.unfinished, Self.folder(Self.retired)]), TeardownRequest(deleteImage: true), Self.host)
        #expect(deleting == ["kept /var/lib/docker-storage.btrfs.dockstore-deleted: it is a folder, not an image a migrate-ebs move let go of; dockstore never made it, so it does not remove it: look at it"])
        #expect(TeardownPlanner.keptLeftovers(Self.with([]), TeardownRequest(), Self.host) == [])
    }
}
