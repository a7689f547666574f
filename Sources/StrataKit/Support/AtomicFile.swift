import Foundation

/// Writes files so that a reader (or a crash) sees the old bytes or the new ones, never half.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL, createDirectory: Bool = false) throws(StrataError) {
        let directory = url.deletingLastPathComponent()
        if createDirectory && !FileManager.default.fileExists(atPath: directory.path) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .environment("cannot create \(DisplayPath.of(directory)): \(error.localizedDescription)")
            }
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).strata-tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw StrataError.environment("cannot write \(DisplayPath.of(url)): \(reason)")
            }
        } catch let error as StrataError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .environment("cannot write \(DisplayPath.of(url)): \(error.localizedDescription)")
        }
    }

    public static func write(_ text: String, to url: URL, createDirectory: Bool = false) throws(StrataError) {
        try write(Data(text.utf8), to: url, createDirectory: createDirectory)
    }
}
