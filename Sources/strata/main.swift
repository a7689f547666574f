import ArgumentParser
import Foundation
import StrataKit

// Exit codes (DESIGN §9): 0 success, 1 found problems, 2 unusable input or arguments,
// 3 database or environment failure. argument-parser's own usage errors map to 2.
do {
    var command = try Strata.parseAsRoot()
    try command.run()
    exit(0)
} catch let error as StrataError {
    printError("strata: \(error.description)")
    exit(error.exitCode)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Strata.exitCode(for: error)
    if exitCode == .success {
        print(Strata.fullMessage(for: error))
        exit(0)
    }
    if let failure = StrataFailure.describe(error) {
        printError("strata: \(failure.message)")
        exit(failure.code)
    }
    printError(Strata.fullMessage(for: error))
    printError("Run `strata help` for usage.")
    exit(2)
}
