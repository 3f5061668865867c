import NeedleDaemon

// Block the daemon's signals before any thread exists, so every thread inherits the mask
// and only the main thread's sigwait receives SIGTERM/SIGINT/SIGHUP.
Signals.block()
NeedledCommand.main()
