import Foundation
import Testing

/// System owns every C call: no file of DockStoreCore outside `System/` imports a C module
/// (the package's own C targets, read from `Sources/`) or the C library (Glibc, Musl).
/// Reads the sources next to this file; no root needed.
struct SystemBoundaryTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every module a Swift file could import C through: the C library, and each folder of
    /// `Sources/` that is a C target (a module map, or an `include` folder).
    static func cModules() throws -> Set<String> {
        let fm = FileManager.default
        var modules: Set<String> = ["Glibc", "Musl", "SwiftGlibc", "Darwin"]
        for name in try fm.contentsOfDirectory(atPath: sources.path) {
            let folder = sources.appendingPathComponent(name).path
            if fm.fileExists(atPath: folder + "/module.modulemap") || fm.fileExists(atPath: folder + "/include") {
                modules.insert(name)
            }
        }
        return modules
    }

    /// The modules `text` imports (any `import` form: attributes, `func`/`struct` imports,
    /// submodules, inside `#if`), comments left out.
    static func imports(in text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line -> String? in
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { return nil }
            let kinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            return path.split(separator: ".").first.map(String.init)
        }
    }

    @Test(arguments: [
        ("import Glibc", ["Glibc"]),
        ("#if canImport(Glibc)\n  import Glibc\n#elseif canImport(Musl)\nimport Musl\n#endif", ["Glibc", "Musl"]),
        ("import func Glibc.open", ["Glibc"]),
        ("@_implementationOnly import CLinuxShim", ["CLinuxShim"]),
        ("@preconcurrency import struct CMount.libmnt_fs", ["CMount"]),
        ("import Dispatch\nimport FoundationEssentials", ["Dispatch", "FoundationEssentials"]),
        ("// import Glibc\n/// import CBlkid in a doc comment", []),
        ("let important = 1 // import", []),
    ] as [(String, [String])])
    func readsEveryImportForm(_ text: String, _ expected: [String]) {
        #expect(Self.imports(in: text) == expected)
    }

    @Test func cModulesAreTheCTargetsAndTheCLibrary() throws {
        let modules = try Self.cModules()
        for name in ["CBlkid", "CMount", "CBtrfsUtil", "CLibraryLoader", "CLinuxShim", "Glibc", "Musl"] {
            #expect(modules.contains(name), "\(name) is not taken for a C module")
        }
        #expect(!modules.contains("DockStoreCore"))
    }

    @Test func onlySystemImportsC() throws {
        let core = Self.sources.appendingPathComponent("DockStoreCore")
        let modules = try Self.cModules()
        let files = try #require(FileManager.default.subpaths(atPath: core.path)).filter { $0.hasSuffix(".swift") }
        var offenders: [String] = []
        var systemFilesUsingC = 0
        for file in files.sorted() {
            let text = try String(contentsOfFile: core.appendingPathComponent(file).path, encoding: .utf8)
            let c = Self.imports(in: text).filter(modules.contains)
            if file.hasPrefix("System/") {
                if !c.isEmpty { systemFilesUsingC += 1 }
            } else if !c.isEmpty {
                offenders.append("\(file) imports \(c.joined(separator: ", "))")
            }
        }
        // The walk read the real tree: System's own files do import C.
        #expect(systemFilesUsingC > 10)
        #expect(offenders.isEmpty, "C calls belong in Sources/DockStoreCore/System (a Swift API there): \(offenders.joined(separator: "; "))")
    }

    /// swift-system is System's too: the rest of the core sees `DockStoreError`, never
    /// swift-system's `Errno` or a `FileDescriptor`.
    @Test func onlySystemImportsSwiftSystem() throws {
        let core = Self.sources.appendingPathComponent("DockStoreCore")
        let files = try #require(FileManager.default.subpaths(atPath: core.path)).filter { $0.hasSuffix(".swift") }
        var offenders: [String] = []
        var systemFilesUsingIt = 0
        for file in files.sorted() {
            let text = try String(contentsOfFile: core.appendingPathComponent(file).path, encoding: .utf8)
            guard Self.imports(in: text).contains("SystemPackage") else { continue }
            if file.hasPrefix("System/") { systemFilesUsingIt += 1 } else { offenders.append(file) }
        }
        #expect(systemFilesUsingIt > 5)
        #expect(offenders.isEmpty, "swift-system belongs in Sources/DockStoreCore/System: \(offenders.joined(separator: ", "))")
    }

    /// The executable parses, calls the core and prints: it calls no C itself (the clock,
    /// the environment, the standard streams and exit come from DockStoreCore's System).
    @Test func theExecutableImportsNoC() throws {
        let executable = Self.sources.appendingPathComponent("dockstore")
        let modules = try Self.cModules()
        let files = try #require(FileManager.default.subpaths(atPath: executable.path)).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 5, "the walk read the executable's files")
        var offenders: [String] = []
        for file in files.sorted() {
            let text = try String(contentsOfFile: executable.appendingPathComponent(file).path, encoding: .utf8)
            let c = Self.imports(in: text).filter(modules.contains)
            if !c.isEmpty { offenders.append("\(file) imports \(c.joined(separator: ", "))") }
        }
        #expect(offenders.isEmpty, "the executable calls C through DockStoreCore's System: \(offenders.joined(separator: "; "))")
    }
}
