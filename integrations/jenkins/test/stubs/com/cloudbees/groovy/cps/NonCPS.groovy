package com.cloudbees.groovy.cps

import java.lang.annotation.ElementType
import java.lang.annotation.Retention
import java.lang.annotation.RetentionPolicy
import java.lang.annotation.Target

/**
 * Stub of Jenkins' @NonCPS annotation (workflow-cps), so the library's classes compile in the
 * step harness outside Jenkins. In Jenkins the real annotation is on the classpath instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target([ElementType.METHOD])
@interface NonCPS {
}
