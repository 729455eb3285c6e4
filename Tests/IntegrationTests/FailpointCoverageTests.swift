import DockStoreCore
import Testing

/// Every step kind's failpoint is reached by a crash matrix, or listed as unreachable with
/// a reason; and every command lists the failpoints its steps derive.
struct FailpointCoverageTests {
    @Test func everyFailpointIsRunOrExplained() {
        for scenario in StepCatalog.scenarios {
            let explained = FailpointCoverage.unreachable[scenario.name] ?? [:]
            for (point, reason) in explained {
                #expect(scenario.failpoints.contains(point), "\(scenario.name): \(point) is listed as unreachable but is no failpoint of it")
                #expect(!reason.isEmpty, "\(scenario.name): \(point) needs a reason")
            }
            for point in scenario.failpoints where explained[point] == nil {
                #expect(FailpointCoverage.matrices.contains(scenario.name), "\(scenario.name): no crash matrix reaches \(point), and no reason says why")
            }
        }
        for name in FailpointCoverage.unreachable.keys {
            #expect(StepCatalog.scenarios.contains { $0.name == name }, "\(name) is no scenario")
        }
    }

    @Test(.enabled(if: isRoot, Comment(rawValue: needsRoot)), arguments: StepCatalog.scenarios)
    func commandListsItsDerivedFailpoints(_ scenario: StepCatalog.Scenario) throws {
        let root = try TestRoot()
        defer { root.cleanUp() }
        let (arguments, environment) = FailpointCoverage.listing(scenario.name)
        let listed = try root.dockstore(arguments, environment: environment, root: false).stdout
        #expect(listed == scenario.failpoints.map { $0 + "\n" }.joined(), "\(scenario.name)")
    }
}
