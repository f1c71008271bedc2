import io.tollgate.jenkins.TollgateOptions
import io.tollgate.jenkins.TollgateRun

/**
 * tollgateComplianceScan: evaluates a host (or a root filesystem, or an image) against policies
 * with the Tollgate CLI and fails the build by state AND criticality, or on an authentication
 * failure, as configured. Parameters mirror the policy compliance connector's pipeline step; see
 * tollgateComplianceScan.txt. Returns [passed, exitCode, verdictFile, reportFile, issuesFile, junitFile].
 */
def call(Map config = [:]) {
    List<String> arguments
    try {
        arguments = TollgateOptions.complianceArguments(config, null)
    } catch (IllegalArgumentException problem) {
        error("tollgateComplianceScan: ${problem.message}")
    }
    TollgateRun run = new TollgateRun(this, 'tollgateComplianceScan', config)
    if (config.credentialsId) {
        // A Jenkins "secret file" credential holding the authentication records; the CLI reads
        // TOLLGATE_CREDENTIALS, so its path never appears on the command line.
        Map result = null
        withCredentials([file(credentialsId: String.valueOf(config.credentialsId), variable: 'TOLLGATE_CREDENTIALS')]) {
            result = run.run(arguments, 'tollgate-compliance')
        }
        return result
    }
    return run.run(arguments, 'tollgate-compliance')
}
