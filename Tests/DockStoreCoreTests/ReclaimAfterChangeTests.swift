@testable import DockStoreCore
import Testing

/// Which refusals stay refusals once a reclaim run has changed the store: a claim that
/// nothing at all changed becomes a failure (1); a claim scoped to the step the store's
/// re-check stopped stays true, a refusal (2).
struct ReclaimAfterChangeTests {
    @Test(arguments: [
        ("the filesystem holding /var/lib/dockstore has 0 B free; nothing was changed", DockStoreError.Kind.failed,
         "the filesystem holding /var/lib/dockstore has 0 B free; this step was not taken, but the run had already changed the store"),
        ("refusing to change the btrfs at /var/lib/docker: /var/lib is a symbolic link to /x, not the folder dockstore looked at; nothing was changed by [room-shrink]: look with ls -ld /var/lib",
         .refused, "refusing to change the btrfs at /var/lib/docker: /var/lib is a symbolic link to /x, not the folder dockstore looked at; nothing was changed by [room-shrink]: look with ls -ld /var/lib"),
        ("another exclusive operation runs", .refused, "another exclusive operation runs"),
    ])
    func refusalAfterAChange(_ message: String, _ kind: DockStoreError.Kind, _ shown: String) throws {
        let error = try #require(ReclaimAfterChange.failure(DockStoreError.refused(message)) as? DockStoreError)
        #expect(error.kind == kind)
        #expect(error.message == shown)
    }

    @Test func aFailureStaysAsItIs() throws {
        let failed = DockStoreError.failed("nothing was changed")
        #expect(ReclaimAfterChange.failure(failed) as? DockStoreError == failed)
    }
}
