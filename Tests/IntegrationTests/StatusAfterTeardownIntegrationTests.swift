import DockStoreCore
import Foundation
import Testing

/// Attack 33 T 7c: after a teardown killed part-way (or finished), status listed the store's
/// absence as problems and said "'dockstore provision' fixes what it can", sending an admin who
/// was taking the store down the other way. With /etc/dockstore.disabled there the state line
/// names both ways out, and following the teardown one finishes it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StatusAfterTeardownIntegrationTests {
    @Test(arguments: ["fstab", "sysconfig", "drop-in"])
    func aKilledTeardownsStatusNamesTeardownToo(_ failpoint: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let killed = try root.dockstore(["teardown"], environment: ["DOCKSTORE_FAILPOINT": failpoint])
            try #require(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
            let marker = root.path + "/etc/dockstore.disabled"
            let status = try root.dockstore(["status"])
            #expect(status.status != 0 && status.stdout.contains("problem(s); a dockstore teardown took the store down (\(marker) is there): 'dockstore teardown' finishes taking it down, 'dockstore provision' sets it up again:"),
                    "exit \(status.status): \(status.stdout)\(status.stderr)")
            let json = try root.dockstore(["status", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["bootDisabledMarker"] as? String == marker, "\(json.stdout)")

            let finish = try root.dockstore(["teardown"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/docker.service.d/dockstore.conf"))
            let back = try root.dockstore(["provision"])
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            let after = try root.dockstore(["status", "--json"])
            let again = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
            #expect(after.status == 0 && again["bootDisabledMarker"] == nil, "\(after.stdout)")
        }
    }
}
