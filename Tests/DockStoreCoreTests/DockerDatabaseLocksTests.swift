@testable import DockStoreCore
import Testing

/// /proc/locks as the kernel writes it: only held exclusive flocks count, a waiter (`->`), a
/// shared flock and a POSIX lock do not.
struct DockerDatabaseLocksTests {
    @Test func exclusiveFlocksAreReadFromProcLocks() {
        let text = """
            1: FLOCK  ADVISORY  WRITE 25516 00:28:294 0 EOF
            1: -> FLOCK  ADVISORY  WRITE 25600 00:28:294 0 EOF
            2: FLOCK  ADVISORY  READ 25517 00:28:300 0 EOF
            3: POSIX  ADVISORY  WRITE 812 fe:00:1048601 0 EOF
            4: OFDLCK ADVISORY  WRITE -1 00:19:17 0 EOF
            5: FLOCK  ADVISORY  WRITE 0 00:28:309 0 EOF
            garbage
            """
        #expect(DockerDatabaseLocks.exclusiveFlocks(in: text) == [.init(pid: 25516, inode: 294), .init(pid: 0, inode: 309)])
    }
}
