import Foundation
import Testing
@testable import DockStoreCore

/// Which subvolumes of Docker's btrfs driver are orphans, and which of those may go: the
/// layer store read from files written the way moby writes them, the matching and the
/// deletion rule as tables. No root needed.
@Suite struct OrphanTests {
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)
    static let c = String(repeating: "c", count: 64)
    static let d = String(repeating: "d", count: 64)
    static let e = String(repeating: "e", count: 64)

    static let ids: [(String, Bool)] = [
        (a, true), (a + "-init", true), ("0123456789abcdef" + String(repeating: "0", count: 48), true),
        (String(repeating: "A", count: 64), false), (String(repeating: "a", count: 63), false), (a + "-ini", false),
        (a + "x", false), ("rj3n3k2u9v0j7x1s8c4q6m5w2", false), ("", false), (a + "-init-init", false),
    ]

    @Test(arguments: ids)
    func layerStoreIDs(_ name: String, _ expected: Bool) {
        #expect(DockerLayerStore.isLayerStoreID(name) == expected, "\(name)")
    }

    static let matches: [(String, [String], Set<String>, [String], [String])] = [
        ("nothing", [], [], [], []),
        ("all referenced", [a, b, b + "-init"], [a, b, b + "-init"], [], []),
        ("an interrupted pull", [a, c], [a], [c], []),
        ("a container's init layer without its container", [a, b + "-init"], [a], [b + "-init"], []),
        ("BuildKit's snapshot is never an orphan", [a, "rj3n3k2u9v0j7x1s8c4q6m5w2"], [a], [], ["rj3n3k2u9v0j7x1s8c4q6m5w2"]),
        ("a reference to a missing subvolume changes nothing", [a], [a, b], [], []),
    ]

    @Test(arguments: matches)
    func matching(_ name: String, _ subvolumes: [String], _ refs: Set<String>, _ orphans: [String], _ foreign: [String]) {
        let census = OrphanCensus.classify(subvolumes: subvolumes, references: LayerReferences(ids: refs))
        #expect(census.orphans == orphans, "\(name)")
        #expect(census.foreign == foreign, "\(name)")
        #expect(census.subvolumes == subvolumes.count)
    }

    static let verdicts: [(String, OrphanCandidate, DockerdPresence, Bool)] = [
        ("dockerd stopped", OrphanCandidate(name: a, isSubvolume: true, createdAt: 1000), .notRunning, true),
        ("dockerd stopped, not a subvolume", OrphanCandidate(name: a, isSubvolume: false, createdAt: nil), .notRunning, false),
        ("unreadable", OrphanCandidate(name: a, isSubvolume: true, createdAt: nil, unreadable: "cannot read"), .notRunning, false),
        ("older than dockerd", OrphanCandidate(name: a, isSubvolume: true, createdAt: 1000), .running(pids: [7], startedAt: 2000), true),
        ("created while dockerd runs", OrphanCandidate(name: a, isSubvolume: true, createdAt: 2500), .running(pids: [7], startedAt: 2000), false),
        ("created just before dockerd started", OrphanCandidate(name: a, isSubvolume: true, createdAt: 1999), .running(pids: [7], startedAt: 2000), false),
        ("exactly the margin before", OrphanCandidate(name: a, isSubvolume: true, createdAt: 1998), .running(pids: [7], startedAt: 2000), false),
        ("creation time unknown, dockerd runs", OrphanCandidate(name: a, isSubvolume: true, createdAt: nil), .running(pids: [7], startedAt: 2000), false),
        ("dockerd's start unknown", OrphanCandidate(name: a, isSubvolume: true, createdAt: 1), .cannotTell("socket answers"), false),
    ]

    @Test(arguments: verdicts)
    func deletionRule(_ name: String, _ candidate: OrphanCandidate, _ dockerd: DockerdPresence, _ deletes: Bool) {
        let verdict = OrphanPlanner.decide(candidate, dockerd: dockerd)
        #expect((verdict == .delete) == deletes, "\(name): \(verdict)")
        if case .keep(let why) = verdict { #expect(!why.isEmpty && !why.contains("\n")) }
    }

    static let flags: [([String], String?)] = [
        (["dockerd"], nil),
        (["dockerd", "--data-root", "/x"], "/x"),
        (["dockerd", "--data-root=/x", "-D"], "/x"),
        (["dockerd", "-g", "/old"], "/old"),
        (["dockerd", "--graph=/old", "--data-root", "/new"], "/new"),
    ]

    @Test(arguments: flags)
    func dockerdDataRoot(_ words: [String], _ expected: String?) {
        #expect(DockerdArguments.dataRootFlag(Array(words.dropFirst())) == expected)
    }

    // MARK: the layer store as moby writes it

    func layerStore(_ build: (String) throws -> Void) throws -> DockerLayerStore {
        // Under the run's own folder when scripts/test runs us (its sweep removes it).
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? FileManager.default.temporaryDirectory.path
        let root = parent + "/dockstore-orphans-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/image/btrfs/layerdb", withIntermediateDirectories: true)
        try build(root + "/image/btrfs/layerdb")
        return DockerLayerStore(dataRoot: root)
    }

    func put(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func readsEveryKindOfReference() throws {
        let store = try layerStore { db in
            try put("\(db)/sha256/\(Self.e)/cache-id", Self.a)
            try put("\(db)/sha256/\(Self.e)/diff", "sha256:x")
            try put("\(db)/sha256/\(Self.d)-1234-removing/cache-id", Self.b + "\n")
            try put("\(db)/mounts/cont1/mount-id", Self.c)
            try put("\(db)/mounts/cont1/init-id", Self.c + "-init")
            try put("\(db)/tmp/write-set-1/cache-id", Self.d)
            try put("\(db)/tmp/write-set-2/diff", "")
            try put("\(db)/sha256/stray-file", "")
        }
        defer { try? FileManager.default.removeItem(atPath: store.dataRoot) }
        let refs = try LayerReferences.read(store)
        #expect(refs.ids == [Self.a, Self.b, Self.c, Self.c + "-init", Self.d])
    }

    static let broken: [(String, @Sendable (String) throws -> Void, String)] = [
        ("a layer without cache-id", { db in try FileManager.default.createDirectory(atPath: "\(db)/sha256/\(e)", withIntermediateDirectories: true) }, "cache-id is missing"),
        ("an empty cache-id", { db in try OrphanTests().put("\(db)/sha256/\(e)/cache-id", "  \n") }, "it is empty"),
        ("a cache-id with a slash", { db in try OrphanTests().put("\(db)/sha256/\(e)/cache-id", "../x") }, "does not hold a layer id"),
        ("a container without mount-id", { db in try FileManager.default.createDirectory(atPath: "\(db)/mounts/c1", withIntermediateDirectories: true) }, "mount-id is missing"),
        // Attack 31 R 1g: what dockerd leaves when the store was full as it created a container.
        ("an empty mount-id", { db in try OrphanTests().put("\(db)/mounts/c1/mount-id", "") },
         "mounts/c1/mount-id is empty: dockerd could not write it (the store was full as it created container c1) and skips that mount; when docker ps -a --no-trunc lists no container c1, remove"),
        ("a mount-id of blanks", { db in try OrphanTests().put("\(db)/mounts/c1/mount-id", " \n") }, "mount-id is empty"),
        ("a mount-id that is a folder", { db in try FileManager.default.createDirectory(atPath: "\(db)/mounts/c1/mount-id", withIntermediateDirectories: true) }, "not a regular file"),
        ("a cache-id that is a folder", { db in try FileManager.default.createDirectory(atPath: "\(db)/sha256/\(e)/cache-id", withIntermediateDirectories: true) }, "not a regular file"),
    ]

    @Test(arguments: broken)
    func anythingMalformedIsCannotTell(_ name: String, _ build: @Sendable (String) throws -> Void, _ says: String) throws {
        let store = try layerStore(build)
        defer { try? FileManager.default.removeItem(atPath: store.dataRoot) }
        try FileManager.default.createDirectory(atPath: store.subvolumes + "/" + Self.a, withIntermediateDirectories: true)
        #expect(throws: DockStoreError.self, "\(name)") { try LayerReferences.read(store) }
        let tally = OrphanTally.count(dataRoot: store.dataRoot)
        #expect(tally.count == nil, "\(name): nothing is an orphan")
        #expect(tally.unreadable?.contains(says) == true, "\(name): \(tally.unreadable ?? "")")
        #expect(tally.unreadable?.hasPrefix("cannot tell which subvolumes Docker still uses") == true)
    }

    @Test func noLayerStoreWithSubvolumesIsCannotTellAndNoSubvolumesIsNone() throws {
        let root = FileManager.default.temporaryDirectory.path + "/dockstore-orphans-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        #expect(OrphanTally.count(dataRoot: root) == OrphanTally(count: 0, subvolumes: 0))
        try FileManager.default.createDirectory(atPath: root + "/btrfs/subvolumes/" + Self.a, withIntermediateDirectories: true)
        #expect(OrphanTally.count(dataRoot: root).unreadable?.contains("layerdb is missing") == true)
    }

    @Test func checkBoundsWhatItReads() throws {
        let store = try layerStore { db in
            for n in 0..<5 { try put("\(db)/sha256/\(n)\(String(repeating: "0", count: 63))/cache-id", Self.a) }
        }
        defer { try? FileManager.default.removeItem(atPath: store.dataRoot) }
        try FileManager.default.createDirectory(atPath: store.subvolumes + "/" + Self.a, withIntermediateDirectories: true)
        #expect(OrphanTally.count(dataRoot: store.dataRoot, limit: 10).count == 0)
        #expect(OrphanTally.count(dataRoot: store.dataRoot, limit: 3).unreadable?.contains("more than 3 entries") == true)
    }

    @Test func checkRemembersACountWhileTheFoldersAreUnchanged() throws {
        let store = try layerStore { db in try put("\(db)/sha256/\(Self.e)/cache-id", Self.a) }
        defer { try? FileManager.default.removeItem(atPath: store.dataRoot) }
        try FileManager.default.createDirectory(atPath: store.subvolumes + "/" + Self.a, withIntermediateDirectories: true)
        let cacheHost = try Host(root: store.dataRoot)
        let cacheFile = try HostPath("/state/orphan-count", what: "the cache")
        let cache = store.dataRoot + "/state/orphan-count"
        let later = Date().timeIntervalSince1970 + 100
        #expect(OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: later) == OrphanTally(count: 0, subvolumes: 1))
        let saved = try String(contentsOfFile: cache, encoding: .utf8)
        // The remembered count is what the next check reports, as long as nothing changed.
        try saved.replacingOccurrences(of: "\n0 1\n", with: "\n7 1\n").write(toFile: cache, atomically: false, encoding: .utf8)
        #expect(OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: later).count == 7)
        // A new subvolume changes its folder: counted again.
        try FileManager.default.createDirectory(atPath: store.subvolumes + "/" + Self.b, withIntermediateDirectories: true)
        #expect(OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: later) == OrphanTally(count: 1, subvolumes: 2))
        // A container's folder in the layer store, too.
        try put("\(store.layerdb)/mounts/c1/mount-id", Self.b)
        #expect(OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: later) == OrphanTally(count: 0, subvolumes: 2))
        // Folders changed within the last two seconds are not remembered; "cannot tell" never is.
        try FileManager.default.removeItem(atPath: cache)
        _ = OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: Date().timeIntervalSince1970)
        #expect(!FileManager.default.fileExists(atPath: cache))
        try put("\(store.layerdb)/sha256/\(Self.d)/cache-id", "")
        #expect(OrphanTallyCache.count(dataRoot: store.dataRoot, cacheFile: cacheFile, on: cacheHost, limit: 10, now: later + 100).count == nil)
        #expect(!FileManager.default.fileExists(atPath: cache))
    }
}
