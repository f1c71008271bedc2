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
    return new TollgateRun(this, 'tollgateImageScan', config).run(arguments, 'tollgate-image')
}
