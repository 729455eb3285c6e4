import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

let hasPrometheusTools = FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-node-exporter")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

/// The Prometheus output as the real tools read it: promtool's linter, and
/// node_exporter's textfile collector scraped on 127.0.0.1.
@Suite(.serialized, .enabled(if: isRoot && hasPrometheusTools,
                             "needs root, promtool, prometheus-node-exporter and curl (scripts/test installs them)"))
struct PrometheusIntegrationTests {
    @Test func promtoolAcceptsTheMetricsAndNodeExporterServesThem() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p \(root.path)/textfile")
            let check = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/textfile"])
            #expect(check.status == 0)
            let lint = try root.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \(root.path)/textfile/dockstore.prom"])
            #expect(lint.status == 0, "promtool: \(lint.stdout) \(lint.stderr)")
            #expect(lint.stdout.isEmpty && lint.stderr.isEmpty, "no lint findings: \(lint.stdout) \(lint.stderr)")
            #expect(root.read(root.path + "/textfile/dockstore.prom") == check.stdout)

            var served = ""
            for attempt in 0..<5 {
                let port = 20000 + Int(getpid() % 10000) + attempt * 7
                let exporter = Process()
                exporter.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-node-exporter")
                exporter.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults",
                                      "--collector.textfile", "--collector.textfile.directory=\(root.path)/textfile"]
                exporter.standardOutput = FileHandle.nullDevice
                exporter.standardError = FileHandle.nullDevice
                try exporter.run()
                defer {
                    exporter.terminate()
                    exporter.waitUntilExit()
                }
                for _ in 0..<50 where exporter.isRunning {
                    let scrape = try root.run("/usr/bin/curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/metrics"])
                    if scrape.status == 0 { served = scrape.stdout; break }
                    usleep(100_000)
                }
                if !served.isEmpty { break }
            }
            #expect(served.contains("dockstore_check_success{mountpoint=\"\(root.mountpoint)\"} 1"), "node_exporter served: \(served.prefix(400))")
            #expect(served.contains("dockstore_unallocated_bytes{"))
            #expect(served.contains("node_textfile_scrape_error 0"))
        }
    }
}
