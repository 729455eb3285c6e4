/// Copies of ../shared/fixtures, kept in the test target so a clone tests on its own.
enum Fixtures {
    static let sysconfigSUSE = """

        ## Path           : System/Management
        ## Description    : Extra cli switches for docker daemon
        ## Type           : string
        ## Default        : ""
        ## ServiceRestart : docker
        #
        DOCKER_OPTS=""

        """

    static let sysconfigWithOptions = """

        ## Path           : System/Management
        ## Description    : Extra cli switches for docker daemon
        ## Type           : string
        ## Default        : ""
        ## ServiceRestart : docker
        #
        DOCKER_OPTS="--log-level=warn -s overlay2 --storage-opt overlay2.size=10G --insecure-registry 10.0.0.5:5000"

        """

    static let sysconfigKiwi = """
        # written by an image description, as the kiwi manual shows it
        DOCKER_OPTS="-s btrfs"

        """

    static let fstabLegacy = """
        /dev/disk/by-uuid/0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c / ext4 defaults 0 1
        /var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0

        """

    static let daemonConflict = """
        {
          "log-level": "warn",
          "storage-driver": "overlay2"
        }

        """
}
