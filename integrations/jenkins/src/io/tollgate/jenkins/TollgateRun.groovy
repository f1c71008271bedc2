package io.tollgate.jenkins

/**
 * The sequence both Tollgate steps share, run inside the calling pipeline through its `steps`
 * (the vars script): the CLI with `sh`, its verdict with `fileExists` and `readJSON`, JUnit with `junit`, issues
 * for Warnings NG with `recordIssues`, the CSP-safe HTML report with `archiveArtifacts`, and the
 * build result with `error` (FAILURE) or `unstable` (UNSTABLE). Every decision is the CLI's: this
 * class only reads the verdict the CLI wrote. Its methods call pipeline steps, so none is
 * @NonCPS; it keeps only serialisable state, as CPS needs across a restart.
 */
class TollgateRun implements Serializable {

    private static final long serialVersionUID = 1L

    private final def steps
    private final String stepName
    private final Map config

    TollgateRun(def steps, String stepName, Map config) {
        this.steps = steps
        this.stepName = stepName
        this.config = config
    }

    Map run(List<String> scanArguments, String fallbackName) {
        String name
        String dir
        String failureResult
        try {
            name = TollgateOptions.reportName(config, fallbackName)
            dir = TollgateOptions.outputDir(config)
            failureResult = TollgateOptions.failureResult(config)
        } catch (IllegalArgumentException problem) {
            steps.error("${stepName}: ${problem.message}")
        }
        Map<String, String> out = TollgateOptions.outputs(dir, name)
        List<String> arguments = []
        arguments.addAll(scanArguments)
        arguments.addAll(TollgateOptions.reportArguments(out))
        String command = TollgateOptions.commandLine(String.valueOf(config.tollgate ?: 'tollgate'), arguments)
        int status = steps.sh(script: "mkdir -p ${TollgateOptions.shellQuote(dir)} && ${command}", returnStatus: true, label: stepName)
        if (status != 0 && status != 1) {
            String cause = status == 2 ? 'a usage or configuration error' : 'the scan could not be completed'
            steps.error("${stepName}: Tollgate exited with ${status} (${cause}); its message is in the log above")
        }
        if (status == 0 && !steps.fileExists(out.verdict)) {
            // Passed with nothing to judge: an authentication failure without failByAuth passes the
            // build with the CLI's warning in the log and no report, as the connector does.
            steps.echo("${stepName}: passed without a verdict (the CLI's warning above says why); nothing to publish")
            return [passed: true, exitCode: status, verdictFile: null, reportFile: null, issuesFile: null, junitFile: null]
        }
        def verdict = steps.readJSON(file: out.verdict)
        boolean passed = verdict.passed == true
        if (passed != (status == 0)) {
            steps.error("${stepName}: Tollgate exited with ${status} but its verdict says passed=${verdict.passed}; refusing to guess")
        }
        // The step, not the junit plugin, decides the build result from the verdict.
        steps.junit(testResults: out.junit, allowEmptyResults: false, skipMarkingBuildUnstable: true)
        steps.recordIssues(tools: [steps.issues(pattern: out.issues, id: name, name: "Tollgate ${name}")], enabledForFailure: true, skipPublishingChecks: true)
        steps.archiveArtifacts(artifacts: "${out.html}, ${out.htmlDir}/**", allowEmptyArchive: false)
        if (!passed) {
            String message = "${stepName}: ${TollgateOptions.reasonsLine(verdict)}"
            if (failureResult == 'UNSTABLE') {
                steps.unstable(message)
            } else {
                steps.error(message)
            }
        }
        return [passed: passed, exitCode: status, verdictFile: out.verdict, reportFile: out.html, issuesFile: out.issues, junitFile: out.junit]
    }
}
