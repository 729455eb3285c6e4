import DockStoreCore
import Foundation
import Testing

/// DOCKER_OPTS that holds what a shell would run — `$(…)`, backticks, `;`, a newline inside
/// quotes — kept literal by the user's quoting: after dockstore rewrites the storage flags,
/// sourcing the file with bash yields the same words and runs nothing (no canary file).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct HostileContentTests {
    /// Every line is one dockerd 20.10 starts on (labels are key=value, no stray words):
    /// dockstore refuses any other. `${IFS}` keeps each payload one word, and runs
    /// `touch CANARY` should anything evaluate it.
    static let cases: [(file: String, kept: [String])] = [
        ("DOCKER_OPTS='--label=a=x$(touch${IFS}CANARY)y --storage-driver=vfs'\n", ["--label=a=x$(touch${IFS}CANARY)y"]),
        ("DOCKER_OPTS='--label=a=`touch${IFS}CANARY` -s vfs'\n", ["--label=a=`touch${IFS}CANARY`"]),
        ("DOCKER_OPTS='--label=a=x;touch${IFS}CANARY --storage-driver vfs'\n", ["--label=a=x;touch${IFS}CANARY"]),
        ("DOCKER_OPTS=\"--label=a=\\$(touch\\${IFS}CANARY)\n--storage-driver=vfs\"\n", ["--label=a=$(touch${IFS}CANARY)"]),
        ("DOCKER_OPTS=--label=a=\\;touch\\${IFS}CANARY\\ --label=c=\\`id\\`\n", ["--label=a=;touch${IFS}CANARY", "--label=c=`id`"]),
    ]

    func words(_ root: TestRoot) throws -> [String] {
        try root.sh("cd \(root.path) && env -i PATH=/usr/bin:/bin bash --noprofile --norc -c 'set -e; . etc/sysconfig/docker >/dev/null; for w in $DOCKER_OPTS; do printf \"%s\\n\" \"$w\"; done'")
            .split(separator: "\n").map(String.init)
    }

    @Test func rewritingKeepsHostileWordsLiteral() throws {
        for (file, kept) in Self.cases {
            try withTestRoot { root in
                try root.sh("mkdir -p \(root.path)/etc/sysconfig")
                try root.write(root.sysconfig, file)
                let result = try root.dockstore(["backend", "btrfs", "--force"])
                #expect(result.status == 0, "\(file.debugDescription): \(result.stderr)")
                #expect(try words(root) == kept + ["--storage-driver=btrfs"], "\(file.debugDescription) → \(root.read(root.sysconfig) ?? "")")
                #expect(!FileManager.default.fileExists(atPath: root.path + "/CANARY"), "\(file.debugDescription): nothing ran")
            }
        }
        reliability("hostile DOCKER_OPTS content kept literal", cases: Self.cases.count, runs: Self.cases.count)
    }

    @Test func hostileStorageOptionsAreRefusedAndNothingRuns() throws {
        let hostile = ["btrfs.min_space=1G$(touch CANARY)", "btrfs.min_space=`touch CANARY`", "btrfs.min_space=1G;touch CANARY",
                       "btrfs.min_space=1G\ntouch CANARY", "btrfs.min_space=1G' ; touch CANARY ; '"]
        for option in hostile {
            try withTestRoot { root in
                try root.sh("mkdir -p \(root.path)/etc/sysconfig")
                try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
                let result = try root.dockstore(["backend", "btrfs", "--force", "--storage-opt", option])
                #expect(result.status == 64, "\(option.debugDescription): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(option.debugDescription): one line")
                #expect(root.read(root.sysconfig) == "DOCKER_OPTS=\"\"\n")
                #expect(!FileManager.default.fileExists(atPath: root.path + "/CANARY"))
            }
        }
        reliability("hostile --storage-opt values refused", cases: hostile.count, runs: hostile.count)
    }
}
