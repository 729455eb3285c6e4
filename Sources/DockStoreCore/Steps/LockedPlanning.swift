/// Observing and planning a changing command under the run lock (`FileLock`,
/// `/run/dockstore.lock`), without creating the lock file when the run then changes nothing:
/// a refusal or "nothing to do" leaves the tree as it was, `/run`'s entries and times included.
///
/// When the lock file exists, the lock is taken first and the plan made under it, as always.
/// When it does not, no changing run holds it or has held it since `/run` was emptied (every
/// run that changes something creates the file before its first change and never removes it),
/// so the plan is made first and the file's absence checked again afterwards, the way a
/// seqlock reader checks its sequence: still absent, no changing run overlapped the
/// observation, and a refusal or an empty plan stands as it is, with nothing created. A plan
/// that changes something creates the file with O_EXCL and locks it at once; that only
/// succeeds while no other run made it meanwhile, so the plan still holds. Whenever another
/// run showed up (the file appeared, or it locked the new file first), this run takes the lock
/// the ordinary way, waiting, and plans again under it. Two runs can therefore never both
/// change the tree, and no run acts on a plan made while another run was changing it.
public enum LockedPlanning {
    public static func plan<Plan>(host: Host, timeout: Double, waiting: (String) -> Void,
                                  changes: (Plan) -> Bool, _ make: () throws -> Plan) throws -> (lock: FileLock?, plan: Plan) {
        // Before any lock is opened: another tree's run/ bound in would give this tree's runs that
        // tree's lock to wait on and share, or take the lock file made there (attack 55 Z 5).
        try ForeignTreeMount.refuse(host: host, paths: [HostPaths.lock])
        do {
            let lock = try FileLock(path: HostPaths.lock, on: host, timeout: timeout, opening: .existing, waiting: waiting)
            return (lock, try make())
        } catch is FileLock.Unopened {}
        let first = Result(catching: make)
        if case .success(let plan) = first, changes(plan) {
            do {
                return (try FileLock(path: HostPaths.lock, on: host, timeout: timeout, opening: .new, waiting: waiting), plan)
            } catch is FileLock.Unopened {}
        } else if try !FileLock.exists(HostPaths.lock, on: host) {
            return (nil, try first.get())
        }
        let lock = try FileLock(path: HostPaths.lock, on: host, timeout: timeout, waiting: waiting)
        return (lock, try make())
    }
}
