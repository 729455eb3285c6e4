/// A folder bind-mounted onto itself: dockerd does that to its data root when the data root is
/// no mount point (moby's setupDaemonRootPropagation), so a dockerd started on the bare folder
/// under a store that is not mounted shows a mount of the host's filesystem at the mountpoint
/// (attack 42 Q F5: check said "ext4 is mounted at …, unmount what is there", which fails
/// "target is busy" while dockerd runs, and never named dockerd). Read from mountinfo without
/// libmount: the top mount at the path has the same device as the mount it sits on, and its
/// root is the path's own folder in that filesystem.
enum SelfBindMount {
    static func covers(_ target: String, mountinfo path: String = "/proc/self/mountinfo") throws -> Bool {
        let lines = try MountInfoLine.read(path)
        guard let top = lines.last(where: { $0.target.sameBytes(target) }),
              let parent = lines.last(where: { $0.mountID == top.parentID }),
              top.deviceNumbers == parent.deviceNumbers else { return false }
        let below: Substring
        if parent.target.sameBytes(target) {
            below = "" // a bind over a bind of the folder (attack 43 P C9b)
        } else if parent.target == "/" {
            below = Substring(target)
        } else {
            guard target.hasBytePrefix(parent.target + "/") else { return false }
            below = target.dropFirst(parent.target.count)
        }
        let folder = (parent.root == "/" ? "" : parent.root) + below
        return top.root.sameBytes(folder)
    }
}
