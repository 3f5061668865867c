/// Where the daemon listens and the CLI connects when nothing else is said. One constant
/// for both sides of the socket (the config file's default is pinned to it by a test).
public enum ControlSocket {
    public static let defaultPath = "/run/needled/control.sock"
}
