package io.taskgate.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks resources only the operator may call, with the admin token ({@link OperatorToken}):
 * fleet-wide actions such as recovering stuck tasks, which no tenant's key may take.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OperatorOnly {
}
