import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process-wide registry of things to undo before the process ends: embedded servers to stop,
/// scratch databases to drop.
///
/// Every `EmbeddedServer` and `ExternalScratchServer` registers itself here while it lives. Call
/// `installSignalHandlers()` once at start-up so that SIGINT, SIGTERM and SIGHUP run all
/// cleanups before the process exits; `runAll()` also runs at a normal `exit()`.
public enum Cleanup {
    private static let state = CleanupState()

    /// Registers `action` under `id` (replacing an earlier one with the same id). Actions must be
    /// safe to run from another thread, while the main thread is blocked in libpq.
    public static func register(_ id: String, _ action: @escaping @Sendable () -> Void) {
        state.register(id, action)
    }

    /// Forgets the action registered under `id` without running it.
    public static func unregister(_ id: String) {
        state.unregister(id)
    }

    /// Runs every registered action once, newest first, and forgets them. Idempotent; a second
    /// caller (e.g. a signal arriving during a normal shutdown) waits until the first is done.
    public static func runAll() {
        state.runAll()
    }

    /// True once a termination signal arrived and the cleanups are running. The main thread may
    /// see errors caused by the cleanup (e.g. its server being stopped under it); a CLI can check
    /// this to stay quiet, since the process is about to exit with 128 + signal anyway.
    public static var isTerminating: Bool { state.isTerminating }

    /// The ids currently registered (for diagnostics and tests).
    public static var registeredIDs: [String] { state.ids }

    /// On SIGINT, SIGTERM and SIGHUP: run all cleanups, then exit with status 128 + signal.
    ///
    /// The signals are ignored at the process level and delivered to a dispatch source on a
    /// background queue, so the handler runs normal Swift code even while the main thread is
    /// blocked inside libpq. The handler flushes stdio and ends the process with `_exit`; if the
    /// main thread reaches `exit()` meanwhile (e.g. after its connection was closed by the
    /// cleanup), it waits for the handler instead of exiting with its own status. Child
    /// processes spawned by this library get the default signal actions back. Idempotent.
    public static func installSignalHandlers() {
        state.installSignalHandlers()
    }
}

/// The lock-protected storage behind `Cleanup`.
private final class CleanupState: @unchecked Sendable {
    private let lock = NSLock()
    /// Held for the whole of `runAll`, so a concurrent caller waits for the cleanups to finish.
    private let runLock = NSRecursiveLock()
    private var actions: [(id: String, action: @Sendable () -> Void)] = []
    private var signalSources: [DispatchSourceSignal] = []
    private var atExitInstalled = false
    private var terminating = false
    private let signalQueue = DispatchQueue(label: "strata.cleanup.signals")

    var isTerminating: Bool {
        lock.lock()
        defer { lock.unlock() }
        return terminating
    }

    var ids: [String] {
        lock.lock()
        defer { lock.unlock() }
        return actions.map(\.id)
    }

    func register(_ id: String, _ action: @escaping @Sendable () -> Void) {
        lock.lock()
        if terminating {
            // The cleanups may be done already: what the main thread makes after the signal (a
            // temporary directory, say) goes at once rather than outlive the process.
            lock.unlock()
            action()
            return
        }
        actions.removeAll { $0.id == id }
        actions.append((id, action))
        let installAtExit = !atExitInstalled
        atExitInstalled = true
        lock.unlock()
        if installAtExit {
            atexit { CleanupState.atExit() }
        }
    }

    func unregister(_ id: String) {
        lock.lock()
        actions.removeAll { $0.id == id }
        lock.unlock()
    }

    func runAll() {
        runLock.lock()
        defer { runLock.unlock() }
        while true {
            lock.lock()
            let next = actions.popLast()
            lock.unlock()
            guard let next else { return }
            next.action()
        }
    }

    /// At a normal exit run the cleanups; during signal handling leave the exit to the handler.
    static func atExit() {
        if Cleanup.isTerminating {
            while true { sleep(60) }
        }
        Cleanup.runAll()
    }

    func installSignalHandlers() {
        lock.lock()
        defer { lock.unlock() }
        guard signalSources.isEmpty else { return }
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: signalQueue)
            source.setEventHandler { [self] in
                lock.lock()
                terminating = true
                lock.unlock()
                runAll()
                fflush(nil)
                _exit(128 + signo)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
