import Testing
@testable import DockStoreCore

/// migrate-ebs's planner as a generated cross product (`MigrationCell.all`): both methods ×
/// every journal phase × where the journal's volume is and which device is given × image ×
/// fstab line × --keep-image, for the plan (a new move or the re-run) and --abort. Each cell
/// must give what `MigrationExpectation` says, and hold the invariants below.
@Suite struct MigrationPlannerTableTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let phases: [(MigrationMethod, MigrationCell.Phase)] = MigrationMethod.allCases.flatMap { method in
        ([MigrationCell.Phase.none] + method.failpoints.map(MigrationCell.Phase.after) + (method == .replace ? [.replacing] : []))
            .map { (method, $0) }
    }

    static func cells(_ method: MigrationMethod, _ phase: MigrationCell.Phase) -> [MigrationCell] {
        MigrationCell.all(method).filter { $0.phase == phase }
    }

    @Test(arguments: phases)
    func plansEveryCell(_ method: MigrationMethod, _ phase: MigrationCell.Phase) {
        for cell in Self.cells(method, phase) {
            let o = cell.observation()
            let answer = PlannerAnswer(id: \MigrationStep.id) {
                try MigrationPlanner.plan(o, keepImage: cell.keepFlag, imageHostPath: HostPaths.defaultImage,
                                          mountpoint: HostPaths.defaultMountpoint, host: Self.host,
                                          method: method == .addRemove ? .addRemove : nil)
            }
            let (steps, expected) = (answer.steps, MigrationExpectation.plan(cell))
            #expect(answer.matches(expected), "\(cell.testDescription): expected \(expected), got \(answer.shown)")
            for broken in Self.planInvariants(cell, o, steps) {
                Issue.record("\(cell.testDescription): \(broken); steps \(steps.map(\.id))")
            }
        }
    }

    @Test(arguments: phases)
    func abortsEveryCell(_ method: MigrationMethod, _ phase: MigrationCell.Phase) {
        for cell in Self.cells(method, phase) {
            let o = cell.observation()
            let answer = PlannerAnswer(id: \MigrationStep.id) { try MigrationPlanner.planAbort(o) }
            let steps = answer.steps
            let expected = MigrationExpectation.abort(cell)
            #expect(answer.matches(expected), "\(cell.testDescription): expected \(expected), got \(answer.shown)")
            let ids = steps.map(\.id)
            if !Set(ids).isSubset(of: Set(cell.method.abortFailpoints)) {
                Issue.record("\(cell.testDescription): abort steps \(ids) are not \(cell.method)'s abort steps")
            }
            if !steps.isEmpty && !cell.loopInStore {
                Issue.record("\(cell.testDescription): an abort past the point of return: \(ids)")
            }
            if ids.contains("remove-device") && (!cell.givenIsVolume || o.targetDevid == nil) {
                Issue.record("\(cell.testDescription): removes a device that is not the journal's volume")
            }
        }
    }

    /// What no plan may do, whatever the rules above expect.
    static func planInvariants(_ cell: MigrationCell, _ o: MigrationObservation, _ steps: [MigrationStep]) -> [String] {
        var broken: [String] = []
        let ids = steps.map(\.id)
        func index(_ id: String) -> Int? { ids.firstIndex(of: id) }
        let ordered = cell.method.failpoints.filter { ids.contains($0) }
        if ids != ordered { broken.append("steps out of \(cell.method)'s order \(cell.method.failpoints)") }
        let ontoDevice = ids.contains("add-device") || ids.contains("replace") || ids.contains("shrink")
        if ontoDevice && cell.journalOpen && !cell.givenIsJournals {
            broken.append("moves onto a device whose identity is not the journal's")
        }
        if ids.contains("add-device"), o.target?.content != .blank { broken.append("adds a device that is not blank") }
        // After a reboot the journal's old name is another volume: no step may act on it.
        // (A journal by name only cannot tell them apart, so it moves onto no device by that name.)
        if cell.rebooted && cell.phase != .none && steps.contains(where: { String(describing: $0).contains(MigrationCell.oldName) }) {
            broken.append("acts on \(MigrationCell.oldName), the journal's old name, which is another volume now")
        }
        let kept = cell.keepFlag || (cell.journalOpen && cell.keepRecorded)
        if ids.contains("delete-image") && kept { broken.append("deletes a kept image") }
        if ids.contains("delete-image") && !cell.journalOpen && cell.phase != .none {
            broken.append("deletes a file at the image's path after the move finished")
        }
        let moves = index("remove-loop") ?? index("replace")
        if let delete = index("delete-image"), cell.loopInStore,
           moves.map({ $0 > delete }) ?? true || index("detach-loop").map({ $0 > delete }) ?? true {
            broken.append("deletes the image while it is still part of the store")
        }
        if let fstab = index("fstab"), cell.loopInStore, moves.map({ $0 > fstab }) ?? true {
            broken.append("mounts by UUID while the store still spans the image")
        }
        // Closing the journal is saying the store is on the volume alone.
        if ids.contains("finish") && moves == nil && o.members.contains(where: { $0.devid != o.targetDevid }) {
            broken.append("closes the migration while the store spans \(o.members.filter { $0.devid != o.targetDevid }.map(\.path))")
        }
        return broken
    }

    @Test func theTableCoversEveryPhaseOfBothMethods() {
        let counts = MigrationMethod.allCases.map { MigrationCell.all($0).count }
        // Volume 5 × image 3 × fstab 3 × keep 4 = 180 a phase; add + remove's 8 phases with a journal
        // open have it by identity and by name only.
        #expect(counts == [11 * 180, (2 + 8 * 2) * 180], "replace: none + 9 failpoints + replacing; add-remove: none + 9 failpoints")
        for method in MigrationMethod.allCases {
            let covered = Set(MigrationCell.all(method).compactMap { if case .after(let id) = $0.phase { id } else { nil } })
            #expect(covered == Set(method.failpoints))
        }
    }
}
