import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real dockerd (Debian's docker.io 20.10) is the oracle for how dockstore reads
/// daemon.json: over a table of files dockerd reads in its own way — escaped keys, duplicate
/// keys in both orders, key case, a BOM, comments, trailing commas, nested objects, `null`,
/// bytes after the object — `dockstore backend vfs` either settles the file (exit 0: dockerd
/// will start with what it wrote) or refuses (exit 2, nothing changed), and dockerd, started
/// from the result as SUSE's docker.service starts it, starts or refuses exactly so.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DaemonJSONOracleTests {
    static let cases: [(String, String)] = [
        ("escaped key", "{\"storage\\u002ddriver\": \"overlay2\", \"debug\": false}\n"),
        ("escaped key, options", "{\"storage\\u002dopts\": [\"overlay2.size=1G\"]}\n"),
        ("duplicate key, the flag's driver last", "{\"storage-driver\": \"overlay2\", \"storage-driver\": \"vfs\"}\n"),
        ("duplicate key, the flag's driver first", "{\"storage-driver\": \"vfs\", \"storage-driver\": \"overlay2\"}\n"),
        ("key in another case", "{\"Storage-Driver\": \"vfs\"}\n"),
        ("key in upper case", "{\"STORAGE-OPTS\": []}\n"),
        ("nested object dockerd flattens", "{\"x\": {\"storage-driver\": \"overlay2\"}, \"debug\": false}\n"),
        ("byte order mark", "\u{FEFF}{\"debug\": false}\n"),
        ("comment", "{\n  // quiet\n  \"debug\": false\n}\n"),
        ("trailing comma", "{\"debug\": false,}\n"),
        ("null", "null\n"),
        ("bytes after the object", "{\"storage-driver\": \"overlay2\"}\n}}} not read\n"),
        ("empty file", ""),
    ]

    @Test(arguments: cases)
    func dockerdStartsExactlyWhenDockstoreSaysItWill(_ name: String, _ text: String) throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--log-level=warn -s overlay2\"\n")
            try root.write(config, text)
            let before = root.snapshot()
            let result = try root.dockstore(["backend", "vfs", "--force"])
            #expect(result.status == 0 || result.status == 2, "\(name): \(result.stderr)")
            let willStart = result.status == 0
            if !willStart {
                #expect(root.changes(since: before) == [], "\(name): a refusal changes nothing")
                #expect(result.stdout.isEmpty, "\(name): nothing is shown as done")
            }
            let (dockerd, log) = try Dockerd.start(in: root, dataRoot: root.path + "/data")
            defer { dockerd?.stop() }
            #expect((dockerd != nil) == willStart,
                    "\(name): dockstore \(willStart ? "said dockerd will start" : "refused: \(result.stderr)"); dockerd \(dockerd != nil ? "started" : "refused: \(log)")")
            if let dockerd {
                let driver = try dockerd.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(driver == "vfs", "\(name): dockerd runs the driver dockstore set")
            }
        }
    }

    /// provision keeps a daemon.json that already selects btrfs — by its last duplicate key,
    /// as Go's decoder reads it — and leaves DOCKER_OPTS without storage flags; dockerd then
    /// starts on the store with btrfs. With the duplicates the other way round dockerd takes
    /// overlay2: provision refuses (exit 2, one line) and changes nothing.
    @Test(arguments: [
        ("{\"storage-driver\": \"overlay2\", \"storage-driver\": \"btrfs\"}\n", true),
        ("{\"storage-driver\": \"btrfs\", \"storage-driver\": \"overlay2\"}\n", false),
    ])
    func provisionReadsTheLastDuplicateAsDockerdDoes(_ text: String, _ kept: Bool) throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(config, text)
            let result = try root.dockstore(["provision", "--size", "2G"])
            #expect(root.read(config) == text, "daemon.json: \(root.read(config) ?? "")")
            guard kept else {
                #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(result.status) \(result.stderr)")
                #expect(result.stderr.contains("\"storage-driver\": \"overlay2\"") && result.stderr.contains("dockstore backend btrfs"), "\(result.stderr)")
                #expect(root.status(root.image) == nil && root.status(root.sysconfig) == nil, "nothing was created")
                return
            }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.read(root.sysconfig)?.contains("--storage-driver=btrfs") != true, "\(root.read(root.sysconfig) ?? "")")
            let (dockerd, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            defer { dockerd?.stop() }
            let started = try #require(dockerd, "dockerd refused: \(log)")
            let driver = try started.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(driver == "btrfs")
        }
    }

    /// A daemon.json whose foreign values hold bytes that are not UTF-8 (Latin-1, a lone
    /// continuation byte), a NUL escape, CRLF line ends and bytes after the object: `provision`
    /// and `backend` cut the storage member out and keep every other byte (the file is then
    /// the one dockerd started with before the member was added), the backup is the file as it
    /// was, and dockerd reads the labels the same before and after.
    @Test(arguments: ["provision", "backend"])
    func bytesOutsideTheStorageKeysStay(_ command: String) throws {
        func b(_ text: String) -> [UInt8] { Array(text.utf8) }
        let rest = b("\"labels\": [\"note=caf") + [0xE9] + b("\", \"raw=") + [0x80, 0xFF] + b("\", \"nul=a\\u0000b\"],\r\n  \"debug\": false\r\n}\r\n")
            + [0x00, 0xE9, 0x0A]
        let without = b("{\r\n  ") + rest
        // provision refuses another driver in daemon.json (exit 2); it removes storage options.
        let member = command == "provision" ? "\"storage-opts\": [\"overlay2.size=1G\"]" : "\"storage-driver\": \"overlay2\""
        let with = b("{\r\n  \(member),\r\n  ") + rest
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--log-level=warn\"\n")
            try root.write(config, "")
            try Data(without).write(to: URL(fileURLWithPath: config))
            let (before, beforeLog) = try Dockerd.start(in: root, dataRoot: root.path + "/data-before")
            // dockerd lists the labels in no fixed order (a Go map): compared as sorted lists.
            func labels(_ dockerd: Dockerd) throws -> [String] {
                let json = try dockerd.docker(["info", "--format", "{{json .Labels}}"]).stdout
                return ((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]) ?? []).sorted()
            }
            let labelsBefore = try labels(try #require(before, "dockerd refused the file without a storage key: \(beforeLog)"))
            before?.stop()
            #expect(labelsBefore == ["note=caf\u{FFFD}", "nul=a\u{0}b", "raw=\u{FFFD}\u{FFFD}"].sorted(), "dockerd reads the bytes as Go does: \(labelsBefore)")

            try Data(with).write(to: URL(fileURLWithPath: config))
            let run = try root.dockstore(command == "provision" ? ["provision", "--size", "2G"] : ["backend", "vfs", "--force"])
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(FileManager.default.contents(atPath: config).map { Array($0) } == without, "\(command): every byte outside the storage member stays")
            #expect(FileManager.default.contents(atPath: config + ".dockstore.bak").map { Array($0) } == with)
            let (after, afterLog) = try Dockerd.start(in: root, dataRoot: command == "provision" ? root.mountpoint : root.path + "/data")
            defer { after?.stop() }
            let started = try #require(after, "\(command): dockerd refused the edited file: \(afterLog)")
            #expect(try labels(started) == labelsBefore, "\(command): dockerd reads the labels as before")
            let driver = try started.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(driver == (command == "provision" ? "btrfs" : "vfs"))
        }
    }

    /// The storage options provision removes from daemon.json come back with teardown, byte
    /// for byte (`DaemonJSONRecord`), over files dockerd's own decoder reads in its own way (an
    /// escaped key, CRLF, bytes that are not UTF-8, the options of another driver
    /// beside the store's driver): dockerd starts on the store from the edited file, and after
    /// teardown the file is the admin's again and the record is gone.
    @Test(arguments: [
        Array("{\n  \"log-level\": \"warn\",\n  \"storage-opts\": [\"overlay2.size=1G\"]\n}\n".utf8),
        Array("{\"storage\\u002dopts\":[\"overlay2.size=1G\"],\"debug\":false}".utf8),
        Array("{\"storage-driver\": \"btrfs\", \"storage-opts\": [\"overlay2.size=1G\"]}\n".utf8),
        Array("{\r\n  \"labels\": [\"note=caf".utf8) + [0xE9] + Array("\"],\r\n  \"storage-opts\": [\"overlay2.size=1G\"]\r\n}\r\n".utf8),
    ])
    func teardownGivesBackTheStorageOptions(_ original: [UInt8]) throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(config, "")
            try Data(original).write(to: URL(fileURLWithPath: config))
            let shown = String(decoding: original, as: UTF8.self).debugDescription
            let up = try root.dockstore(["provision", "--size", "2G"])
            try #require(up.status == 0, "\(shown): \(up.stderr)")
            let edited = try #require(FileManager.default.contents(atPath: config).map { Array($0) })
            #expect(edited != original, "\(shown): provision removed the storage keys")
            #expect(FileManager.default.contents(atPath: root.path + DaemonJSONRecord.path.string).map { Array($0) } == original,
                    "\(shown): the file as it was is recorded")
            let (dockerd, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let started = try #require(dockerd, "\(shown): dockerd refused the edited file: \(log)")
            let driver = try started.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            started.stop()
            #expect(driver == "btrfs", "\(shown)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(shown): \(down.stderr)")
            #expect(FileManager.default.contents(atPath: config).map { Array($0) } == original, "\(shown): daemon.json comes back byte for byte")
            #expect(root.status(root.path + DaemonJSONRecord.path.string) == nil, "\(shown): the record is gone")
        }
    }
}
