@testable import DockStoreCore
import Testing

/// The inventory check after a move, with Docker making and removing subvolumes meanwhile
/// (outside attack 14, X1).
@Suite struct SubvolumeVerdictTests {
    typealias Entry = SubvolumeInventory.Entry
    static let base = Entry(id: 256, path: "btrfs/subvolumes/base", uuid: "u1", parentUUID: "")
    static let layer = Entry(id: 257, path: "btrfs/subvolumes/layer", uuid: "u2", parentUUID: "u1")
    static let own = Entry(id: 258, path: "backup", uuid: "u3", parentUUID: "")
    static let fresh = Entry(id: 300, path: "btrfs/subvolumes/new", uuid: "u9", parentUUID: "u1")
    static let before = SubvolumeInventory(entries: [base, layer, own])

    static let running = DockerdPresence.running(pids: [42], startedAt: 0)
    static let none = DockerdPresence.notRunning
    static let unreadable = DockerdPresence.cannotTell("cannot read /proc/1/fd: Permission denied")

    static let cases: [(String, [Entry], DockerdPresence, String)] = [
        ("unchanged", [base, layer, own], none, "same"),
        ("Docker made one", [base, layer, own, fresh], running, "docker 0 1"),
        ("Docker made one with no dockerd seen: new subvolumes lose nothing", [base, layer, own, fresh], none, "docker 0 1"),
        ("Docker removed a layer while it ran", [base, own, fresh], running, "docker 1 1"),
        ("a layer gone with no dockerd using the store", [base, own], none, "lost subvolume 257 (btrfs/subvolumes/layer) is gone after the move, and no dockerd uses the store"),
        ("a subvolume outside Docker's folder gone while dockerd runs", [base, layer], running, "lost subvolume 258 (backup) is gone after the move, outside Docker's btrfs/subvolumes/"),
        ("a UUID changed", [base, Entry(id: 257, path: "btrfs/subvolumes/layer", uuid: "other", parentUUID: "u1"), own], running,
         "lost subvolume 257 (btrfs/subvolumes/layer) is not what it was before the move"),
        ("a layer gone while dockerd's data root cannot be resolved", [base, own], .unresolved(pid: 42, why: "x"), "docker 1 0"),
        ("a layer gone and whether a dockerd runs cannot be told", [base, own], unreadable,
         "unverified subvolume 257 (btrfs/subvolumes/layer) is gone after the move, and whether a dockerd removed it cannot be told (cannot read /proc/1/fd: Permission denied)"),
        ("a subvolume outside Docker's folder gone, dockerd cannot be told", [base, layer], unreadable, "lost subvolume 258 (backup) is gone after the move, outside"),
        ("new ones only, dockerd cannot be told", [base, layer, own, fresh], unreadable, "docker 0 1"),
    ]

    @Test(arguments: cases)
    func verdict(_ name: String, _ after: [Entry], _ dockerd: DockerdPresence, _ expected: String) {
        let verdict = SubvolumeInventory.verdict(before: Self.before, after: SubvolumeInventory(entries: after), dockerd: dockerd)
        let shown: String
        switch verdict {
        case .same: shown = "same"
        case .changedByDocker(let removed, let added): shown = "docker \(removed.count) \(added.count)"
        case .lost(let what): shown = "lost " + what
        case .unverified(let what): shown = "unverified " + what
        }
        #expect(shown.hasPrefix(expected), "\(name): \(shown)")
    }
}
