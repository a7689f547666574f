import Foundation

/// Runs a program and collects its output (stdout through a pipe, stderr through a file, so
/// neither can fill up and block the child).
enum ProcessRunner {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws(StrataError) -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("strata-stderr-\(getpid())-\(UUID().uuidString.prefix(8))")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        do {
            let err = try FileHandle(forWritingTo: errURL)
            process.standardError = err
            try process.run()
            try? err.close()
        } catch {
            throw .environment("cannot run \(executable.path): \(error.localizedDescription)")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
