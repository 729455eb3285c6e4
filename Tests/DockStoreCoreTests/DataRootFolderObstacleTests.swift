@testable import DockStoreCore
import Testing

/// The findings for entries of a folder dockerd keeps one thing per entry in (attack 45 N D).
struct DataRootFolderObstacleTests {
    typealias Entry = PathWriteLocks.Entry
    let folder = "/r/var/lib/docker/containers"

    @Test func oneLockedEntryIsNamedWithItsRemedy() {
        let found = DataRootFolderObstacle.lockedEntryObstacles(in: folder, [Entry(name: Array("abc".utf8), immutable: true, appendOnly: false)])
        #expect(found.count == 1)
        #expect(found.first?.path == folder + "/abc")
        #expect(found.first?.figure == "data_root_attribute")
        #expect(found.first?.verdict == "/r/var/lib/docker/containers/abc in the data root has the immutable attribute (lsattr -d /r/var/lib/docker/containers/abc): dockerd can neither change nor remove it (docker rm, docker rmi or docker volume rm of what it holds fails); chattr -i /r/var/lib/docker/containers/abc")
    }

    @Test func manyLockedEntriesAreOneFindingPerAttribute() {
        let entries = [Entry(name: Array("a".utf8), immutable: true, appendOnly: false),
                       Entry(name: Array("b".utf8), immutable: true, appendOnly: true),
                       Entry(name: Array("c".utf8), immutable: true, appendOnly: false)]
        let found = DataRootFolderObstacle.lockedEntryObstacles(in: folder, entries)
        #expect(found.map(\.path) == [folder + "/a", folder + "/b"])
        #expect(found.map(\.others) == [2, 0])
        #expect(found.first?.verdict.hasPrefix("/r/var/lib/docker/containers/a and 2 more entries of /r/var/lib/docker/containers in the data root have the immutable attribute (lsattr -d /r/var/lib/docker/containers/*)") == true)
        #expect(found.first?.verdict.hasSuffix("; chattr -i /r/var/lib/docker/containers/*") == true)
        #expect(found.last?.verdict.hasSuffix("; chattr -a /r/var/lib/docker/containers/b") == true)
    }

    @Test func anEntryNamedByBytesThatAreNotUTF8IsShownEscaped() {
        let found = DataRootFolderObstacle.lockedEntryObstacles(in: folder, [Entry(name: [0x76, 0xe9, 0x0a], immutable: false, appendOnly: true)])
        #expect(found.first?.path == folder + "/v\\xE9\\n")
    }

    @Test func noLockedEntryIsNoFinding() {
        #expect(DataRootFolderObstacle.lockedEntryObstacles(in: folder, []).isEmpty)
    }
}
