import Testing
@testable import DockStoreCore

@Suite struct HostPathTests {
    @Test func normalizes() throws {
        #expect(try HostPath("/var//lib/docker/", what: "x").string == "/var/lib/docker")
        #expect(try HostPath("/", what: "x").isRoot)
        #expect(try HostPath("/var/lib/docker", what: "x").parent.string == "/var/lib")
        #expect(try HostPath("/a/b", what: "x").isWithin(HostPath("/a", what: "x")))
        #expect(try !HostPath("/ab", what: "x").isWithin(HostPath("/a", what: "x")))
    }

    @Test(arguments: ["var/lib/docker", "", "/var/../etc", "/var/./lib", "/var/lib/doc ker", "/var/lib/a\tb", "/x\ny"])
    func refuses(_ text: String) {
        #expect(throws: DockStoreError.self) { try HostPath(text, what: "--image") }
    }

    @Test func hostMapsUnderRoot() throws {
        let host = try Host(root: "/")
        #expect(host.real(HostPaths.fstab) == "/etc/fstab")
        let tmp = try Host(root: "/tmp")
        #expect(tmp.real(HostPaths.fstab).hasSuffix("/etc/fstab"))
        #expect(tmp.real(HostPaths.fstab).hasPrefix(tmp.root + "/"))
    }

    @Test func rootMustExist() {
        #expect(throws: DockStoreError.self) { try Host(root: "/nonexistent-dockstore-root") }
        #expect(throws: DockStoreError.self) { try Host(root: "relative") }
    }
}
