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
    // credentialsId is the "secret file" credential of the authentication records in both modes
    // (server mode reads it for createAuthRecord); serverCredentialsId the "Secret text" credential
    // of the server's token. The CLI reads TOLLGATE_TOKEN and TOLLGATE_CREDENTIALS, so neither a
    // token nor a path appears on its command line.
    List bindings = []
    if (config.serverUrl) {
        bindings.add(string(credentialsId: String.valueOf(config.serverCredentialsId), variable: 'TOLLGATE_TOKEN'))
    }
    if (config.credentialsId) {
        bindings.add(file(credentialsId: String.valueOf(config.credentialsId), variable: 'TOLLGATE_CREDENTIALS'))
    }
    if (bindings.isEmpty()) {
        return run.run(arguments, 'tollgate-compliance')
    }
    Map result = null
    withCredentials(bindings) {
        result = run.run(arguments, 'tollgate-compliance')
    }
    return result
}
