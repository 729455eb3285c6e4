import Foundation
import Testing
@testable import DockStoreCore

/// Every file dockstore writes with `AtomicFile` under --root is in `WriteDebris.files`, so a
/// write killed between its temp file and the rename leaves nothing after the next changing run.
/// Read from the sources next to this file (no root needed): each `AtomicFile.write(` call,
/// and each call of a helper that forwards its path to one, by the file it is in and the text
/// of its first argument (the target). A call this table does not know fails the test, so a new
/// atomic write cannot be added without saying which file it writes; a known one whose target
/// is not in the sweep fails it too.
struct WriteDebrisCoverageTests {
    enum Target: Equatable {
        /// A fixed host path under --root.
        case file(HostPath)
        /// A helper's parameter: the helper's calls in the same file name the targets.
        case forwarded(helper: String, alsoIn: [String] = [])
        /// Where an option says, outside the sweep (see `WriteDebris.files`).
        case chosen(String)
    }

    /// (file under Sources, first argument of `AtomicFile.write(`) → what it writes.
    static let writes: [String: [String: Target]] = [
        "dockstore/CheckRunner.swift": ["file": .chosen("check --textfile: dockstore.prom in the folder given")],
        "DockStoreCore/Provision/Provisioner.swift": [
            "DaemonJSONRecord.path": .file(DaemonJSONRecord.path),
            "path": .forwarded(helper: "write(", alsoIn: ["DockStoreCore/Provision/Provisioner+FolderRecord.swift"]),
        ],
        "DockStoreCore/Provision/Provisioner+FormatRecord.swift": ["FormatRecord.path": .file(FormatRecord.path)],
        "DockStoreCore/Provision/InterruptedReplace.swift": ["MigrationJournal.path": .file(MigrationJournal.path)],
        "DockStoreCore/Migration/Migrator+Replace.swift": ["Self.journal": .file(Migrator.journal)],
        "DockStoreCore/Migration/Migrator+FailingTarget.swift": ["Self.journal": .file(Migrator.journal)],
        "DockStoreCore/Migration/Migrator.swift": ["Self.journal": .file(Migrator.journal), "HostPaths.fstab": .file(HostPaths.fstab)],
        "DockStoreCore/Migration/CanceledReplaceTarget.swift": ["path": .file(CanceledReplaceTarget.path)],
        // save(_:at:on:): CheckRunner passes --state-file, whose default is this path.
        "DockStoreCore/Capacity/DeviceErrorLedger.swift": ["path": .file(DeviceErrorLedger.defaultPath)],
        "DockStoreCore/Backend/BackendApplier.swift": [
            // dockerd's config file: /etc/docker/daemon.json (swept: provision and teardown write it
            // too), or the --config-file DOCKER_OPTS names, a file no other command knows.
            "path": .chosen("backend: dockerd's config file, /etc/docker/daemon.json unless DOCKER_OPTS names another"),
            "HostPaths.sysconfigDocker": .file(HostPaths.sysconfigDocker),
            "ProvisionSettings.path": .file(ProvisionSettings.path),
        ],
        // save(_:on:text:): count(cacheFile:on:) is given OrphanTallyCache.defaultPath.
        "DockStoreCore/Orphans/OrphanTallyCache.swift": ["path": .file(OrphanTallyCache.defaultPath)],
        "DockStoreCore/Reclaim/LastReclaimRecord.swift": ["Self.path": .file(LastReclaimRecord.path)],
        "DockStoreCore/Reclaim/ReclaimJournal.swift": ["Self.path": .file(ReclaimJournal.path)],
        // The folder record rewritten to the folders still to remove (a folder kept under a mount).
        "DockStoreCore/Teardown/Teardowner+Folders.swift": ["ProvisionFolderRecord.path": .file(ProvisionFolderRecord.path)],
        "DockStoreCore/Teardown/Teardowner.swift": [
            "HostPaths.bootDisabled": .file(HostPaths.bootDisabled), "HostPaths.fstab": .file(HostPaths.fstab),
            "HostPaths.sysconfigDocker": .file(HostPaths.sysconfigDocker), "HostPaths.daemonJSON": .file(HostPaths.daemonJSON),
            "ProvisionSettings.path": .file(ProvisionSettings.path),
        ],
    ]

    /// The targets a forwarding helper's calls name (`to:` in Provisioner's `write(_:to:…)`).
    static let forwardedTargets: [String: HostPath] = [
        "ProvisionFolderRecord.path": ProvisionFolderRecord.path, "HostPaths.fstab": HostPaths.fstab,
        "HostPaths.dockerDropIn": HostPaths.dockerDropIn, "HostPaths.daemonJSON": HostPaths.daemonJSON,
        "HostPaths.sysconfigDocker": HostPaths.sysconfigDocker, "ProvisionSettings.path": ProvisionSettings.path,
        // The mount unit's drop-in of the store's mountpoint; swept for the default one.
        "mountDropIn": MountDropIn.path(unitPath: HostPaths.defaultMountpoint),
    ]

    static func swiftFiles() throws -> [String: String] {
        let sources = SystemBoundaryTests.sources
        var files: [String: String] = [:]
        let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            files[relative] = try String(contentsOfFile: sources.path + "/" + relative, encoding: .utf8)
        }
        return files
    }

    /// The first argument of each call `call` starts in `text` (up to its first comma),
    /// comments left out.
    static func firstArguments(of call: String, in text: String) -> [String] {
        text.split(separator: "\n").flatMap { line -> [String] in
            let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line)
            return code.components(separatedBy: call).dropFirst().map { rest in
                String(rest.prefix { $0 != "," && $0 != ")" }).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// The `to:` argument of each call `helper` starts in `text` on one line, comments left out.
    static func namedTargets(of helper: String, in text: String) -> [String] {
        text.split(separator: "\n").flatMap { line -> [String] in
            let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line)
            return code.components(separatedBy: helper).dropFirst().compactMap { rest -> String? in
                guard let to = rest.range(of: ", to: ") else { return nil }
                return String(rest[to.upperBound...].prefix { $0 != "," && $0 != ")" })
            }
        }
    }

    @Test func theScanFindsCallsAsWritten() {
        let text = """
            try AtomicFile.write(HostPaths.fstab, on: host, bytes,
                // AtomicFile.write(HostPaths.lock, …) in a comment is not a call
            do { try AtomicFile.write(path, Array(text.utf8), mode: 0o644) } catch { return false }
            """
        #expect(Self.firstArguments(of: "AtomicFile.write(", in: text) == ["HostPaths.fstab", "path"])
        #expect(Self.namedTargets(of: "write(", in: "try write(bytes, to: HostPaths.fstab, mode: 0o644)\nfunc write(_ b: [UInt8], to path: HostPath)")
                == ["HostPaths.fstab"])
    }

    @Test func everyAtomicWriteUnderTheRootIsSwept() throws {
        let files = try Self.swiftFiles()
        var found: [String: Set<String>] = [:]
        for (name, text) in files where name != "DockStoreCore/System/AtomicFile.swift" {
            let arguments = Self.firstArguments(of: "AtomicFile.write(", in: text)
            if !arguments.isEmpty { found[name] = Set(arguments) }
        }
        #expect(found.mapValues { $0.sorted() } == Self.writes.mapValues { $0.keys.sorted() },
                "an AtomicFile.write this table does not know (or one it lists that is gone): say which file it writes")
        var targets: [HostPath] = []
        for (name, calls) in Self.writes {
            for (_, target) in calls {
                switch target {
                case .file(let path): targets.append(path)
                case .chosen: break
                case .forwarded(let helper, let alsoIn):
                    var named: [String] = []
                    for file in [name] + alsoIn {
                        let text = try #require(files[file], "\(file) is gone: say where \(helper)…) is called now")
                        named += Self.namedTargets(of: helper, in: text)
                    }
                    #expect(!named.isEmpty, "\(name): no call of \(helper) names a target")
                    for expression in named {
                        let path = Self.forwardedTargets[expression]
                        #expect(path != nil, "\(name): \(helper)…, to: \(expression)) writes a file this table does not know")
                        if let path { targets.append(path) }
                    }
                }
            }
        }
        for target in Set(targets) {
            #expect(WriteDebris.files.contains(target), "\(target.string) is written atomically but not in WriteDebris.files")
        }
        #expect(Set(WriteDebris.files) == Set(targets), "WriteDebris.files names a file nothing writes atomically")
    }
}
