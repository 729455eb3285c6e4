import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shipped alert rules against a real Prometheus: node_exporter serves the textfile a
/// real check wrote for a CRITICAL store (its image deleted while mounted), Prometheus scrapes
/// it and evaluates the rules, and the alert a fleet relies on fires while one that must not
/// stays quiet. Everything listens on 127.0.0.1 only and is stopped at the end. The rules'
/// `for:` hold-downs (minutes) are set to 0s in a copy, so the expressions themselves are
/// evaluated by Prometheus within seconds.
@Suite(.serialized, .enabled(if: isRoot && hasPrometheusTools && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"),
                             "needs root, prometheus, prometheus-node-exporter and curl (scripts/test installs them)"))
struct PrometheusAlertingIntegrationTests {
    func start(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func freePort(_ offset: Int) -> Int { 30000 + Int(getpid() % 5000) * 2 + offset }

    @Test func aCriticalStoreFiresTheCriticalAlertThroughARealPrometheus() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("rm \(root.image) && mkdir -p \(root.path)/textfile")
            let check = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/textfile"])
            #expect(check.status == 2, "the store is CRITICAL: \(check.stdout)")

            let rules = try String(contentsOfFile: PrometheusRulesIntegrationTests.folder + "/dockstore.rules.yml", encoding: .utf8)
            let immediate = rules.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                line.trimmingCharacters(in: .whitespaces).hasPrefix("for:") ? line.replacingOccurrences(of: #"for: .*"#, with: "for: 0s", options: .regularExpression) : String(line)
            }.joined(separator: "\n")
            try root.write(root.path + "/prometheus/rules.yml", immediate)

            let exporterPort = freePort(0), prometheusPort = freePort(1)
            try root.write(root.path + "/prometheus/prometheus.yml", """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["\(root.path)/prometheus/rules.yml"]
                scrape_configs:
                  - job_name: node
                    static_configs: [{targets: ["127.0.0.1:\(exporterPort)"]}]

                """)
            let exporter = try start("/usr/bin/prometheus-node-exporter", [
                "--web.listen-address=127.0.0.1:\(exporterPort)", "--collector.disable-defaults",
                "--collector.textfile", "--collector.textfile.directory=\(root.path)/textfile"])
            defer { stop(exporter) }
            let prometheus = try start("/usr/bin/prometheus", [
                "--config.file=\(root.path)/prometheus/prometheus.yml", "--storage.tsdb.path=\(root.path)/prometheus/data",
                "--web.listen-address=127.0.0.1:\(prometheusPort)"])
            defer { stop(prometheus) }

            var firing: Set<String> = []
            var last = ""
            for _ in 0..<90 where !firing.contains("DockstoreCritical") {
                usleep(500_000)
                let alerts = try root.run("/usr/bin/curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(prometheusPort)/api/v1/alerts"])
                guard alerts.status == 0 else { continue }
                last = alerts.stdout
                guard let data = alerts.stdout.data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let list = (object["data"] as? [String: Any])?["alerts"] as? [[String: Any]] else { continue }
                firing = Set(list.filter { $0["state"] as? String == "firing" }
                    .compactMap { ($0["labels"] as? [String: Any])?["alertname"] as? String })
            }
            #expect(firing.contains("DockstoreCritical"), "Prometheus's alerts: \(last.prefix(600))")
            #expect(!firing.contains("DockstoreCheckUnknown"), "\(firing)")
            #expect(!firing.contains("DockstoreTextfileStale"), "\(firing)")
            #expect(prometheus.isRunning && exporter.isRunning)
        }
    }
}
