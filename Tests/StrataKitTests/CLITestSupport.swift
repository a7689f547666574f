import Foundation
import XCTest

/// Runs the built `strata` binary (STYLE 15: test the real executable end to end).
struct CLI {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    static var binary: URL {
        // The test bundle sits next to the executables in .build/<config>/.
        if let explicit = ProcessInfo.processInfo.environment["STRATA_BIN"] { return URL(fileURLWithPath: explicit) }
        let bundle = Bundle(for: BundleAnchor.self).bundleURL
        for candidate in [bundle.appendingPathComponent("strata"), bundle.deletingLastPathComponent().appendingPathComponent("strata")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return bundle.appendingPathComponent("strata")
    }

    final class BundleAnchor {}

    @discardableResult
    static func run(_ args: [String], in directory: URL, environment: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Output goes to files: no pipe can fill up and block the child.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdoutData = try Data(contentsOf: outURL), stderrData = try Data(contentsOf: errURL)
        return Result(stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self), status: process.terminationStatus)
    }
}
