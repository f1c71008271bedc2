/**
 * Step harness: runs the library's steps (vars/*.groovy) under Debian's Groovy 2.4 — the Groovy
 * line Jenkins runs — with the pipeline steps they call replaced by recording stubs: sh, readJSON,
 * junit, recordIssues, issues, archiveArtifacts, error, unstable, withCredentials, file, string, echo,
 * fileExists.
 * `error` throws (as Jenkins' AbortException does, leaving the build FAILURE), `unstable` marks
 * the build UNSTABLE. Not Jenkins and not CPS: it proves what the steps call, with which
 * arguments, and the build result they leave.
 *
 * Usage: groovy -cp <library src>:<stubs> StepHarness.groovy <library root> <scenarios.json>
 * Each scenario: { name, step, config, shStatus, verdict (what readJSON returns), env } or, in
 * run mode, { name, step, config, workspace, env, credentials }: then `sh` really runs its script
 * in the workspace with the environment the step built (env plus the variables withCredentials
 * bound), `readJSON` and `fileExists` read what the CLI wrote there. `credentials` maps a credential
 * id to what Jenkins would bind: a Secret text's value, or the path of a Secret file's file; an id
 * not in it fails as Jenkins does.
 * Prints a JSON list: { name, result, message, calls: [{ step, args }], returned, log } where log is
 * what the scripts `sh` ran wrote (run mode).
 */
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

class HarnessAbort extends RuntimeException {
    HarnessAbort(String message) { super(message) }
}

String libraryRoot = args[0]
List scenarios = new JsonSlurper().parse(new File(args[1])) as List
List results = []

for (Map scenario : scenarios) {
    List calls = []
    String result = 'SUCCESS'
    String message = null
    Binding binding = new Binding()
    Closure record = { String step, Object arguments -> calls.add([step: step, args: arguments]) }
    // Run mode: the variables withCredentials binds while its body runs, and what sh's scripts wrote.
    Map<String, String> bound = [:]
    StringBuffer log = new StringBuffer()
    binding.setVariable('env', scenario.env ?: [:])
    binding.setVariable('sh', { Map arguments ->
        record('sh', arguments)
        if (scenario.workspace) {
            // Run mode: the script runs for real in the scenario's workspace, as an agent would run it.
            Map<String, String> variables = [:]
            variables.putAll(System.getenv())
            (scenario.env ?: [:]).each { key, value -> variables.put(key as String, value as String) }
            variables.putAll(bound)
            List<String> environment = variables.collect { key, value -> "${key}=${value}".toString() }
            Process process = ['/bin/sh', '-c', arguments.script].execute(environment, new File(scenario.workspace as String))
            process.waitForProcessOutput(log, log)
            return process.exitValue()
        }
        return arguments.returnStatus ? (scenario.shStatus ?: 0) : ''
    })
    binding.setVariable('fileExists', { String file ->
        record('fileExists', file)
        if (scenario.workspace) {
            return new File(scenario.workspace as String, file).isFile()
        }
        return scenario.verdict != null
    })
    binding.setVariable('readJSON', { Map arguments ->
        record('readJSON', arguments)
        if (scenario.workspace) {
            File verdictFile = new File(scenario.workspace as String, arguments.file as String)
            if (!verdictFile.isFile()) {
                throw new HarnessAbort("readJSON: ${arguments.file} does not exist")
            }
            return new JsonSlurper().parse(verdictFile)
        }
        if (scenario.verdict == null) {
            throw new HarnessAbort("readJSON: ${arguments.file} does not exist")
        }
        return scenario.verdict
    })
    binding.setVariable('junit', { Map arguments -> record('junit', arguments) })
    binding.setVariable('issues', { Map arguments -> [tool: 'issues'] + arguments })
    binding.setVariable('recordIssues', { Map arguments -> record('recordIssues', arguments) })
    binding.setVariable('archiveArtifacts', { Map arguments -> record('archiveArtifacts', arguments) })
    binding.setVariable('echo', { String text -> record('echo', text) })
    binding.setVariable('file', { Map arguments -> [binding: 'file'] + arguments })
    binding.setVariable('string', { Map arguments -> [binding: 'string'] + arguments })
    binding.setVariable('withCredentials', { List bindings, Closure body ->
        record('withCredentials', bindings)
        if (!scenario.workspace) {
            return body.call()
        }
        Map credentials = scenario.credentials ?: [:]
        for (Map credential : bindings) {
            if (!credentials.containsKey(credential.credentialsId)) {
                throw new HarnessAbort("Could not find credentials entry with ID '${credential.credentialsId}'")
            }
            bound.put(credential.variable as String, credentials[credential.credentialsId] as String)
        }
        try {
            return body.call()
        } finally {
            bindings.each { Map credential -> bound.remove(credential.variable) }
        }
    })
    binding.setVariable('unstable', { String text ->
        record('unstable', text)
        if (result == 'SUCCESS') {
            result = 'UNSTABLE'
        }
        message = text
    })
    binding.setVariable('error', { String text ->
        record('error', text)
        throw new HarnessAbort(text)
    })

    GroovyShell shell = new GroovyShell(this.class.classLoader, binding)
    Script step = shell.parse(new File("${libraryRoot}/vars/${scenario.step}.groovy"))
    step.setBinding(binding)
    Object returned = null
    try {
        returned = step.invokeMethod('call', [scenario.config ?: [:]] as Object[])
    } catch (HarnessAbort abort) {
        result = 'FAILURE'
        message = abort.message
    }
    results.add([name: scenario.name, result: result, message: message, calls: calls, returned: returned, log: log.toString()])
}

println JsonOutput.toJson(results)
