/// Every changing command's failpoints, derived from the kinds of the steps it applies:
/// what its `--list-failpoints` prints and what the crash matrices run.
public enum StepCatalog {
    /// One way a command runs, and the failpoints it can reach, in the order its steps run.
    public struct Scenario: Sendable, Equatable {
        /// The command and the options that choose its steps, e.g. `provision --device`.
        public var name: String
        public var failpoints: [String]
    }

    public static var scenarios: [Scenario] {
        [Scenario(name: "grow", failpoints: GrowStep.Kind.ids),
         Scenario(name: "backend", failpoints: BackendStep.Kind.ids),
         Scenario(name: "teardown", failpoints: TeardownStep.failpoints),
         Scenario(name: "reclaim", failpoints: ReclaimStep.failpoints),
         Scenario(name: "provision", failpoints: ProvisionStep.failpoints(device: false)),
         Scenario(name: "provision --device", failpoints: ProvisionStep.failpoints(device: true))]
            + MigrationMethod.allCases.flatMap { method in
                [Scenario(name: "migrate-ebs \(method.rawValue)", failpoints: method.failpoints),
                 Scenario(name: "migrate-ebs \(method.rawValue) --abort", failpoints: method.abortFailpoints)]
            }
    }

    /// The failpoints of the scenario called `name`; empty for one not in the catalog.
    public static func failpoints(_ name: String) -> [String] {
        scenarios.first { $0.name == name }?.failpoints ?? []
    }
}
