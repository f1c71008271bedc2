package io.tollgate.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Pure helpers of the Tollgate steps: parameter checks, shell quoting and the CLI's argument
 * list. Every method is @NonCPS and calls no pipeline step, so it runs as plain Groovy inside
 * Jenkins' CPS interpreter; it uses only String, List, Map and Integer methods the script-security
 * sandbox allows (no java.io, no JsonSlurper, no System, no Eval), so a folder-level (sandboxed)
 * library can use it too. A mistake in a parameter is an IllegalArgumentException naming it,
 * which the step turns into a failed build with that message.
 */
class TollgateOptions implements Serializable {

    private static final long serialVersionUID = 1L

    static final List<String> FAILURE_RESULTS = ['FAILURE', 'UNSTABLE']

    /** Quotes one word for a POSIX shell: everything between single quotes is literal. */
    @NonCPS
    static String shellQuote(Object value) {
        String text = String.valueOf(value)
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException('a parameter contains a NUL character')
        }
        return "'" + text.replace("'", "'\"'\"'") + "'"
    }

    /** The command line: the executable, then each argument quoted. */
    @NonCPS
    static String commandLine(String executable, List<String> arguments) {
        List<String> words = [shellQuote(executable)]
        for (String argument : arguments) {
            words.add(shellQuote(argument))
        }
        return words.join(' ')
    }

    /** A list parameter given as a list or as comma/newline-separated text; blanks dropped, duplicates once. */
    @NonCPS
    static List<String> listOf(Object value) {
        List<String> items = []
        if (value == null) {
            return items
        }
        List<Object> raw = value instanceof Collection ? new ArrayList<Object>((Collection) value) : String.valueOf(value).split(/[,\n]/).toList()
        for (Object entry : raw) {
            String item = String.valueOf(entry).trim()
            if (item && !items.contains(item)) {
                items.add(item)
            }
        }
        return items
    }

    @NonCPS
    static boolean flag(Map config, String name, boolean fallback) {
        Object value = config[name]
        if (value == null) {
            return fallback
        }
        if (value instanceof Boolean) {
            return (Boolean) value
        }
        String text = String.valueOf(value).trim().toLowerCase()
        if (text in ['true', 'yes', '1']) {
            return true
        }
        if (text in ['false', 'no', '0', '']) {
            return false
        }
        throw new IllegalArgumentException("${name}: expected true or false, got '${value}'")
    }

    /**
     * Minutes written as a number or a product/sum of whole numbers (`2`, `60*2`, `30 + 15`), as the
     * connectors accept them. Checked here (so a pipeline variable cannot smuggle anything onto the
     * command line) and evaluated again by the CLI. Returns the text, trimmed.
     */
    @NonCPS
    static String minutes(Map config, String name, String fallback) {
        String text = config[name] == null ? fallback : String.valueOf(config[name]).trim()
        if (!(text ==~ /\d{1,6}(\s*[*+]\s*\d{1,6}){0,4}/)) {
            throw new IllegalArgumentException("${name}: '${text}' is not minutes as a number or an expression such as 60*2")
        }
        long total = 0
        for (String term : text.split(/\s*\+\s*/)) {
            long product = 1
            for (String factor : term.split(/\s*\*\s*/)) {
                product *= factor.toLong()
            }
            total += product
        }
        if (total < 1 || total > 7 * 24 * 60) {
            throw new IllegalArgumentException("${name}: '${text}' must come to 1 minute to 7 days")
        }
        return text
    }

    /**
     * Seconds or minutes of server mode's polling, as the CLI reads them: a number (decimals
     * allowed, `0.5`) or a product/sum of numbers (`2*15`). Checked here so nothing else reaches
     * the command line; the CLI evaluates it and says when it is out of range.
     */
    @NonCPS
    static String interval(Map config, String name, String fallback) {
        String text = config[name] == null ? fallback : String.valueOf(config[name]).trim()
        if (!(text ==~ /\d{1,6}(\.\d{1,3})?(\s*[*+]\s*\d{1,6}(\.\d{1,3})?){0,4}/)) {
            throw new IllegalArgumentException("${name}: '${text}' is not a number or an expression such as 2*15")
        }
        return text
    }

    /**
     * `--server URL` for server mode (docs/connector.md). The token never goes on the command line:
     * the step binds the "Secret text" credential `serverCredentialsId` to TOLLGATE_TOKEN, which the
     * CLI reads. (`credentialsId` is the compliance step's records file, in both modes.) The URL is
     * not quoted in the error, in case it carries a password.
     */
    @NonCPS
    static List<String> serverArguments(Map config) {
        if (!config.serverUrl) {
            return []
        }
        String url = String.valueOf(config.serverUrl).trim()
        if (!(url ==~ /https?:\/\/[A-Za-z0-9.\[\]:-]+(\/[A-Za-z0-9._~\/-]*)?/)) {
            throw new IllegalArgumentException('serverUrl: must be an http:// or https:// address with no credentials in it')
        }
        if (!config.serverCredentialsId) {
            throw new IllegalArgumentException('serverCredentialsId: serverUrl needs the id of a Secret text credential holding a Tollgate ci token')
        }
        return ['--server', url]
    }

    @NonCPS
    static String failureResult(Map config) {
        String result = String.valueOf(config.failureResult ?: 'FAILURE').trim().toUpperCase()
        if (!(result in FAILURE_RESULTS)) {
            throw new IllegalArgumentException("failureResult: '${config.failureResult}' is not FAILURE or UNSTABLE")
        }
        return result
    }

    /** A file-name-safe id for this step's outputs (several scans in one build must not overwrite each other). */
    @NonCPS
    static String reportName(Map config, String fallback) {
        String name = String.valueOf(config.reportName ?: fallback)
        if (!(name ==~ /[A-Za-z0-9][A-Za-z0-9._-]{0,63}/)) {
            throw new IllegalArgumentException("reportName: '${name}' may hold letters, digits, '.', '_' and '-' only")
        }
        return name
    }

    @NonCPS
    static String outputDir(Map config) {
        String dir = String.valueOf(config.outputDir ?: 'tollgate-reports').replaceAll(/\/+$/, '')
        if (!(dir ==~ /[A-Za-z0-9._\/-]{1,200}/) || dir.startsWith('/') || dir.split('/').contains('..')) {
            throw new IllegalArgumentException("outputDir: '${config.outputDir}' must be a relative folder inside the workspace")
        }
        return dir
    }

    /** Where each output of one step goes, relative to the workspace. */
    @NonCPS
    static Map<String, String> outputs(String dir, String name) {
        return [
            verdict : "${dir}/${name}-verdict.json".toString(),
            junit   : "${dir}/${name}-junit.xml".toString(),
            issues  : "${dir}/${name}-issues.json".toString(),
            html    : "${dir}/${name}-report.html".toString(),
            htmlDir : "${dir}/${name}-report_files".toString(),
        ]
    }

    /** The report flags every step passes: the log table, JUnit, Warnings NG issues, the CSP-safe HTML, the verdict. */
    @NonCPS
    static List<String> reportArguments(Map<String, String> out) {
        return [
            '--format', 'table',
            '--format', "junit=${out.junit}".toString(),
            '--format', "warnings-ng=${out.issues}".toString(),
            '--format', "html-files=${out.html}".toString(),
            '--summary-output', out.verdict,
        ]
    }

    /** The arguments of `tollgate image scan` for the connector-style parameters of tollgateImageScan. */
    @NonCPS
    static List<String> imageArguments(Map config) {
        if (config.credentialsId) {
            // Before the first release credentialsId was the server token here; refused, never guessed.
            throw new IllegalArgumentException('credentialsId: tollgateImageScan takes no records file; the server token\'s Secret text credential is serverCredentialsId')
        }
        List<String> images = listOf(config.imageIds)
        if (images.isEmpty()) {
            throw new IllegalArgumentException('imageIds: name at least one image (an id, a sha256 digest or repo:tag)')
        }
        List<String> args = ['image', 'scan']
        for (String image : images) {
            if (image.startsWith('-')) {
                throw new IllegalArgumentException("imageIds: '${image}' is not an image reference")
            }
            args.add(image)
        }
        if (config.dockerUrl) {
            String url = String.valueOf(config.dockerUrl).trim()
            if (!(url.startsWith('unix://') || url.startsWith('tcp://'))) {
                throw new IllegalArgumentException("dockerUrl: '${url}' must start with unix:// or tcp://")
            }
            args.addAll(['--docker-host', url])
        }
        if (config.dockerCert) {
            args.addAll(['--docker-cert-path', String.valueOf(config.dockerCert)])
        }
        if (flag(config, 'registryInsecure', false)) {
            args.add('--registry-insecure')
        }
        List<String> server = serverArguments(config)
        args.addAll(server)
        if (flag(config, 'viaSensor', false)) {
            if (server.isEmpty()) {
                throw new IllegalArgumentException('viaSensor: needs serverUrl (the sensor delivers its result to a Tollgate server)')
            }
            args.add('--via-sensor')
            if (config.poll != null) {
                args.addAll(['--poll', interval(config, 'poll', '30')])
            }
            if (config.timeout != null) {
                args.addAll(['--timeout', interval(config, 'timeout', '600')])
            }
        }
        // Accepted and checked now; standalone scans do not poll (it paces a Tollgate server's answers).
        minutes(config, 'pollingInterval', '2')
        args.addAll(['--max-scan-time', minutes(config, 'vulnsTimeout', '60*2')])
        if (flag(config, 'isFailOnSevereVulns', false)) {
            List<String> limits = []
            List<String> levels = ['NEGLIGIBLE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']
            for (int level = 5; level >= 1; level--) {
                if (flag(config, "isSev${level}Vulns".toString(), false)) {
                    Object limit = config["severity${level}Limit".toString()] ?: 0
                    if (!(String.valueOf(limit) ==~ /\d{1,9}/)) {
                        throw new IllegalArgumentException("severity${level}Limit: '${limit}' is not a whole number")
                    }
                    limits.add("${levels[level - 1]}=${limit}".toString())
                }
            }
            if (limits.isEmpty()) {
                throw new IllegalArgumentException('isFailOnSevereVulns: choose at least one severity (isSev5Vulns ... isSev1Vulns)')
            }
            args.addAll(['--fail-severity', limits.join(',')])
        }
        if (flag(config, 'isFailOnCVEs', false)) {
            List<String> ids = listOf(config.cveList)
            if (ids.isEmpty()) {
                throw new IllegalArgumentException('isFailOnCVEs: cveList is empty')
            }
            args.addAll(['--fail-id', ids.join(',')])
        }
        if (flag(config, 'isFailOnSoftware', false)) {
            List<String> specs = listOf(config.softwareList)
            if (specs.isEmpty()) {
                throw new IllegalArgumentException('isFailOnSoftware: softwareList is empty')
            }
            for (String spec : specs) {
                args.addAll(['--fail-software', spec])
            }
        }
        if (flag(config, 'failByCvss', false)) {
            String version = String.valueOf(config.cvssVersion ?: '3')
            String threshold = String.valueOf(config.cvssThreshold ?: '')
            if (!(version in ['2', '3', '4', 'max']) || !(threshold ==~ /\d{1,2}(\.\d)?/)) {
                throw new IllegalArgumentException("failByCvss: cvssVersion '${version}' (2, 3, 4 or max) and cvssThreshold '${threshold}' (0.0 to 10.0)")
            }
            args.addAll(['--fail-cvss', "${version}:${threshold}".toString()])
        }
        if (flag(config, 'isExcludeConditions', false)) {
            List<String> excluded = listOf(config.excludeList)
            String by = String.valueOf(config.excludeBy ?: 'cve')
            if (excluded.isEmpty() || !(by in ['cve', 'package'])) {
                throw new IllegalArgumentException("isExcludeConditions: excludeBy '${by}' (cve or package) and a non-empty excludeList")
            }
            for (String entry : excluded) {
                args.addAll([by == 'cve' ? '--exclude-id' : '--exclude-package', entry])
            }
        }
        if (flag(config, 'fixableOnly', false)) {
            args.add('--fixable-only')
        }
        if (config.gateFile) {
            args.addAll(['--gate', String.valueOf(config.gateFile)])
        }
        if (config.webhookUrl) {
            args.addAll(['--webhook', String.valueOf(config.webhookUrl)])
        }
        args.addAll(databaseArguments(config))
        return args
    }

    @NonCPS
    static List<String> databaseArguments(Map config) {
        List<String> args = []
        if (config.db) {
            args.addAll(['--db', String.valueOf(config.db)])
        }
        if (flag(config, 'skipDbUpdate', false)) {
            args.add('--skip-db-update')
        }
        return args
    }

    /** The target of `tollgate compliance scan`: a host or `env.NAME` over SSH, or a target spec as the CLI takes it. */
    @NonCPS
    static String complianceTarget(Map config) {
        if (config.target) {
            String target = String.valueOf(config.target).trim()
            if (target.startsWith('-')) {
                throw new IllegalArgumentException("target: '${target}' is not a target")
            }
            return target
        }
        String host = String.valueOf(config.host ?: '').trim()
        if (!host) {
            throw new IllegalArgumentException('host: name the host (an address, a name or env.VARIABLE), or give target')
        }
        if (!(host ==~ /env\.[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\]/)) {
            throw new IllegalArgumentException("host: '${host}' is not an address, a host name or env.VARIABLE")
        }
        String port = config.port ? String.valueOf(config.port) : ''
        if (port && !(port ==~ /\d{1,5}/)) {
            throw new IllegalArgumentException("port: '${port}' is not a TCP port")
        }
        String user = config.sshUser ? "${config.sshUser}@".toString() : ''
        return "ssh://${user}${host}${port ? ':' + port : ''}".toString()
    }

    /** The arguments of `tollgate compliance scan` for the connector-style parameters of tollgateComplianceScan. */
    @NonCPS
    static List<String> complianceArguments(Map config, String credentialsFile) {
        if (config.recordsCredentialsId) {
            throw new IllegalArgumentException('recordsCredentialsId: the records file is credentialsId, in both modes; the server token is serverCredentialsId')
        }
        List<String> args = ['compliance', 'scan', complianceTarget(config)]
        String scanName = String.valueOf(config.scanName ?: '[job_name]_jenkins_build_[build_number]')
        args.addAll(['--scan-name', scanName])
        for (String policy : listOf(config.policies ?: config.policy)) {
            args.addAll(['--policy', policy])
        }
        List<String> server = serverArguments(config)
        if (!server.isEmpty()) {
            args.addAll(server)
            if (config.scanner) {
                args.addAll(['--scanner', String.valueOf(config.scanner)])
            }
            if (config.optionProfile) {
                args.addAll(['--option-profile', String.valueOf(config.optionProfile)])
            }
            if (config.cloudConnector) {
                args.addAll(['--cloud-connector', String.valueOf(config.cloudConnector)])
            }
            args.addAll(['--poll', interval(config, 'pollingInterval', '2')])
            boolean createAuthRecord = flag(config, 'createAuthRecord', false)
            // The CLI would refuse either mismatch as a usage error; said here with the step's names.
            if (config.credentialsId && !createAuthRecord) {
                throw new IllegalArgumentException('credentialsId: with serverUrl the records file is read only with createAuthRecord: true ' +
                    '(without it, authRecord names a record stored on the server)')
            }
            if (createAuthRecord && !config.credentialsId) {
                throw new IllegalArgumentException('createAuthRecord: needs credentialsId, the Secret file credential of the records file holding authRecord')
            }
            if (createAuthRecord) {
                args.addAll(['--create-auth-record', 'unix'])
            }
        }
        if (credentialsFile) {
            args.addAll(['--credentials', credentialsFile])
        }
        if (config.authRecord) {
            args.addAll(['--auth', String.valueOf(config.authRecord)])
        }
        if (config.hostKey) {
            args.addAll(['--ssh-host-key', String.valueOf(config.hostKey)])
        }
        if (config.exceptionsFile) {
            args.addAll(['--exceptions', String.valueOf(config.exceptionsFile)])
        }
        if (server.isEmpty()) {
            // Accepted and checked; standalone scans do not poll (it paces a Tollgate server's answers).
            minutes(config, 'pollingInterval', '2')
        }
        args.addAll(['--timeout', minutes(config, 'vulnsTimeout', '60*2')])
        if (flag(config, 'failByStateAndCriticality', false)) {
            List<String> states = []
            if (flag(config, 'stateFail', true)) {
                states.add('FAIL')
            }
            if (flag(config, 'stateError', false)) {
                states.add('ERROR')
            }
            if (flag(config, 'stateExceptions', false)) {
                states.add('EXCEPTION')
            }
            List<String> criticalities = []
            for (String level : ['URGENT', 'CRITICAL', 'SERIOUS', 'MEDIUM', 'MINIMAL']) {
                String name = 'criticality' + level.substring(0, 1) + level.substring(1).toLowerCase()
                if (flag(config, name, level in ['URGENT', 'CRITICAL', 'SERIOUS'])) {
                    criticalities.add(level)
                }
            }
            if (states.isEmpty() || criticalities.isEmpty()) {
                throw new IllegalArgumentException('failByStateAndCriticality: choose at least one state (stateFail, stateError, stateExceptions) and one criticality')
            }
            args.addAll(['--fail-on-state', states.join(','), '--fail-on-criticality', criticalities.join(',')])
        } else {
            // The build never fails by control results unless asked to, as with the connector.
            args.add('--fail-on-state=')
        }
        if (flag(config, 'failByAuth', false)) {
            args.add('--fail-on-auth-failure')
        }
        List<String> cids = listOf(config.excludedCids)
        if (!cids.isEmpty()) {
            for (String cid : cids) {
                if (!(cid ==~ /[A-Za-z0-9._:-]{1,128}/)) {
                    throw new IllegalArgumentException("excludedCids: '${cid}' is not a control id")
                }
            }
            args.addAll(['--exclude-cid', cids.join(',')])
        }
        return args
    }

    /** One line for the build log and the build result: the gate's reasons, at most ten. */
    @NonCPS
    static String reasonsLine(Object verdict) {
        List<String> reasons = []
        if (verdict instanceof Map && verdict.reasons instanceof Collection) {
            for (Object reason : (Collection) verdict.reasons) {
                reasons.add(String.valueOf(reason))
            }
        }
        if (reasons.isEmpty()) {
            return 'the gate failed'
        }
        String shown = reasons.take(10).join('; ')
        return reasons.size() > 10 ? "${shown}; and ${reasons.size() - 10} more".toString() : shown
    }
}
