import ArgumentParser
import Foundation
import StrataKit

// Exit codes (DESIGN §9): 0 success, 1 found problems, 2 unusable input or arguments,
// 3 database or environment failure. argument-parser's own usage errors map to 2; an error
// type that does not say its code (ExitCoded) is an environment failure, 3.
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
    guard exitCode == .validationFailure else {
        // Not a usage error and not one of ours: the environment failed (a file that cannot be
        // read, a system call); exit 2 is for bad input only, and "run strata help" would mislead.
        printError("strata: \(error)")
        exit(3)
    }
    printError(Strata.fullMessage(for: error))
    printError("Run `strata help` for usage.")
    exit(2)
}
