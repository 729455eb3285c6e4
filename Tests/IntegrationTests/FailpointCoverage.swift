import DockStoreCore

/// Which failpoints of `StepCatalog` the crash matrices leave out, and why. Every other
/// failpoint of a scenario is run by that scenario's crash matrix, which expects the
/// process killed there (so reaching it is proved, not assumed).
enum FailpointCoverage {
    static let systemdOnly = "runs only when systemd runs the root, which a test root never is"

    /// Scenario → failpoint → why no crash matrix reaches it.
    static let unreachable: [String: [String: String]] = [
        "backend": ["restart-docker": "restarts docker.service, which needs systemd running the root; a test root has none"],
        "teardown": [
            "stop-docker": "needs a running dockerd under the root; the matrix tears down a store no dockerd uses (refusesWhileDockerdRunsUnlessAskedToStopIt stops one, without a failpoint)",
            "wipe-device": "the matrix tears down an image store; wiping needs a device store (TeardownWipeCrashIntegrationTests kills teardown --wipe-device of one at every failpoint)",
            "daemon-reload": systemdOnly,
            "boot-settings": bootSettings,
        ],
        "provision": ["daemon-reload": systemdOnly, "boot-settings": bootSettings, "start-docker": systemdOnly],
        "reclaim": [
            "balance-running": "a kill while a round runs is its own test (ReclaimIntegrationTests.aKillMidBalanceIsFinishedByTheNextRun), which checks the kill landed inside the balance ioctl (the kernel logged that balance canceled) and the next run finishes",
        ],
        "provision --device": ["daemon-reload": systemdOnly, "boot-settings": bootSettings, "start-docker": systemdOnly],
        "migrate-ebs replace": ["forget-canceled": forgetCanceled],
        "migrate-ebs add-remove": ["forget-canceled": forgetCanceled],
    ]
    static let bootSettings = "planned only for a --mountpoint or --image /etc/sysconfig/dockstore does not name; the matrices use the defaults (BootSettingsIntegrationTests kills provision and teardown there and re-runs both)"
    static let forgetCanceled = "planned only while a canceled replace target is recorded for the store; the matrix's stores have none (MigrationReplaceFailureIntegrationTests kills a move there and re-runs it)"

    /// The scenarios whose crash matrix runs `reachable(scenario)`.
    static let matrices: Set<String> = ["grow", "backend", "teardown", "provision", "provision --device", "reclaim",
                                        "migrate-ebs replace", "migrate-ebs add-remove",
                                        "migrate-ebs replace --abort", "migrate-ebs add-remove --abort"]

    /// How to ask the scenario's command for its failpoints (a device argument is not looked at).
    static func listing(_ scenario: String) -> (arguments: [String], environment: [String: String]) {
        let words = scenario.split(separator: " ").map(String.init)
        if words.first == "migrate-ebs", words.count > 1 {
            return (["migrate-ebs", "/dev/null"] + words.dropFirst(2) + ["--list-failpoints"], [MigrationMethod.variable: words[1]])
        }
        return (words.flatMap { $0 == "--device" ? ["--device", "/dev/null"] : [$0] } + ["--list-failpoints"], [:])
    }

    /// The failpoints of `scenario` its crash matrix runs.
    static func reachable(_ scenario: String) -> [String] {
        StepCatalog.failpoints(scenario).filter { unreachable[scenario]?[$0] == nil }
    }
}
