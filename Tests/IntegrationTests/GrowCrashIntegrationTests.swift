import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A grow killed (SIGKILL) right after any step is finished by the next run: the image,
/// the loop device and the filesystem all end at the new size.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GrowCrashIntegrationTests {
    @Test func everyGrowCrashPointConverges() throws {
        let points = FailpointCoverage.reachable("grow")
        for point in points {
            try withTestRoot { root in
                try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
                try root.write(root.mountpoint + "/layer", "kept")
                let crashed = try root.dockstore(["grow", "--to", "1G"], environment: [Failpoint.variable: point])
                #expect(crashed.signal == SIGKILL, "\(point): \(crashed.stderr)")
                let rerun = try root.dockstore(["grow", "--to", "1G"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                #expect(root.status(root.image)?.st_size == 1 << 30, "\(point)")
                #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == 1 << 30, "\(point)")
                #expect(root.read(root.mountpoint + "/layer") == "kept", "\(point)")
                #expect(try root.dockstore(["grow", "--to", "1G"]).stdout.contains("nothing to do"), "\(point)")
            }
        }
        reliability("grow crash matrix", cases: points.count, runs: points.count * 2)
    }
}
