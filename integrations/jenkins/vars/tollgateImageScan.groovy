import io.tollgate.jenkins.TollgateOptions
import io.tollgate.jenkins.TollgateRun

/**
 * tollgateImageScan: scans container images with the Tollgate CLI and fails the build (or marks
 * it unstable) when the gate fails. Parameters mirror the container connector's pipeline step;
 * see tollgateImageScan.txt. Returns [passed, exitCode, verdictFile, reportFile, issuesFile, junitFile].
 */
def call(Map config = [:]) {
    List<String> arguments
    try {
        arguments = TollgateOptions.imageArguments(config)
    } catch (IllegalArgumentException problem) {
        error("tollgateImageScan: ${problem.message}")
    }
    TollgateRun run = new TollgateRun(this, 'tollgateImageScan', config)
    if (config.serverUrl) {
        // Server mode: the "Secret text" credential serverCredentialsId bound to TOLLGATE_TOKEN, which the CLI reads, so
        // the token is never on its command line and Jenkins masks it in the log.
        Map result = null
        withCredentials([string(credentialsId: String.valueOf(config.serverCredentialsId), variable: 'TOLLGATE_TOKEN')]) {
            result = run.run(arguments, 'tollgate-image')
        }
        return result
    }
    return run.run(arguments, 'tollgate-image')
}
