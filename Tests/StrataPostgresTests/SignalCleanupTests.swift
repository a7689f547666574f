import Foundation
import StrataPostgres
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// End to end: a child process (this test binary, running only `SignalChildHelper`) starts an
/// embedded server, blocks inside libpq, and is signalled. SIGINT/SIGTERM must remove the
/// cluster before the child exits with 128 + signal; after SIGKILL the server dies with its
/// parent (parent-death signal) and the next start removes the directory.
final class SignalCleanupTests: XCTestCase {
    private struct Child {
        var process: Process
        var directory: String
        var postmasterPID: Int32
    }

    private func childProcess(mode: String) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["StrataPostgresTests.SignalChildHelper/testChildBody"]
        var environment = ProcessInfo.processInfo.environment
        environment["STRATA_PG_CHILD_MODE"] = mode
        process.environment = environment
        return process
    }

    private func startChild() throws -> Child {
        let process = childProcess(mode: "block")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Read until the child reports "READY <directory> <postmaster pid>".
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                let fields = line.split(separator: " ")
                if fields.count == 3, let pid = Int32(fields[2]) {
                    return Child(process: process, directory: String(fields[1]), postmasterPID: pid)
                }
            }
        }
        process.terminate()
        throw XCTSkip("the child test process did not report READY: \(String(decoding: buffer, as: UTF8.self))")
    }

    private func waitUntilGone(_ pid: Int32, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
            {
                return true  // a zombie waiting for init: the server itself is gone
            }
            usleep(10000)
        }
        return false
    }

    private func checkSignal(_ signal: Int32) throws {
        let child = try startChild()
        XCTAssertTrue(FileManager.default.fileExists(atPath: child.directory))
        XCTAssertEqual(kill(child.process.processIdentifier, signal), 0)
        child.process.waitUntilExit()
        XCTAssertEqual(child.process.terminationStatus, 128 + signal)
        XCTAssertTrue(waitUntilGone(child.postmasterPID), "postmaster \(child.postmasterPID) survived signal \(signal)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: child.directory), "\(child.directory) left behind")
    }

    func testCleanupRunAllStopsAStartedServer() throws {
        // In a child process: runAll would also stop servers other test classes share.
        let process = childProcess(mode: "runall")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("RUNALL-OK"), text)
    }

    func testSIGTERMWhileBlockedInLibpqRemovesTheCluster() throws {
        try checkSignal(SIGTERM)
    }

    func testSIGINTRemovesTheCluster() throws {
        try checkSignal(SIGINT)
    }

    func testSIGKILLLeavesADirectoryTheNextStartRemoves() throws {
        let child = try startChild()
        XCTAssertEqual(kill(child.process.processIdentifier, SIGKILL), 0)
        child.process.waitUntilExit()
        XCTAssertTrue(waitUntilGone(child.postmasterPID), "postmaster \(child.postmasterPID) outlived its SIGKILLed parent")
        XCTAssertTrue(FileManager.default.fileExists(atPath: child.directory))
        let base = URL(fileURLWithPath: (child.directory as NSString).deletingLastPathComponent)
        let removed = EmbeddedServer.removeStaleClusters(in: base)
        XCTAssertTrue(removed.contains(child.directory), "\(removed)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: child.directory))
    }
}

/// Runs only inside the child processes started by `SignalCleanupTests`.
final class SignalChildHelper: XCTestCase {
    func testChildBody() throws {
        switch ProcessInfo.processInfo.environment["STRATA_PG_CHILD_MODE"] {
        case "block": try blockUntilSignalled()
        case "runall": try runAllStopsTheServer()
        default: throw XCTSkip("helper for SignalCleanupTests; runs only in its child processes")
        }
    }

    private func blockUntilSignalled() throws {
        Cleanup.installSignalHandlers()
        let server = try EmbeddedServer.start()
        let connection = try PGConnection(server.connectionString())
        print("READY \(server.directory.path) \(server.postmasterPID)")
        fflush(nil)
        try connection.execute("SELECT pg_sleep(120)")  // the main thread blocks here until signalled
        XCTFail("the child was not signalled")
    }

    private func runAllStopsTheServer() throws {
        let server = try EmbeddedServer.start()
        let pid = server.postmasterPID
        let directory = server.directory.path
        XCTAssertEqual(Cleanup.registeredIDs, ["embedded-postgres-" + (directory as NSString).lastPathComponent])
        Cleanup.runAll()
        XCTAssertNotEqual(kill(pid, 0), 0, "postmaster still running")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
        XCTAssertTrue(Cleanup.registeredIDs.isEmpty)
        Cleanup.runAll()  // idempotent
        XCTAssertThrowsError(try server.createDatabase(prefix: "late", template: nil))
        server.stop()
        print("RUNALL-OK")
        fflush(nil)
    }
}
